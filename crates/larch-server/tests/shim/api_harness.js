// Drives the shim's API core (player.js part 1) with no DOM and no network, for
// tests/shim_datamodel.rs. stdin: {player, schemas: {label: export}, cases: [{version,
// cmi, config, nav, calls: [[name, arg1, arg2]]}]}. stdout: one result per case:
// {returns, errors, diagnostics, changes, values}.
'use strict';
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
require(input.player);
const { Model, Api, facade, oracle } = globalThis.LarchShim;
const models = {};
for (const [label, schema] of Object.entries(input.schemas)) models[label] = new Model(schema);
const out = input.cases.map((c) => {
  const model = models[c.version];
  const changes = [];
  const hooks = { set: (ch) => changes.push(ch) };
  const api = new Api(model, c.cmi, c.config, oracle(() => c.nav), hooks);
  const f = facade(() => api, model.v04);
  const returns = [], errors = [];
  for (const [name, a, b] of c.calls) {
    returns.push(f[name](a, b));
    errors.push(f[model.v04 ? 'GetLastError' : 'LMSGetLastError']());
  }
  return { returns, errors, changes, values: api.vals };
});
process.stdout.write(JSON.stringify(out));
