/* Larch player and SCORM API shim; see "Shim internals" in docs/runtime-protocol.md.
 * Part 1 (Model, Api: larch_cmi::ApiInstance ported) has no DOM and no network; part 2
 * (Transport) takes its environment; part 3 (Player) runs on the player page only. */
'use strict';
(function (G) {
  // ---- part 1: the data model
  var OK = [0, ''];
  var W = '[\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+', WS = new RegExp('^' + W + '|' + W + '$', 'g');
  var DIG = /^\d+$/;
  var NAVQ = 'adl.nav.request_valid.';

  function fail(code, diag) { throw { cmi: code, d: diag }; }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  // Rust's str::trim (Unicode White_Space), which differs from String.prototype.trim.
  function trim(s) { return s.replace(WS, ''); }
  function lowA(s) { return s.replace(/[A-Z]+/g, function (c) { return c.toLowerCase(); }); }
  function chars(s) { return Array.from(s).length; }
  function bytes(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
    }
    return n;
  }
  // Rust's split_once.
  function cut(s, sep) { var i = s.indexOf(sep); return i < 0 ? null : [s.slice(0, i), s.slice(i + sep.length)]; }
  function digits(s) { return /^\d*$/.test(s); }
  // A path index: decimal digits that fit a usize (larch_cmi path.rs); else a name.
  function index(t) {
    if (!DIG.test(t)) return null;
    t = t.replace(/^0+(?=\d)/, '');
    return t.length > 20 || (t.length === 20 && t > '18446744073709551615') ? null : t;
  }

  // larch_cmi::ElementPath: canonical name, pattern with `n`, and (collection, index) pairs.
  function parsePath(raw) {
    var can = [], pat = [], ix = [];
    raw.split('.').forEach(function (t, i) {
      var n = i > 0 ? index(t) : null;
      if (n === null) { can.push(t); pat.push(t); } else { ix.push([can.join('.'), +n, n]); can.push(n); pat.push('n'); }
    });
    var p = { raw: raw, c: can.join('.'), p: pat.join('.'), ix: ix };
    var last = pat[pat.length - 1];
    if (pat.length > 1 && /^_(version|children|count)$/.test(last)) p.kw = [last, pat.slice(0, -1).join('.')];
    p.parent = can.slice(0, -1).join('.');
    return p;
  }

  // ---- value syntax (larch_cmi::types), ported literally so both sides agree

  // RTE 4.1.1.6 real(10,7): sign, digits, fraction; no exponent.
  function real(s) {
    var b = s.replace(/^[-+]/, ''), p = cut(b, '.') || [b, ''];
    if (!digits(p[0]) || !digits(p[1]) || (p[0] === '' && p[1] === '')) return null;
    var v = Number(s);
    return isFinite(v) ? v : null;
  }
  // RFC 3986 URI reference (long/short_identifier_type, RTE 4.1.1.3-4).
  function uri(s) {
    if (s === '' || s.split('#').length > 2) return false;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c === 37) {
        if (!/^[0-9a-fA-F]{2}/.test(s.slice(i + 1, i + 3))) return false;
        i += 2;
      } else if (c < 128 && !/[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]/.test(s[i])) return false;
    }
    var p = cut(s, ':');
    if (p && !/[/?#]/.test(p[0])) return p[1] !== '' && p[1][0] !== '#' && /^[A-Za-z][A-Za-z0-9+\-.]*$/.test(p[0]);
    return true;
  }
  function Lang(l) {
    var set = function (s) { var o = Object.create(null); (s || '').split(' ').forEach(function (k) { o[k] = 1; }); return o; };
    this.a = set(l && l.iso639_1); this.b = set(l && l.iso639_2); this.c = set(l && l.iso3166_1);
  }
  // RTE 4.1.1.5 language_type (larch_cmi::types::language).
  Lang.prototype.ok = function (tag) {
    if (tag === '' || /[^\x00-\x7f]/.test(tag) || tag.length > 250) return false;
    var parts = lowA(tag).split('-'), pr = parts[0], rest = parts.slice(1);
    if (!rest.every(function (s) { return /^[a-z0-9]{1,8}$/.test(s); })) return false;
    if (pr === 'i' || pr === 'x') return rest.length > 0;
    var prOk = /^[a-z]+$/.test(pr) && (pr.length === 2 ? has(this.a, pr) : pr.length === 3 && (/^q[a-t]/.test(pr) || has(this.b, pr)));
    var s = rest[0];
    return prOk && (s === undefined || (s.length === 2 ? has(this.c, s.toUpperCase()) : s.length !== 1));
  };
  Lang.prototype.split = function (raw) {
    if (raw.indexOf('{lang=') !== 0) return [null, raw];
    var p = cut(raw.slice(6), '}');
    if (!p) return [null, raw];
    return this.ok(p[0]) ? p : null;
  };

  // ISO 8601 duration (timeinterval(second,10,2)) in centiseconds as a BigInt, or null.
  var MAX = 18446744073709551615n, HOUR = 360000n;
  function iso(raw) {
    if (raw[0] !== 'P') return null;
    var body = raw.slice(1), p = cut(body, 'T'), any = [false], anyT = [false];
    var total = comps(p ? p[0] : body, [['Y', 31536000n * 100n], ['M', 2592000n * 100n], ['D', 8640000n]], any, false);
    if (total === null) return null;
    if (p) {
      var t = comps(p[1], [['H', HOUR], ['M', 6000n], ['S', 100n]], anyT, true);
      if (t === null || !anyT[0] || (total += t) > MAX) return null;
      any[0] = true;
    }
    return any[0] ? total : null;
  }
  function comps(s, units, any, secLast) {
    var total = 0n;
    for (var i = 0; i < units.length; i++) {
      var end = s.indexOf(units[i][0]);
      if (end < 0) continue;
      var v = scaled(s.slice(0, end), units[i][1], secLast && i === units.length - 1);
      if (v === null || (total += v) > MAX) return null;
      any[0] = true;
      s = s.slice(end + 1);
    }
    return s === '' ? total : null;
  }
  function scaled(num, scale, frac) {
    var p = cut(num, '.'), f = '';
    if (p) { if (!frac || p[1] === '') return null; num = p[0]; f = p[1]; }
    if (num === '' || !digits(num) || !digits(f)) return null;
    var whole = BigInt(num) * scale;
    var v = whole + BigInt((f + '00').slice(0, 2)) * scale / 100n;
    return BigInt(num) > MAX || whole > MAX || v > MAX ? null : v;
  }
  // SCORM 1.2 CMITimespan HHHH:MM:SS.SS in centiseconds, or null.
  function span(raw) {
    var p = raw.split(':');
    if (p.length !== 3 || bytes(p[0]) < 2 || bytes(p[0]) > 4 || bytes(p[1]) !== 2) return null;
    var q = cut(p[2], '.') || [p[2], ''];
    if (bytes(q[0]) !== 2 || bytes(q[1]) > 2 || (p[2].indexOf('.') >= 0 && q[1] === '')) return null;
    if (!(digits(p[0]) && digits(p[1]) && digits(q[0]) && digits(q[1])) || +p[1] > 59 || +q[0] > 59) return null;
    var c = q[1].length === 1 ? +q[1] * 10 : +q[1] || 0;
    return BigInt(p[0]) * HOUR + BigInt(+p[1] * 6000 + +q[0] * 100 + c);
  }
  function fmtSpan(cs) {
    if (cs > 10000n * HOUR - 1n) cs = 10000n * HOUR - 1n;
    var n = Number(cs), z = function (x, w) { return String(x).padStart(w, '0'); };
    return z(Math.floor(n / 360000), 4) + ':' + z(Math.floor(n % 360000 / 6000), 2) + ':' + z(Math.floor(n % 6000 / 100), 2) + '.' + z(n % 100, 2);
  }
  function longHours(v) {
    var p = cut(v, ':');
    if (!p || p[0].length <= 4 || !DIG.test(p[0]) || BigInt(p[0]) > MAX) return null;
    var c = span('00:' + p[1]), h = BigInt(p[0]) * HOUR;
    return c === null || h > MAX || c + h > MAX ? null : c + h;
  }
  // RTE 4.1.1.7 time(second,10,0), years 1970-2038.
  function two(s, max) { return /^\d\d$/.test(s) && +s <= max; }
  function time2004(raw) {
    var p = cut(raw, 'T'), date = p ? p[0] : raw, parts = date.split('-');
    var num = function (s, n) { return s.length === n && digits(s) ? +s : null; };
    var y = num(parts[0], 4);
    if (y === null || y < 1970 || y > 2038 || parts.length > 3) return false;
    if (parts.length > 1) {
      var m = num(parts[1], 2);
      if (m === null || m < 1 || m > 12) return false;
      if (parts.length > 2) {
        var d = num(parts[2], 2), leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
        var dim = m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].indexOf(m) >= 0 ? 30 : 31;
        if (d === null || d === 0 || d > dim) return false;
      }
    }
    return !p || (parts.length === 3 && clock(p[1]));
  }
  function clock(t) {
    var tz = null, i;
    if (t[t.length - 1] === 'Z') { tz = 'Z'; t = t.slice(0, -1); } else if ((i = t.search(/[+-]/)) >= 0) { tz = t.slice(i); t = t.slice(0, i); }
    if (tz !== null && tz !== 'Z') {
      var z = cut(tz.slice(1), ':');
      if (!(z ? two(z[0], 23) && two(z[1], 59) : two(tz.slice(1), 23))) return false;
    }
    var parts = t.split(':');
    if (parts.length > 3 || !two(parts[0], 23) || (parts.length >= 2 && !two(parts[1], 59))) return false;
    if (parts.length < 3) return tz === null;
    var s = cut(parts[2], '.');
    return s ? two(s[0], 59) && /^\d{1,2}$/.test(s[1]) : two(parts[2], 59) && tz === null;
  }

  // SCORM 1.2 types (larch_cmi::types::v12).
  function dec(s) {
    var b = s.replace(/^-/, ''), p = cut(b, '.') || [b, '0'];
    return p[0] !== '' && p[1] !== '' && digits(p[0]) && digits(p[1]) ? Number(s) : null;
  }
  function sint(s, min, max) { return /^-?\d+$/.test(s) && +s >= min && +s <= max; }
  function ident12(s) { return /^[\x21-\x7e]{1,255}$/.test(s); }
  function one(c) { return /^[0-9a-z]$/.test(c); }
  function braces(s) { return s[0] === '{' && s.length > 1 && s[s.length - 1] === '}' ? s.slice(1, -1) : s; }
  function feedback(ty, s) {
    if (bytes(s) > 255) return false;
    switch (ty) {
      case 'true-false': return /^[01tf]$/.test(s);
      case 'choice': case 'sequencing': return s === '' || braces(s).split(',').every(one);
      case 'numeric': return dec(s) !== null;
      case 'likert': return s === '' || one(s);
      case 'matching': return braces(s).split(',').every(function (p) { return /^[0-9a-z]\.[0-9a-z]$/.test(p); });
    }
    return true;
  }

  // SCORM 2004 interaction formats (RTE 4.2.9.1, 4.2.9.2; larch_cmi::types::interaction).
  function flags(s, allowed) {
    var seen = [];
    for (;;) {
      var n = allowed.filter(function (a) { return s.indexOf('{' + a + '=') === 0; })[0];
      if (!n || seen.indexOf(n) >= 0) return s;
      var p = cut(s.slice(n.length + 2), '}');
      if (!p || (p[0] !== 'true' && p[0] !== 'false')) return null;
      seen.push(n);
      s = p[1];
    }
  }
  function idList(s, uniq) {
    if (s === '') return true;
    var it = s.split('[,]');
    return it.every(uri) && (!uniq || it.every(function (a, i) { return it.indexOf(a) === i; }));
  }
  function matching(s) {
    return s.split('[,]').every(function (pr) {
      var p = cut(pr, '[.]');
      return !!p && uri(p[0]) && uri(p[1]) && p[1].indexOf('[.]') < 0;
    });
  }
  function range(s) {
    var p = cut(s, '[:]');
    if (!p) return real(s) !== null;
    var lo = p[0] === '' ? -Infinity : real(p[0]), hi = p[1] === '' ? Infinity : real(p[1]);
    return lo !== null && hi !== null && lo <= hi;
  }
  function perf(s, pattern) {
    return s.split('[,]').every(function (st) {
      var p = cut(st, '[.]');
      if (!p || (p[0] === '' && p[1] === '') || p[1].indexOf('[.]') >= 0) return false;
      return (p[0] === '' || uri(p[0])) && (!(pattern && p[1].indexOf('[:]') >= 0) || range(p[1]));
    });
  }
  function interaction(L, ty, v, pattern) {
    var loc = function (x) { return L.split(x) !== null; }, r;
    switch (ty) {
      case 'true-false': return v === 'true' || v === 'false';
      case 'choice': return idList(v, true);
      case 'fill-in': r = pattern ? flags(v, ['case_matters', 'order_matters']) : v; return r !== null && r.split('[,]').every(loc);
      case 'long-fill-in': r = pattern ? flags(v, ['case_matters']) : v; return r !== null && loc(r);
      case 'likert': return uri(v);
      case 'matching': return matching(v);
      case 'performance': r = pattern ? flags(v, ['order_matters']) : v; return r !== null && perf(r, pattern);
      case 'sequencing': return idList(v, false) && v !== '';
      case 'numeric': return pattern ? range(v) : real(v) !== null;
    }
    return true; // other
  }
  var ITYPES = ['true-false', 'choice', 'fill-in', 'long-fill-in', 'likert', 'matching', 'performance', 'sequencing', 'numeric', 'other'];

  // `{target=ID}rest` (larch_cmi nav.rs parse_target).
  function target(raw) {
    if (raw.indexOf('{target=') !== 0) return null;
    var p = cut(raw.slice(8), '}');
    return p && uri(p[0]) && bytes(p[0]) <= 250 ? p : null;
  }
  var NAVREQ = ['continue', 'previous', 'exit', 'exitAll', 'abandon', 'abandonAll', 'suspendAll', '_none_'];

  /** One version's rules, from larch_cmi::export_schema. */
  function Model(schema) {
    var m = this;
    m.v04 = schema.version !== '1.2';
    m.ed4 = schema.version === '2004-4';
    m.version = schema.cmi_version;
    m.el = Object.create(null);
    m.ct = Object.create(null);
    m.names = [];
    schema.elements.forEach(function (e) { m.el[e.name] = e; m.names.push(e.name); });
    schema.containers.forEach(function (c) { m.ct[c.name] = c; m.names.push(c.name); });
    m.msg = Object.create(null);
    schema.errors.forEach(function (e) { m.msg[String(e[0])] = e[1]; });
    m.lang = new Lang(schema.languages);
  }
  // Schema::is_known_prefix
  Model.prototype.known = function (p) {
    return this.names.some(function (n) { return n === p || n.indexOf(p + '.') === 0; });
  };

  /** Runtime settings (larch_cmi::RuntimeConfig); forgiving by default. */
  function config(c) {
    c = c || {};
    return { forgiving: c.strictness !== 'strict', fmax: c.forgiving_max_len != null ? c.forgiving_max_len : 64000, hmax: c.hard_max_len != null ? c.hard_max_len : 1000000 };
  }

  /** larch_cmi::ApiInstance over the delivery's CmiState `cmi`; `nav(kind, target)` answers
   * adl.nav.request_valid.*; `hooks`: {set(change, important), commit(), terminate(), navq()}. */
  function Api(model, cmi, cfg, nav, hooks) {
    this.m = model;
    this.cfg = config(cfg);
    this.vals = Object.assign(Object.create(null), cmi.values || {});
    this.cnt = Object.assign(Object.create(null), cmi.counts || {});
    if (!cmi.counts) recount(this);
    this.shared = cmi.shared_data || [];
    this.ph = 0;
    this.le = OK;
    this.nav = nav || function () { return 'unknown'; };
    this.hooks = hooks || {};
  }
  function recount(a) {
    Object.keys(a.vals).forEach(function (k) { grow(a, parsePath(k)); });
  }
  function grow(a, p) {
    p.ix.forEach(function (x) { a.cnt[x[0]] = Math.max(a.cnt[x[0]] || 0, x[1] + 1); });
  }
  var A = Api.prototype;
  A.count = function (c) { return this.cnt[c] || 0; };
  A.get1 = function (k) { return has(this.vals, k) ? this.vals[k] : undefined; };
  A.e = function (code12, code04) { return this.m.v04 ? code04 : code12; };

  A.running = function (before, after) {
    if (this.ph === 1) return;
    if (!this.m.v04) fail(301, this.ph === 0 ? 'LMSInitialize has not been called' : 'LMSFinish has been called');
    fail(this.ph === 0 ? before : after, this.ph === 0 ? 'the API instance is not initialized' : 'the API instance has been terminated');
  };
  A.initialize = function (p) {
    if (p !== '') fail(201, 'Initialize takes an empty string');
    if (this.ph !== 0) {
      if (!this.m.v04) fail(101, 'LMSInitialize was already called');
      fail(this.ph === 1 ? 103 : 104, this.ph === 1 ? 'Initialize was already called' : 'Initialize after Terminate: the instance has ended');
    }
    this.ph = 1;
    return 'true';
  };
  A.terminate = function (p) {
    if (p !== '') fail(201, 'Terminate takes an empty string');
    this.running(112, 113);
    this.ph = 2;
    if (this.hooks.terminate) this.hooks.terminate();
    return 'true';
  };
  A.commit = function (p) {
    if (p !== '') fail(201, 'Commit takes an empty string');
    this.running(142, 143);
    if (this.hooks.commit) this.hooks.commit();
    return 'true';
  };
  A.getValue = function (e) {
    this.running(122, 123);
    return this.m.v04 ? this.read04(e) : this.read12(e);
  };
  A.setValue = function (e, v) {
    this.running(132, 133);
    var important = this.m.v04 ? this.write04(e, v) : this.write12(e, v);
    if (this.hooks.set) this.hooks.set({ element: e, value: v }, important);
    return 'true';
  };
  A.errorString = function (code) { return has(this.m.msg, code) ? this.m.msg[code] : ''; };
  A.diagnostic = function (code) {
    if (code === '') return this.le[1] || this.errorString(String(this.le[0]));
    if (!has(this.m.msg, code)) return '';
    return code === String(this.le[0]) && this.le[1] ? this.le[1] : this.m.msg[code];
  };

  // ---- SCORM 1.2 (RTE 1.2 3.3.4, 3.4)
  A.read12 = function (e) {
    if (e === '') fail(201, '(empty): LMSGetValue requires an element name');
    var p = parsePath(e), m = this.m, self = this;
    if (p.kw) return this.keyword(p);
    var def = m.el[p.p] || fail(201, e + ': not a SCORM 1.2 element');
    if (def.access === 'write_only') fail(404, e + ' is write-only');
    p.ix.forEach(function (x) { if (x[1] >= self.count(x[0])) fail(201, e + ': index ' + x[2] + ' is beyond ' + x[0] + '._count'); });
    var v = this.get1(p.c);
    return v === undefined ? '' : v;
  };
  A.write12 = function (e, v) {
    if (e === '') fail(201, '(empty): LMSSetValue requires an element name');
    var p = parsePath(e), m = this.m;
    if (p.kw) fail(m.known(p.kw[1]) ? 402 : 201, e + (m.known(p.kw[1]) ? ' is a keyword' : ': not a SCORM 1.2 element'));
    var def = m.el[p.p] || fail(201, e + ': not a SCORM 1.2 element');
    if (def.access === 'read_only') fail(403, e + ' is read-only');
    this.orderOk(p, false);
    var it = p.ix.length && p.ix[0][0] === 'cmi.interactions' ? this.get1('cmi.interactions.' + p.ix[0][2] + '.type') : undefined;
    this.store(p, this.check(def, v, e, it));
    return /^cmi\.core\.(lesson_status|exit|score\.)/.test(p.c);
  };
  // `_version`, `_children`, `_count` in both versions (RTE 1.2 3.4.3, 2004 RTE 4.1.2).
  A.keyword = function (p) {
    var m = this.m, kw = p.kw[0], pre = p.kw[1], c = m.ct[pre], self = this;
    var no = function (what, code12) {
      if (m.known(pre)) fail(m.v04 ? 301 : code12, (m.v04 ? p.raw + ': ' : '') + pre + (m.v04 ? ' has no ' + what : code12 === 202 ? ' has no children' : ' is not an array'));
      fail(m.v04 ? 401 : 201, p.raw + (m.v04 ? ' is not defined in this data model' : ': not a SCORM 1.2 element'));
    };
    if (kw === '_version') {
      if (pre === 'cmi') return m.version;
      if (!m.v04) fail(201, p.raw + ': only cmi._version is defined');
      no('_version');
    }
    if (kw === '_children') return c && c.children ? c.children : no('_children', 202);
    if (!(c && c.collection)) no('_count', 203);
    if (m.v04) p.ix.forEach(function (x) { self.idxGet(p, x); });
    return String(this.count(p.parent));
  };
  // Records are appended in order (1.2: 201; 2004: 351, or 408 for an outer record).
  A.orderOk = function (p, v04) {
    var self = this, last = p.ix.length - 1;
    p.ix.forEach(function (x, i) {
      var n = self.count(x[0]), fixed = v04 && x[0] === 'adl.data';
      if (x[1] > n || (fixed && x[1] === n)) fail(v04 ? 351 : 201, p.raw + ': index ' + x[2] + ' is out of order (' + x[0] + '._count is ' + n + ')');
      if (x[1] === n && i !== last) fail(v04 ? 408 : 201, p.raw + ': ' + x[0] + '.' + x[2] + '.id must be set first');
    });
  };
  A.store = function (p, v) {
    grow(this, p);
    this.vals[p.c] = v;
  };

  // ---- SCORM 2004 (RTE 3.1.3.4-5, 4.2-4.4)
  A.idxGet = function (p, x) {
    var n = this.count(x[0]);
    if (x[1] >= n) fail(301, p.raw + ': index ' + x[2] + ' is beyond ' + x[0] + '._count (' + n + ')');
  };
  A.read04 = function (e) {
    if (e === '') fail(301, 'GetValue requires a data model element name');
    var m = this.m, self = this;
    if (e.indexOf(NAVQ) === 0) {
      var q = this.navQuery(e.slice(NAVQ.length)) || fail(401, e + ' is not a defined navigation query');
      if (this.hooks.navq) this.hooks.navq();
      return this.nav(q[0], q[1]);
    }
    var p = parsePath(e);
    if (p.kw) return this.keyword(p);
    var def = m.el[p.p] || fail(401, e + ' is not a data model element');
    if (def.access === 'write_only') fail(405, e + ' is write-only');
    p.ix.forEach(function (x) { self.idxGet(p, x); });
    var ev = this.evaluated(p.c);
    if (ev) return ev;
    if (p.p === 'adl.data.n.store') {
      var acc = this.shared[p.ix[0][1]];
      if (acc && !acc.readable) fail(405, e + ': shared data store ' + acc.id + ' is not readable by this SCO');
    }
    var v = this.get1(p.c);
    if (v !== undefined) return v;
    if (p.p === 'cmi.objectives.n.success_status' || p.p === 'cmi.objectives.n.completion_status') return 'unknown';
    fail(403, e + ' has not been set');
  };
  A.navQuery = function (rest) {
    if (rest === 'continue' || rest === 'previous') return [rest];
    var p = cut(rest, '.'), t = p && target(p[1]);
    if (!t || t[1] !== '' || !(p[0] === 'choice' || (p[0] === 'jump' && this.m.ed4))) return null;
    return [p[0], t[0]];
  };
  // RTE 4.2.4.1 and 4.2.22.1: statuses the LMS evaluates from a threshold.
  A.evaluated = function (k) {
    var num = function (s) { return s === undefined ? null : real(s); };
    var pair = k === 'cmi.completion_status' ? ['cmi.completion_threshold', 'cmi.progress_measure', 'completed', 'incomplete']
      : k === 'cmi.success_status' ? ['cmi.scaled_passing_score', 'cmi.score.scaled', 'passed', 'failed'] : null;
    if (!pair) return null;
    var th = num(this.get1(pair[0])), v = num(this.get1(pair[1]));
    if (th === null) return null;
    return v === null ? 'unknown' : v >= th ? pair[2] : pair[3];
  };
  A.write04 = function (e, v) {
    var m = this.m;
    if (e === '') fail(351, 'SetValue requires a data model element name');
    if (e.indexOf(NAVQ) === 0) fail(404, e + ' is read-only');
    var p = parsePath(e);
    if (p.kw) fail(m.known(p.kw[1]) ? 404 : 401, e + ' is a keyword and cannot be set');
    var def = m.el[p.p] || fail(401, e + ' is not a data model element');
    if (def.access === 'read_only') fail(404, e + ' is read-only');
    this.orderOk(p, true);
    var rec = p.ix.length ? p.ix[0][0] + '.' + p.ix[0][2] : '';
    if (p.p !== 'cmi.objectives.n.id' && p.p !== 'cmi.interactions.n.id' && /^cmi\.(objectives|interactions)\.n\./.test(p.p) && this.get1(rec + '.id') === undefined) {
      fail(408, e + ': ' + rec + '.id must be set first');
    }
    var it = p.ix.length && p.ix[0][0] === 'cmi.interactions' ? this.get1(rec + '.type') : undefined;
    var last = p.ix[p.ix.length - 1];
    if (p.p === 'cmi.interactions.n.correct_responses.n.pattern' && /^(true-false|likert|numeric|other)$/.test(it) && last[1] >= 1) {
      fail(351, e + ': a ' + it + ' interaction has at most 1 correct response pattern');
    }
    var val = this.check(def, v, e, it);
    this.recordRules(p, val, it, last);
    if (p.p === 'adl.data.n.store' && val === '') delete this.vals[p.c];
    else this.store(p, val);
    return /^(cmi\.(completion_status|success_status|exit|score\.\w+)|adl\.nav\.request)$/.test(p.c);
  };
  // Rules across records of one collection (351), and shared data write rights (404).
  A.recordRules = function (p, v, it, last) {
    var self = this;
    var unique = function (field) {
      for (var j = 0; j < self.count(last[0]); j++) {
        if (j !== last[1] && self.get1(last[0] + '.' + j + '.' + field) === v) fail(351, p.raw + ': ' + JSON.stringify(v) + ' is already used in ' + last[0]);
      }
    };
    if (p.p === 'cmi.objectives.n.id') {
      var old = this.get1(p.c);
      if (old !== undefined && old !== v) fail(351, p.raw + ': an objective id cannot be changed once set');
      if (old === undefined) unique('id');
    } else if (p.p === 'cmi.interactions.n.objectives.n.id') unique('id');
    else if (p.p === 'cmi.interactions.n.correct_responses.n.pattern' && it === 'choice') unique('pattern');
    else if (p.p === 'adl.data.n.store') {
      var acc = this.shared[p.ix[0][1]];
      if (acc && !acc.writable) fail(404, p.raw + ': store ' + acc.id + ' is read-only for this SCO');
    }
  };

  // ---- the type check (larch_cmi validate.rs); returns the value to store
  A.check = function (def, v, e, it) {
    var m = this.m, cfg = this.cfg, t = def.type, n;
    var bad = function (what) { fail(m.v04 ? 406 : 405, e + ': value is not ' + what); };
    if (chars(v) > cfg.hmax) fail(m.v04 ? 351 : 101, e + ': value longer than the server limit of ' + cfg.hmax + ' characters');
    var num = function () { var s = trim(v); return cfg.forgiving && s !== v && s !== '' ? s : v; };
    var len = function (limit, l) { if (l > limit && !(m.v04 || (cfg.forgiving && l <= cfg.fmax))) bad('at most ' + limit + ' characters'); return v; };
    switch (t) {
      case 'vocabulary':
        if (def.values.indexOf(v) >= 0) return v;
        n = def.values.filter(function (w) { return lowA(w) === lowA(trim(v)); })[0];
        return n !== undefined && cfg.forgiving ? n : bad('in the vocabulary');
      case 'real':
        v = num();
        n = real(v);
        if (n === null) bad('a real number');
        if ((def.min != null && n < def.min) || (def.max != null && n > def.max)) fail(407, e + ': value out of range');
        return v;
      case 'cmi_s_integer': v = num(); return sint(v, def.min, def.max) ? v : bad('an integer in ' + def.min + '..' + def.max);
      case 'cmi_decimal': v = num(); return dec(v) !== null ? v : bad('a CMIDecimal');
      case 'cmi_score': v = num(); n = dec(v); return v === '' || (n !== null && n >= 0 && n <= 100) ? v : bad('a CMIDecimal');
      case 'character_string': return len(def.spm_override || def.spm, chars(v));
      case 'cmi_string': return len(def.max, chars(v));
      case 'localized_string': n = m.lang.split(v); if (!n) bad('a localized string'); return len(def.spm, chars(n[1]));
      case 'long_identifier': if (!uri(v)) bad('a long identifier (URI)'); return len(def.spm, chars(v));
      case 'cmi_timespan':
        if (span(v) !== null) return v;
        n = iso(v);
        if (n === null) n = longHours(v);
        return n !== null && cfg.forgiving ? fmtSpan(n) : bad('a CMITimespan');
      case 'cmi_feedback':
        return feedback(it, v) || (cfg.forgiving && chars(v) <= cfg.fmax) ? v : bad('a CMIFeedback for the interaction type');
      case 'correct_response_pattern': case 'learner_response':
        if (ITYPES.indexOf(it) < 0) fail(408, e + ': cmi.interactions.n.type must be set first');
        return interaction(m.lang, it, v, t === 'correct_response_pattern') ? v : bad('in the ' + it + ' format');
      case 'language': return v === '' || m.lang.ok(v) ? v : bad('a language tag');
      case 'time_interval': return iso(v) !== null ? v : bad('an ISO 8601 duration');
      case 'time': return time2004(v) ? v : bad('an ISO 8601 time');
      case 'interaction_result': return /^(correct|incorrect|unanticipated|neutral)$/.test(v) || real(v) !== null ? v : bad('a result');
      case 'nav_request':
        n = target(v);
        return NAVREQ.indexOf(v) >= 0 || (n && (n[1] === 'choice' || (n[1] === 'jump' && m.ed4))) ? v : bad('a navigation request');
      case 'cmi_identifier': return ident12(v) ? v : bad('a CMIIdentifier');
      case 'cmi_time': n = span(v); return n !== null && bytes(v.split(':')[0]) === 2 && n < 8640000n ? v : bad('a CMITime');
      case 'cmi_result': return /^(correct|wrong|unanticipated|neutral)$/.test(v) || dec(v) !== null ? v : bad('a result');
    }
    return v;
  };

  // Content may pass numbers, undefined or lone surrogates: the API sees strings, as Rust does.
  function str(x) {
    x = x == null ? '' : String(x);
    return x.toWellFormed ? x.toWellFormed() : x;
  }
  /** The entry point for content: runs `fn`, records the error, never throws (RTE 3.1.7). */
  A.call = function (fn, a, b, fallback) {
    try {
      var r = fn.call(this, str(a), str(b));
      this.le = OK;
      return r;
    } catch (x) {
      this.le = x && x.cmi ? [x.cmi, String(x.d).length > 254 ? Array.from(String(x.d)).slice(0, 250).join('') + '...' : x.d] : [101, 'internal error'];
      return fallback;
    }
  };
  /** The eight functions of SCORM 2004 (`API_1484_11`) and SCORM 1.2 (`API`) over `get()`. */
  function facade(get, v04) {
    var f = function (fn, fb) { return function (a, b) { var api = get(); return api ? api.call(fn, a, b, fb) : fb; }; };
    var le = function () { var a = get(); return a ? String(a.le[0]) : '101'; };
    var es = function (c) { var a = get(); return a ? a.errorString(str(c)) : ''; };
    var dg = function (c) { var a = get(); try { return a ? a.diagnostic(str(c)) : ''; } catch (x) { return ''; } };
    var o = {
      Initialize: f(A.initialize, 'false'), Terminate: f(A.terminate, 'false'), GetValue: f(A.getValue, ''),
      SetValue: f(A.setValue, 'false'), Commit: f(A.commit, 'false'), GetLastError: le, GetErrorString: es, GetDiagnostic: dg
    };
    if (v04) return o;
    return {
      LMSInitialize: o.Initialize, LMSFinish: o.Terminate, LMSGetValue: o.GetValue, LMSSetValue: o.SetValue,
      LMSCommit: o.Commit, LMSGetLastError: le, LMSGetErrorString: es, LMSGetDiagnostic: dg
    };
  }
  /** NavState (larch_runtime) as the oracle of adl.nav.request_valid.* (RTE 4.4.2). */
  function oracle(getNav) {
    return function (kind, id) {
      var n = getNav();
      if (!n) return 'unknown';
      if (kind === 'continue') return String(!!n.continue_);
      if (kind === 'previous') return String(!!n.previous);
      var t = (n.toc || []).filter(function (x) { return x.id === id; })[0];
      return String(!!(t && t[kind]));
    };
  }


  // ---- part 2: the transport
  /** Commits as the protocol says. `env`: {fetch, XHR, storage, setTimeout, clearTimeout};
   * `o`: {base, secret, key, debounce, result(r, commit), auth()}. */
  function Transport(env, o) {
    this.env = env;
    this.o = o;
    this.q = [];
    this.seqs = {};
    this.changes = [];
    this.cur = null;
    this.busy = this.wait = this.dead = false;
    this.delay = 0;
    // The journal: `j` the first entry not cut yet, `jn` the next to write; `n` the next
    // queue slot.
    this.j = this.jn = this.n = 0;
    try {
      var d = fold(env.storage, o.key);
      this.q = d.q;
      this.seqs = d.s;
      this.j = this.jn = d.j;
      this.n = d.n;
    } catch (x) { /* no storage: the queue lives in memory only */ }
  }
  /** `c` stored in slot `k` (not enumerable: never sent, never stored in the commit). */
  function slot(c, k) { Object.defineProperty(c, 'k', { value: k, writable: true }); return c; }
  /** A commit with the session's next `seq` in the numbering `s`. */
  function commit(s, session, activity, changes, x) {
    x = x || {};
    return {
      session: session, seq: (s[session] = (s[session] || 0) + 1), activity: activity,
      changes: changes, terminate: !!x.terminate, nav_request: x.nav || null
    };
  }
  /** `key`'s stored queue: each commit in a slot of its own, `key@a` … `key@n-1` (removed
   * ones skipped), so a cut stores only its own commit however long the queue grows offline.
   * A killed page's uncut changes are its journal `key#j`, `key#j+1`, … from the stored mark
   * `j`, one [session, activity, element, value] each: they are queued as their sessions' next
   * commits, the mark stored past them, the entries removed (with any a page killed while
   * removing them left below the mark). */
  function fold(st, key) {
    var d = JSON.parse(st.getItem(key)) || {}, s = d.s || {}, j = d.j || 0, i = j, n = d.n || 0,
      q = [], w = d.q || [], c = null, e, g;
    for (g = d.a || 0; g < n; g++) if ((e = st.getItem(key + '@' + g)) !== null) q.push(slot(JSON.parse(e), g));
    // Older scripts kept the whole queue as `q` and the uncut changes as `d`.
    if (d.d && d.d.changes.length) w.push(commit(s, d.d.session, d.d.activity, d.d.changes));
    for (; (e = st.getItem(key + '#' + i)) !== null; i++) {
      e = JSON.parse(e);
      if (!c || c.session !== e[0] || c.activity !== e[1]) w.push(c = commit(s, e[0], e[1], []));
      c.changes.push({ element: e[2], value: e[3] });
    }
    w.forEach(function (x) { q.push(slot(x, n++)); });
    try {
      w.forEach(function (x) { st.setItem(key + '@' + x.k, JSON.stringify(x)); });
      if (w.length) st.setItem(key, JSON.stringify({ s: s, j: i, a: q[0].k, n: n }));
      for (g = j - 1; g >= 0 && st.getItem(key + '#' + g) !== null; g--) st.removeItem(key + '#' + g);
      for (g = j; g < i; g++) st.removeItem(key + '#' + g);
    } catch (x) { /* full: kept; replayed again, the same seqs are duplicates */ }
    return { q: q, s: s, j: i, n: n };
  }
  var T = Transport.prototype;
  /** Writes (or with `v` null removes) `k` in storage; false when storage refuses. */
  T.put = function (k, v) {
    try {
      if (v === null) this.env.storage.removeItem(k); else this.env.storage.setItem(k, v);
      return true;
    } catch (x) { return false; }
  };
  /** Stores the queue's slot range, the numbering and the journal's mark. */
  T.save = function () {
    var keys = Object.keys(this.seqs), q = this.q;
    // The numbering of the 16 latest sessions survives a reload.
    if (keys.length > 16) delete this.seqs[keys.sort(function (a, b) { return a - b; })[0]];
    this.put(this.o.key, JSON.stringify({ s: this.seqs, j: this.j, a: q.length ? q[0].k : this.n, n: this.n }));
  };
  /** Queues `c` in the next slot; false when storage refused it. */
  T.enq = function (c) {
    this.q.push(slot(c, this.n++));
    return this.put(this.o.key + '@' + c.k, JSON.stringify(c));
  };
  /** Removes the stored slots of `gone` (no longer queued). */
  T.unslot = function (gone) {
    var t = this;
    gone.forEach(function (d) { t.put(t.o.key + '@' + d.k, null); });
  };
  T.start = function (session, activity) {
    this.cut();
    this.cur = { session: session, activity: activity };
  };
  T.set = function (change, important) {
    var t = this, c = t.cur;
    t.changes.push(change);
    // Journaled at once, one entry per value: a tab killed before the next cut loses
    // nothing, and thousands of values cost what they weigh.
    if (c && t.put(t.o.key + '#' + t.jn, JSON.stringify([c.session, c.activity, change.element, change.value]))) t.jn++;
    if (!important) return;
    t.env.clearTimeout(t.deb);
    t.deb = t.env.setTimeout(function () { t.cut(); }, t.o.debounce);
  };
  /** Queues the changes since the last commit; `x`: {terminate, nav}. */
  T.cut = function (x, hold) {
    x = x || {};
    this.env.clearTimeout(this.deb);
    var cur = this.cur, j = this.j;
    if (!cur || (!this.changes.length && !x.terminate && !x.nav)) return null;
    var c = commit(this.seqs, cur.session, cur.activity, this.changes.splice(0), x);
    // The commit stored, then the mark past the journal, then the journal's entries go (if
    // storage refused the commit, the journal stays and is replayed at the next load).
    if (this.enq(c)) {
      this.j = this.jn;
      this.save();
      for (; j < this.j; j++) this.put(this.o.key + '#' + j, null);
    }
    if (!hold) this.pump();
    return c;
  };
  T.req = function (c, keepalive) {
    return this.env.fetch(this.o.base + 'commit', {
      method: 'POST', keepalive: !!keepalive, body: JSON.stringify(c),
      headers: { 'Content-Type': 'application/json', 'X-Larch-Session': this.o.secret }
    });
  };
  T.pump = function () {
    var t = this, c = t.q[0];
    if (t.busy || t.wait || t.dead || !c) return;
    t.busy = true;
    t.req(c).then(function (res) {
      if (res.status === 200) return res.json().then(function (r) { t.delay = 0; t.ack(c, r); });
      if (res.status === 401) { t.dead = true; t.o.auth(res); return; }
      // Refused for good (unknown session, wrong activity, malformed): retrying cannot help.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return t.drop(c);
      throw new Error('HTTP ' + res.status);
    }).catch(function () {
      t.wait = true;
      t.delay = Math.min(Math.max(500, t.delay * 2), 30000);
      t.env.setTimeout(function () { t.wait = false; t.pump(); }, t.delay);
    }).then(function () { t.busy = false; t.pump(); });
  };
  T.drop = function (c) {
    this.q = this.q.filter(function (d) { return d !== c; });
    this.unslot([c]);
    this.save();
  };
  /** Applied, duplicate or late: every queued commit of that session up to it is done. */
  T.ack = function (c, r) {
    var top = Math.max(c.seq, r.status === 'late' ? 0 : r.applied_seq || 0), gone = [];
    this.q = this.q.filter(function (d) {
      var done = d.session === c.session && d.seq <= top;
      if (done) gone.push(d);
      return !done;
    });
    this.unslot(gone);
    this.save();
    if (this.o.result) this.o.result(r, c);
  };
  /** Unsent commits of earlier instances (keys `prefix` + 0 … n-1), sent to their instance. */
  T.adopt = function (prefix, n) {
    var t = this, s = t.env.storage, old = [];
    for (var i = 0; i < n; i++) {
      try { fold(s, prefix + i).q.forEach(function (c) { c.instance = i; old.push(c); }); } catch (x) { /* none */ }
    }
    // Sent (or refused for good): its slot goes, and the instance's record with its last one.
    var sent = function (c) {
      var i = c.instance;
      t.put(prefix + i + '@' + c.k, null);
      if (!old.some(function (d) { return d.instance === i; })) t.put(prefix + i, null);
    }, go = function () {
      var c = old[0];
      if (c) t.req(c).then(function (res) {
        var r = res.status;
        if (r === 401 || r === 408 || r === 429 || r >= 500) return;
        old.shift();
        sent(c);
        go();
      }).catch(function () { /* kept */ });
    };
    go();
  };
  /** One commit with everything unacknowledged of the current session (highest seq). */
  T.merge = function () {
    var s = this.cur && this.cur.session, mine = this.q.filter(function (d) { return d.session === s; });
    if (!mine.length) return null;
    var m = {
      session: s, seq: mine[mine.length - 1].seq, activity: mine[0].activity, changes: [],
      terminate: mine.some(function (d) { return d.terminate; }), nav_request: null
    };
    mine.forEach(function (d) { m.changes = m.changes.concat(d.changes); m.nav_request = d.nav_request || m.nav_request; });
    // Stored in the first one's slot (its place in the queue); the others' slots go.
    var at = this.q.indexOf(mine[0]);
    this.q = this.q.filter(function (d) { return d.session !== s; });
    this.q.splice(at, 0, slot(m, mine[0].k));
    this.put(this.o.key + '@' + m.k, JSON.stringify(m));
    this.unslot(mine.slice(1));
    this.save();
    return m;
  };
  /** Before answering adl.nav.request_valid.*: one synchronous commit of what is pending. */
  T.flushSync = function () {
    this.cut(null, true);
    var m = this.merge();
    if (!m || this.dead) return;
    try {
      var x = new this.env.XHR();
      x.open('POST', this.o.base + 'commit', false);
      x.setRequestHeader('Content-Type', 'application/json');
      x.setRequestHeader('X-Larch-Session', this.o.secret);
      x.send(JSON.stringify(m));
      if (x.status === 200) this.ack(m, JSON.parse(x.responseText));
      else if (x.status === 401) { this.dead = true; this.o.auth(); }
    } catch (e) { this.pump(); /* offline: the queue sends it later; answer from the last nav */ }
  };
  /** pagehide / hidden: the pending commit leaves with keepalive (browsers cap it at 64 KiB). */
  T.hide = function () {
    var t = this;
    t.cut(null, true);
    var m = t.merge(), body = m && JSON.stringify(m);
    if (!m || t.dead || body.length > 60000) return;
    t.req(m, true).then(function (res) {
      if (res.status === 200) return res.json().then(function (r) { t.ack(m, r); });
    }).catch(function () { t.pump(); /* and kept in storage for the next load */ });
  };
  /** Sends the queue, then calls `done` once it is empty (at most 3 s, or on a 401). */
  T.settle = function (done) {
    var t = this, n = 0, tick = function () {
      if (!t.q.length || t.dead || n++ >= 60) return done();
      t.env.setTimeout(tick, 50);
    };
    t.pump();
    tick();
  };
  /** True when nothing of the current session waits for the server. */
  T.idle = function () {
    var s = this.cur && this.cur.session;
    return !this.changes.length && !this.q.some(function (d) { return d.session === s; });
  };

  /** API events to the transport `p.tr`; `p.pending`: a learner's request. */
  function hooks(p) {
    return {
      set: function (ch, imp) { p.tr.set(ch, imp); },
      commit: function () { p.tr.cut(); },
      terminate: function () { p.tr.cut({ terminate: true, nav: p.pending }); p.pending = null; },
      navq: function () { if (!p.tr.idle()) p.tr.flushSync(); }
    };
  }

  // ---- part 3: the player
  var BUTTONS = [['prev', 'Previous', 'previous', 'previous'], ['next', 'Next', 'continue_', 'continue'],
    ['suspend', 'Save and exit', 'suspend_all', 'suspendAll'], ['exit', 'Exit', 'exit_all', 'exitAll']];
  var REQ = { previous: 'previous', continue: 'continue', suspendAll: 'suspend_all', exitAll: 'exit_all' };

  function el(doc, tag, cls, text, parent) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  /** The player page: reads the session, builds the frame, plays deliveries. */
  function Player(win) {
    var doc = win.document, body = doc.body, p = this;
    p.win = win;
    p.doc = doc;
    p.pid = body.getAttribute('data-pid');
    var key = 'larch.ps.' + p.pid, secret = body.getAttribute('data-secret');
    try {
      if (secret) win.sessionStorage.setItem(key, secret);
      else secret = win.sessionStorage.getItem(key);
    } catch (x) { /* storage blocked: this page load still works */ }
    body.removeAttribute('data-secret');
    try { win.history.replaceState(null, '', '/p/' + p.pid + '/'); } catch (x) { /* not on the content origin path */ }
    p.secret = secret;
    p.base = '/p/' + p.pid + '/api/';
    p.build();
    if (!secret) return p.ended();
    p.api = null;
    win.addEventListener('pagehide', function () { if (p.tr) p.tr.hide(); });
    doc.addEventListener('visibilitychange', function () { if (doc.visibilityState === 'hidden' && p.tr) p.tr.hide(); });
    var reg = body.getAttribute('data-registration'), go = function () {
      p.http('GET', 'state').then(function (st) { if (st) p.start(st); });
    };
    if (reg === null) return go();
    // What a killed tab left is sent before the state is asked for: a late commit of the
    // attempt this launch resumes makes its delivery stale, and the state delivers anew.
    p.transport(reg, body.getAttribute('data-instance'), 500).settle(go);
  }
  var P = Player.prototype;
  P.http = function (method, path, body) {
    var p = this;
    return p.win.fetch(p.base + path, {
      method: method, body: body && JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-Larch-Session': p.secret }
    }).then(function (res) {
      if (res.status === 401) return p.ended(res);
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).catch(function () { p.show('Something went wrong', 'Check your connection and reload this page.'); });
  };
  P.build = function () {
    var d = this.doc, p = this, root = el(d, 'div', 'lp', '', d.body);
    var bar = el(d, 'header', 'lp-bar', '', root);
    p.tocBtn = el(d, 'button', 'lp-btn lp-menu', 'Contents', bar);
    p.tocBtn.type = 'button';
    p.tocBtn.addEventListener('click', function () { d.body.classList.toggle('lp-toc-open'); });
    p.logo = el(d, 'img', 'lp-logo', '', bar);
    p.logo.alt = '';
    p.title = el(d, 'h1', 'lp-title', '', bar);
    var nav = el(d, 'nav', 'lp-nav', '', bar);
    p.btn = {};
    BUTTONS.forEach(function (b) {
      var e = p.btn[b[0]] = el(d, 'button', 'lp-btn lp-' + b[0], b[1], nav);
      e.type = 'button';
      e.addEventListener('click', function () { p.navigate(b[3]); });
    });
    var main = el(d, 'div', 'lp-main', '', root);
    p.toc = el(d, 'ul', 'lp-toc', '', el(d, 'aside', 'lp-side', '', main));
    var stage = el(d, 'div', 'lp-stage', '', main);
    p.frame = el(d, 'iframe', 'lp-frame', '', stage);
    p.frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads');
    p.frame.setAttribute('allow', 'fullscreen; autoplay');
    p.frame.title = 'Course content';
    p.msg = el(d, 'div', 'lp-msg', '', stage);
  };
  P.show = function (head, text, action) {
    var d = this.doc, m = this.msg;
    m.textContent = '';
    el(d, 'h2', '', head, m);
    if (text) el(d, 'p', '', text, m);
    if (action) {
      var b = el(d, 'button', 'lp-btn lp-primary', action[0], m);
      b.type = 'button';
      b.addEventListener('click', action[1]);
    }
    d.body.classList.add('lp-message');
  };
  /** A 401 `res`: `course_complete` when the course is over (a lost answer's retry). When the
   * answer says otherwise or cannot be read (a synchronous call's), the session's step, which
   * the server keeps after the end, tells whether the course is over. Nothing is shown before
   * that is known: "This session has ended" shown at once and replaced when the answer was
   * read put the wrong end page on screen for a moment after every such retry. */
  P.ended = function (res) {
    var p = this, over = function () { p.go({ next: 'course_over' }); }, gone = function () {
      p.doc.body.classList.add('lp-over');
      p.show('This session has ended', 'Relaunch the course from your learning platform.');
    };
    if (!p.secret) return gone();
    (res && res.json ? res.json() : Promise.reject()).then(function (b) {
      if (b.error.code !== 'course_complete') throw b;
      over();
    }).catch(function () {
      return p.win.fetch(p.base + 'step', { headers: { 'X-Larch-Session': p.secret } }).then(function (r) {
        if (r.status !== 200) return gone();
        return r.json().then(function (st) { if (st.next.next === 'course_over') over(); else gone(); });
      });
    }).catch(gone);
  };
  P.start = function (st) {
    var p = this, b = st.branding || {}, w = p.win;
    p.st = st;
    p.model = new Model(st.schema);
    // Only the course's API: content that tries API_1484_11 first must not find a 2004 API
    // in a SCORM 1.2 course.
    w[p.model.v04 ? 'API_1484_11' : 'API'] = facade(function () { return p.api; }, p.model.v04);
    p.nav = st.step.nav;
    p.title.textContent = b.title || (st.course && st.course.title) || '';
    p.doc.title = p.title.textContent || 'Course';
    if (b.logo_url) { p.logo.src = b.logo_url; p.logo.alt = b.name || ''; } else p.logo.hidden = true;
    // Branding through the CSSOM, which the CSP allows (no style attribute).
    if (/^#[0-9a-fA-F]{3,8}$/.test(b.color || '')) p.doc.documentElement.style.setProperty('--lp-brand', b.color);
    p.transport(st.registration_id, st.instance, st.commit_debounce_ms || 500).pump();
    p.tr.adopt('larch.pending.' + st.registration_id + '.', st.instance);
    p.go(st.step.next);
  };
  /** The transport of registration `reg`'s `instance` (made once per page). */
  P.transport = function (reg, instance, debounce) {
    var p = this, w = p.win;
    if (!p.tr) p.tr = new Transport({
      fetch: w.fetch.bind(w), XHR: w.XMLHttpRequest, storage: store(w),
      setTimeout: w.setTimeout.bind(w), clearTimeout: w.clearTimeout.bind(w)
    }, {
      base: p.base, secret: p.secret, key: 'larch.pending.' + reg + '.' + instance,
      result: function (r, c) { p.result(r, c); },
      auth: function (res) { p.ended(res); }
    });
    p.tr.o.debounce = debounce;
    return p.tr;
  };
  function store(w) { try { return w.localStorage; } catch (x) { return null; } }
  P.result = function (r, c) {
    if (r.nav) { this.nav = r.nav; this.render(); }
    var mine = this.tr.cur && c.session === this.tr.cur.session;
    if (r.next && mine && (c.terminate || c.nav_request)) this.go(r.next);
  };
  /** Acts on larch_runtime::Next. */
  P.go = function (n) {
    var p = this, d = p.doc.body.classList;
    p.current = p.session = null;
    p.busy = false;
    d.remove('lp-message', 'lp-toc-open');
    if (n.next === 'deliver') {
      var st = p.st, url = /^https?:\/\//.test(n.url) ? n.url : st.asset_base + n.url;
      p.current = n.activity;
      p.title.textContent = n.title || p.title.textContent;
      // The previous SCO is unloaded first, so that calls from its unload handlers never
      // reach the next SCO's API instance.
      p.api = null;
      p.session = n.session;
      p.blank(function () {
        p.api = new Api(p.model, n.cmi, st.config, oracle(function () { return p.nav; }), hooks(p));
        p.tr.start(n.session, n.activity);
        if (st.course.standard === 'aicc') p.watch(n.session);
        if (!n.new_window && st.window !== 'new_window') return (p.frame.src = url);
        // OwnWindow: content that cannot be framed finds the API through `opener`.
        var open = function () { p.cw = p.win.open(url, 'larch_content'); };
        open();
        p.show('The course opened in a new window', 'Keep this window open while you learn.', ['Open it again', open]);
      });
    } else if (n.next === 'course_over') {
      p.blank(function () {});
      d.add('lp-over');
      p.show('Course complete', 'You can close this window.');
    } else if (n.next === 'menu') {
      p.blank(function () {});
      d.add('lp-toc-open');
      p.show('Choose where to go next', n.message || '');
    } else {
      p.show('That is not available now', n.message || '', ['Back', function () { d.remove('lp-message'); }]);
      if (p.api && p.api.ph === 1) d.remove('lp-message');
    }
    p.render();
  };
  /** AICC: ExitAU is not seen here; poll the step until the AU's session is over. */
  P.watch = function (s) {
    var p = this, w = p.win, again = function () { w.setTimeout(tick, 2000); }, tick = function () {
      if (p.session === s) w.fetch(p.base + 'step', { headers: { 'X-Larch-Session': p.secret } }).then(function (res) {
        if (res.status === 401) return p.ended(res);
        return res.json().then(function (st) {
          if (p.session !== s) return;
          if (st.next.next === 'deliver' && st.next.session === s) return again();
          p.nav = st.nav;
          p.go(st.next);
        });
      }).catch(again);
    };
    again();
  };
  /** Empties the content frame, then runs `then` (at once when it is empty already). */
  P.blank = function (then) {
    var f = this.frame, w = this.cw, done = false, go = function () { if (!done) { done = true; then(); } };
    // A content window is closed (its unload handlers run) before `then`.
    if (w && !w.closed) {
      this.cw = null;
      w.close();
      var poll = function () { if (w.closed) go(); else setTimeout(poll, 50); };
      poll();
      return this.win.setTimeout(go, 3000);
    }
    if (!f.getAttribute('src') || f.getAttribute('src') === 'about:blank') return go();
    f.addEventListener('load', go, { once: true });
    this.win.setTimeout(go, 3000);
    f.src = 'about:blank';
  };
  /** Buttons and the table of contents from the latest NavState. */
  P.render = function () {
    var p = this, n = p.nav || {}, hidden = n.hidden || [], d = p.doc, over = d.body.classList.contains('lp-over');
    BUTTONS.forEach(function (b) {
      var e = p.btn[b[0]];
      e.hidden = over || hidden.indexOf(b[3]) >= 0 || (b[3] === 'suspendAll' && !n.suspend_all);
      e.disabled = !n[b[2]];
    });
    var items = (n.toc || []).filter(function (t) { return t.visible; });
    var any = !over && items.some(function (t) { return t.choice && t.id !== p.current; });
    d.body.classList.toggle('lp-has-toc', any);
    p.toc.textContent = '';
    items.forEach(function (t) {
      var li = el(d, 'li', 'lp-d' + Math.min(t.depth, 6) + (t.id === p.current ? ' lp-here' : ''), '', p.toc);
      var b = el(d, 'button', 'lp-item', t.title || t.id, li);
      b.type = 'button';
      b.disabled = !t.choice || t.id === p.current;
      b.addEventListener('click', function () { p.navigate({ request: 'choice', target: t.id }); });
    });
  };
  /** A learner's request: with a SCO running, unload it (a Terminate in its unload handler
   * carries the request, else a commit does); without one, POST navigate. */
  P.navigate = function (req) {
    var p = this, w = p.win;
    // One request at a time: a double click must not continue twice.
    if (p.busy) return;
    p.busy = true;
    w.setTimeout(function () { p.busy = false; }, 5000);
    if (typeof req === 'string') req = { request: REQ[req] || req };
    p.doc.body.classList.remove('lp-toc-open');
    var api = p.api;
    if (api && api.ph === 1) {
      p.pending = req;
      return p.blank(function () {
        if (api.ph === 1) { api.ph = 2; p.tr.cut({ nav: req }); p.pending = null; }
      });
    }
    var tries = 0, send = function () {
      if (!p.tr.idle() && tries++ < 40) return w.setTimeout(send, 250);
      p.http('POST', 'navigate', req).then(function (step) {
        p.busy = false;
        if (step) { p.nav = step.nav; p.go(step.next); }
      });
    };
    send();
  };

  G.LarchShim = { Model: Model, Api: Api, facade: facade, oracle: oracle, Transport: Transport, hooks: hooks, Player: Player };
  if (G.document && G.document.body && G.document.body.hasAttribute('data-pid')) G.larchPlayer = new Player(G);
})(typeof window !== 'undefined' ? window : globalThis);
