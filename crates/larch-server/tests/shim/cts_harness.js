// Replays the SCO sessions recorded from the ADL CTS run (tests/shim_cts.rs) through
// player.js's API, with the navigation states the server gave at each point. stdin:
// {player, schemas: {label: export}, sessions: [{version, cmi, config, events}]}; stdout:
// {calls, mismatches: [{session, call, expected, error, got, got_error}]}.
'use strict';
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
require(input.player);
const { Model, Api, facade, oracle } = globalThis.LarchShim;
const models = {};
for (const [label, schema] of Object.entries(input.schemas)) models[label] = new Model(schema);
let calls = 0;
const mismatches = [];
input.sessions.forEach((s, i) => {
  let nav = null;
  const api = new Api(models[s.version], s.cmi, s.config, oracle(() => nav), {});
  const f = facade(() => api, models[s.version].v04);
  for (const e of s.events) {
    if (e.nav) { nav = e.nav; continue; }
    calls++;
    const [name, a, b] = e.call;
    const got = f[name](a, b);
    const gotError = f.GetLastError();
    const same = e.answer === null ? got !== '' && got.length < 255 : got === e.answer;
    if (!same || gotError !== e.error) mismatches.push({ session: i, call: e.call, expected: e.answer, error: e.error, got, got_error: gotError });
  }
});
process.stdout.write(JSON.stringify({ calls, mismatches }));
