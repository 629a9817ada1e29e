// Transport tests of player.js (part 2) against a fake server with the run-time's commit
// rules (seq per session, duplicates acknowledged), a virtual clock, and fake fetch,
// XMLHttpRequest and localStorage. Run by tests/shim_transport.rs; stdin: {player, schema,
// cmi}; stdout: {passed: [names], failed: [{name, error}]}.
'use strict';
const fs = require('fs');
const assert = require('assert');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
require(input.player);
const { Model, Api, Transport, hooks, oracle } = globalThis.LarchShim;

/** Timers on a virtual clock; `advance` runs what falls due, letting promises settle. */
function clock() {
  const c = { now: 0, timers: [], id: 0 };
  c.setTimeout = (fn, ms) => { c.timers.push({ at: c.now + (ms || 0), fn, id: ++c.id }); return c.id; };
  c.clearTimeout = (id) => { c.timers = c.timers.filter((t) => t.id !== id); };
  c.settle = async () => { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); };
  c.advance = async (ms) => {
    const end = c.now + ms;
    await c.settle();
    for (;;) {
      c.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = c.timers[0];
      if (!t || t.at > end) break;
      c.timers.shift();
      c.now = t.at;
      t.fn();
      await c.settle();
    }
    c.now = end;
  };
  return c;
}

/** The server side of POST /commit: larch_runtime's seq rules, with a switchable network. */
function server(c) {
  const s = { applied: {}, log: [], requests: [], down: false, status: 200, nav: { continue_: false, toc: [] } };
  s.answer = (body) => {
    const last = s.applied[body.session] || 0;
    if (body.seq <= last) return { status: 'duplicate', applied_seq: last, rejected: [], next: null, nav: s.nav };
    s.applied[body.session] = body.seq;
    s.log.push(body);
    return { status: 'applied', applied_seq: body.seq, rejected: [], next: null, nav: s.nav };
  };
  s.fetch = (url, opts) => {
    const body = JSON.parse(opts.body);
    s.requests.push({ at: c.now, url, body, keepalive: opts.keepalive, headers: opts.headers });
    if (s.down) return Promise.reject(new TypeError('network'));
    if (s.status !== 200) return Promise.resolve({ status: s.status, json: () => Promise.resolve({}) });
    const r = s.answer(body);
    return Promise.resolve({ status: 200, json: () => Promise.resolve(r) });
  };
  s.XHR = function () {
    const x = this;
    x.open = (m, url, async) => { x.url = url; x.async = async; };
    x.setRequestHeader = () => {};
    x.send = (b) => {
      const body = JSON.parse(b);
      s.requests.push({ at: c.now, url: x.url, body, sync: x.async === false });
      if (s.down) throw new Error('network');
      x.status = 200;
      x.responseText = JSON.stringify(s.answer(body));
    };
  };
  return s;
}

function storage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}

function setup(opts = {}) {
  const c = clock(), s = server(c), st = opts.storage || storage();
  const results = [];
  const env = { fetch: s.fetch, XHR: s.XHR, storage: st, setTimeout: c.setTimeout, clearTimeout: c.clearTimeout };
  const o = { base: '/p/ps_1/api/', secret: 'sec', key: opts.key || 'larch.pending.reg_1.0', debounce: 500, result: (r, cm) => results.push([r, cm]), auth: () => { o.dead = true; } };
  const tr = new Transport(env, o);
  return { c, s, st, tr, o, results, env };
}
const ch = (element, value) => ({ element, value });
/** The commits stored under `key`, one slot each (`key@a` … `key@n-1`), in queue order. */
const stored = (st, key) => {
  const d = JSON.parse(st.getItem(key)) || {}, q = [];
  for (let i = d.a || 0; i < (d.n || 0); i++) if (st.getItem(key + '@' + i) !== null) q.push(JSON.parse(st.getItem(key + '@' + i)));
  return q;
};
const queued = (t) => stored(t.st, 'larch.pending.reg_1.0');
const journal = (st) => [...st.m.keys()].filter((k) => k.includes('#')).sort();

const tests = {
  async 'seq numbers count from 1 per session, one request at a time, in order'() {
    const t = setup();
    t.tr.start(3, 'SCO1');
    t.tr.set(ch('cmi.location', 'a'));
    t.tr.cut();
    t.tr.set(ch('cmi.location', 'b'));
    t.tr.cut();
    assert.strictEqual(t.s.requests.length, 1, 'the second waits for the first');
    await t.c.advance(0);
    t.tr.start(4, 'SCO2');
    t.tr.set(ch('cmi.location', 'c'));
    t.tr.cut();
    await t.c.advance(0);
    assert.deepStrictEqual(t.s.log.map((b) => [b.session, b.seq, b.activity, b.changes[0].value]), [[3, 1, 'SCO1', 'a'], [3, 2, 'SCO1', 'b'], [4, 1, 'SCO2', 'c']]);
    assert.strictEqual(t.s.requests[0].headers['X-Larch-Session'], 'sec');
    assert.strictEqual(t.s.requests[0].url, '/p/ps_1/api/commit');
    assert.deepStrictEqual(queued(t), []);
  },
  async 'an empty Commit sends nothing; Terminate always does'() {
    const t = setup();
    t.tr.start(1, 'A');
    assert.strictEqual(t.tr.cut(), null);
    t.tr.cut({ terminate: true });
    await t.c.advance(0);
    assert.deepStrictEqual(t.s.log.map((b) => [b.seq, b.terminate, b.changes.length]), [[1, true, 0]]);
  },
  async 'important changes are committed after the debounce, others wait'() {
    const t = setup();
    t.tr.start(1, 'A');
    t.tr.set(ch('cmi.location', 'x'), false);
    await t.c.advance(2000);
    assert.strictEqual(t.s.requests.length, 0);
    t.tr.set(ch('cmi.completion_status', 'completed'), true);
    await t.c.advance(300);
    t.tr.set(ch('cmi.score.scaled', '0.8'), true);
    await t.c.advance(499);
    assert.strictEqual(t.s.requests.length, 0, 'the timer restarts on each important change');
    await t.c.advance(1);
    assert.strictEqual(t.s.log.length, 1);
    assert.deepStrictEqual(t.s.log[0].changes.map((x) => x.element), ['cmi.location', 'cmi.completion_status', 'cmi.score.scaled']);
  },
  async 'a failed commit is retried with back-off, 0.5 s doubling to 30 s'() {
    const t = setup();
    t.s.down = true;
    t.tr.start(1, 'A');
    t.tr.set(ch('cmi.location', 'x'));
    t.tr.cut();
    await t.c.advance(120000);
    const times = t.s.requests.map((r) => r.at);
    assert.deepStrictEqual(times.slice(0, 8), [0, 500, 1500, 3500, 7500, 15500, 31500, 61500]);
    assert.strictEqual(times[8] - times[7], 30000, 'capped at 30 s');
    assert.strictEqual(queued(t).length, 1, 'kept in storage while unacknowledged');
    t.s.down = false;
    await t.c.advance(30000);
    assert.strictEqual(t.s.log.length, 1);
    assert.deepStrictEqual(queued(t), []);
  },
  async 'a 5xx is retried too; a 401 stops and reports the ended session; a refusal is dropped'() {
    const t = setup();
    t.s.status = 503;
    t.tr.start(1, 'A');
    t.tr.cut({ terminate: true });
    await t.c.advance(600);
    assert.strictEqual(t.s.requests.length, 2);
    t.s.status = 401;
    await t.c.advance(1000);
    assert.strictEqual(t.o.dead, true);
    const n = t.s.requests.length;
    await t.c.advance(60000);
    assert.strictEqual(t.s.requests.length, n, 'nothing more after 401');
    assert.strictEqual(queued(t).length, 1, 'kept for the next launch');
    const u = setup();
    u.s.status = 409;
    u.tr.start(1, 'A');
    u.tr.cut({ terminate: true });
    u.tr.cut({ terminate: true });
    await u.c.advance(0);
    assert.strictEqual(u.s.requests.length, 2);
    assert.deepStrictEqual(queued(u), []);
  },
  async 'the pending queue survives a reload and is replayed first, in order'() {
    const t = setup();
    t.s.down = true;
    t.tr.start(7, 'SCO1');
    t.tr.set(ch('cmi.location', '1'));
    t.tr.cut();
    t.tr.set(ch('cmi.completion_status', 'completed'));
    t.tr.cut({ terminate: true });
    await t.c.advance(100);
    // The tab is closed; a new page load of the same registration:
    const u = setup({ storage: t.st });
    u.tr.start(8, 'SCO2');
    u.tr.set(ch('cmi.location', 'new'));
    u.tr.cut();
    await u.c.advance(0);
    assert.deepStrictEqual(u.s.log.map((b) => [b.session, b.seq]), [[7, 1], [7, 2], [8, 1]]);
    assert.strictEqual(u.s.log[1].terminate, true);
    assert.deepStrictEqual(queued(u), []);
  },
  async 'every accepted value is journaled at once and survives a page killed before the cut'() {
    const t = setup();
    t.s.applied[2] = 1;
    t.tr.start(2, 'A');
    t.tr.set(ch('cmi.location', 'p2'));
    t.tr.cut();
    t.tr.set(ch('cmi.location', 'p3'), false);
    t.tr.set(ch('cmi.suspend_data', 'page=3'), false);
    t.tr.set(ch('cmi.completion_status', 'completed'), true);
    // The renderer dies now: no timer runs, no pagehide. The next load of the registration:
    const u = setup({ storage: t.st });
    u.s.applied[2] = 1;
    u.tr.pump();
    await u.c.advance(0);
    assert.deepStrictEqual(u.s.log.map((b) => [b.session, b.seq, b.activity, b.changes.map((x) => x.value)]), [[2, 2, 'A', ['p3', 'page=3', 'completed']]]);
    assert.deepStrictEqual(queued(u), []);
    assert.deepStrictEqual(journal(u.st), [], 'the journal is gone once queued');
    const v = setup({ storage: t.st });
    assert.deepStrictEqual(v.tr.q, [], 'replayed once');
  },
  async 'a journal spanning two sessions replays as each session\'s next commit'() {
    const t = setup();
    t.tr.start(4, 'A');
    t.tr.set(ch('cmi.location', 'a'));
    t.tr.cur = { session: 5, activity: 'B' };
    t.tr.set(ch('cmi.location', 'b'));
    const u = setup({ storage: t.st });
    u.tr.pump();
    await u.c.advance(0);
    assert.deepStrictEqual(u.s.log.map((b) => [b.session, b.seq, b.activity, b.changes[0].value]), [[4, 1, 'A', 'a'], [5, 1, 'B', 'b']]);
  },
  async 'entries a killed page left below the stored mark are removed, not replayed'() {
    const t = setup();
    t.tr.start(1, 'A');
    t.tr.set(ch('cmi.location', 'a'));
    const entry = t.st.getItem('larch.pending.reg_1.0#0');
    t.tr.cut({}, true);
    // Killed after the queue was stored, before its journal entry was removed:
    t.st.setItem('larch.pending.reg_1.0#0', entry);
    const u = setup({ storage: t.st });
    assert.deepStrictEqual(u.tr.q.map((c) => c.seq), [1]);
    assert.deepStrictEqual(journal(u.st), []);
    u.tr.start(1, 'A');
    u.tr.set(ch('cmi.location', 'b'));
    assert.deepStrictEqual(journal(u.st), ['larch.pending.reg_1.0#1'], 'the next page writes past the mark');
  },
  async 'thousands of values cost one short write each, not the whole state again'() {
    const t = setup(), writes = [];
    const set = t.st.setItem;
    t.st.setItem = (k, v) => { writes.push(String(v).length); set(k, v); };
    t.tr.start(1, 'A');
    for (let i = 0; i < 5000; i++) t.tr.set(ch('cmi.interactions.' + i + '.id', 'q' + i), false);
    assert.strictEqual(writes.length, 5000);
    assert.ok(Math.max(...writes) < 60, 'each write is one entry: ' + Math.max(...writes));
    t.tr.cut();
    await t.c.advance(0);
    assert.strictEqual(t.s.log[0].changes.length, 5000);
    assert.deepStrictEqual(journal(t.st), []);
  },
  async 'offline, each Commit stores only its own commit however long the queue, and all replay in order'() {
    const t = setup(), writes = [];
    const set = t.st.setItem;
    t.st.setItem = (k, v) => { writes.push(String(v).length); set(k, v); };
    t.s.down = true;
    t.tr.start(1, 'A');
    for (let i = 0; i < 500; i++) {
      t.tr.set(ch('cmi.suspend_data', 'page=' + i));
      t.tr.cut();
    }
    assert.ok(Math.max(...writes) < 200, 'the longest write: ' + Math.max(...writes));
    assert.strictEqual(queued(t).length, 500);
    // The page dies; the next load sends them all, in order, and empties storage.
    const u = setup({ storage: t.st });
    u.tr.pump();
    await u.c.advance(0);
    assert.deepStrictEqual(u.s.log.map((b) => b.seq), Array.from({ length: 500 }, (_, i) => i + 1));
    assert.strictEqual(u.s.log[499].changes[0].value, 'page=499');
    assert.deepStrictEqual([...u.st.m.keys()].filter((k) => k.includes('@')), []);
  },
  async 'an earlier instance\'s journal is replayed to that instance'() {
    const t = setup();
    t.tr.start(3, 'A');
    t.tr.set(ch('cmi.suspend_data', 'x'));
    const u = setup({ storage: t.st, key: 'larch.pending.reg_1.1' });
    u.tr.adopt('larch.pending.reg_1.', 1);
    await u.c.advance(0);
    assert.deepStrictEqual(u.s.log.map((b) => [b.instance, b.session, b.seq, b.changes[0].value]), [[0, 3, 1, 'x']]);
    assert.strictEqual(u.st.getItem('larch.pending.reg_1.0'), null);
    assert.deepStrictEqual(journal(u.st), []);
  },
  async 'the uncut changes older scripts stored as d are replayed'() {
    const st = storage(), d = { session: 2, activity: 'A', changes: [ch('cmi.location', 'p3')] };
    st.setItem('larch.pending.reg_1.0', JSON.stringify({ q: [], s: { 2: 1 }, d }));
    const u = setup({ storage: st });
    u.tr.pump();
    await u.c.advance(0);
    assert.deepStrictEqual(u.s.log.map((b) => [b.session, b.seq, b.changes[0].value]), [[2, 2, 'p3']]);
  },
  async 'numbering continues after a reload of the same session'() {
    const t = setup();
    t.tr.start(5, 'A');
    t.tr.set(ch('cmi.location', '1'));
    t.tr.cut();
    await t.c.advance(0);
    const u = setup({ storage: t.st });
    u.tr.start(5, 'A');
    u.tr.set(ch('cmi.location', '2'));
    u.tr.cut();
    assert.strictEqual(u.s.requests[0].body.seq, 2);
  },
  async 'a duplicate answer acknowledges the commit'() {
    const t = setup();
    t.s.applied[2] = 5;
    t.tr.start(2, 'A');
    t.tr.set(ch('cmi.location', 'x'));
    t.tr.cut();
    await t.c.advance(0);
    assert.strictEqual(t.results[0][0].status, 'duplicate');
    assert.deepStrictEqual(queued(t), []);
    assert.strictEqual(t.s.requests.length, 1);
  },
  async 'pagehide sends everything pending as one keep-alive commit with the highest seq'() {
    const t = setup();
    t.s.down = true;
    t.tr.start(1, 'A');
    t.tr.set(ch('cmi.location', 'a'));
    t.tr.cut();
    await t.c.advance(10);
    t.s.down = false;
    t.tr.set(ch('cmi.suspend_data', 'b'));
    t.tr.hide();
    const k = t.s.requests.filter((r) => r.keepalive);
    assert.strictEqual(k.length, 1);
    assert.deepStrictEqual([k[0].body.seq, k[0].body.changes.map((x) => x.value)], [2, ['a', 'b']]);
    assert.deepStrictEqual(queued(t).map((q) => q.seq), [2], 'stored merged until acknowledged');
    await t.c.advance(0);
    assert.deepStrictEqual(queued(t), []);
    await t.c.advance(5000);
    assert.deepStrictEqual(t.s.log.map((b) => b.seq), [2], 'the retry of seq 1 is not sent after the merge was acknowledged');
  },
  async 'nothing pending at pagehide sends nothing'() {
    const t = setup();
    t.tr.start(1, 'A');
    t.tr.hide();
    assert.strictEqual(t.s.requests.length, 0);
  },
  async 'adl.nav.request_valid.* flushes pending changes synchronously first and answers from that nav'() {
    const t = setup();
    const p = { tr: t.tr, pending: null, nav: { continue_: false, toc: [] } };
    t.o.result = (r) => { p.nav = r.nav; };
    const api = new Api(new Model(input.schema), input.cmi, null, oracle(() => p.nav), hooks(p));
    t.tr.start(1, 'A');
    assert.strictEqual(api.call(api.initialize, ''), 'true');
    assert.strictEqual(api.call(api.getValue, 'adl.nav.request_valid.continue'), 'false');
    assert.strictEqual(t.s.requests.length, 0, 'nothing pending: no request');
    assert.strictEqual(api.call(api.setValue, 'cmi.completion_status', 'completed'), 'true');
    t.s.nav = { continue_: true, toc: [] };
    assert.strictEqual(api.call(api.getValue, 'adl.nav.request_valid.continue'), 'true');
    assert.strictEqual(t.s.requests.length, 1);
    assert.strictEqual(t.s.requests[0].sync, true);
    assert.deepStrictEqual(t.s.requests[0].body.changes, [ch('cmi.completion_status', 'completed')]);
    await t.c.advance(1000);
    assert.deepStrictEqual(t.s.log.map((b) => b.seq), [1], 'the debounced commit was folded into the flush');
    t.s.down = true;
    api.call(api.setValue, 'cmi.location', 'x');
    assert.strictEqual(api.call(api.getValue, 'adl.nav.request_valid.continue'), 'true', 'offline: the last nav answers');
    assert.strictEqual(api.le[0], 0);
  },
  async 'Terminate carries the learner request that unloaded the SCO'() {
    const t = setup();
    const p = { tr: t.tr, pending: { request: 'continue' } };
    const api = new Api(new Model(input.schema), input.cmi, null, null, hooks(p));
    t.tr.start(1, 'A');
    api.call(api.initialize, '');
    api.call(api.setValue, 'cmi.exit', 'suspend');
    api.call(api.terminate, '');
    await t.c.advance(0);
    assert.deepStrictEqual([t.s.log[0].terminate, t.s.log[0].nav_request], [true, { request: 'continue' }]);
    assert.strictEqual(p.pending, null);
  },
  async 'an earlier instance\'s unsent commits go to that instance, then leave storage'() {
    const st = storage(), done = ch('cmi.completion_status', 'completed');
    const old = { session: 2, seq: 3, activity: 'A', changes: [done], terminate: true, nav_request: null };
    st.setItem('larch.pending.reg_1.0', JSON.stringify({ q: [old, { ...old, seq: 4 }], s: { 2: 4 } }));
    const t = setup({ storage: st, key: 'larch.pending.reg_1.1' });
    assert.deepStrictEqual(t.tr.q, [], 'not the current instance\'s queue');
    t.s.status = 401;
    t.tr.adopt('larch.pending.reg_1.', 1);
    await t.c.advance(0);
    assert.deepStrictEqual(t.s.requests.map((r) => [r.body.instance, r.body.seq]), [[0, 3]], 'stops at a 401');
    assert.deepStrictEqual(stored(st, 'larch.pending.reg_1.0').map((c) => c.seq), [3, 4], 'kept for the next launch');
    t.s.status = 200;
    t.tr.adopt('larch.pending.reg_1.', 1);
    await t.c.advance(0);
    assert.deepStrictEqual(t.s.log.map((b) => [b.instance, b.session, b.seq, b.terminate]), [[0, 2, 3, true], [0, 2, 4, true]]);
    assert.deepStrictEqual([...st.m.keys()].filter((k) => k.startsWith('larch.pending.reg_1.0')), [], 'nothing of it left');
    t.tr.adopt('larch.pending.reg_1.', 1);
    await t.c.advance(0);
    assert.strictEqual(t.s.log.length, 2, 'nothing left to send');
  },
};

(async () => {
  const passed = [], failed = [];
  for (const [name, fn] of Object.entries(tests)) {
    try { await fn(); passed.push(name); } catch (e) { failed.push({ name, error: String(e && e.stack || e) }); }
  }
  process.stdout.write(JSON.stringify({ passed, failed }));
})();
