'use strict';
/**
 * A small local implementation of the Apps Script services the add-on uses, to run its .gs files
 * under Node's test runner. What it imitates and what it cannot is listed in ../README.md
 * ("The local Apps Script runtime"); keep that list in step with this file.
 *
 * Model:
 * - One Runtime is one spreadsheet with the script bound to it. Its stores (document/script/user
 *   properties, the three caches, the sheet's cells, the UI's record) outlive executions.
 * - Every execution (a menu item, a google.script.run call, a trigger, ONE custom-function cell)
 *   gets a fresh V8 context with every .gs file evaluated in it, in one shared global scope, as
 *   Apps Script does: nothing kept in a global variable survives to the next execution.
 * - UrlFetchApp.fetch is synchronous: each request runs in a child process (fetch_helper.js)
 *   through child_process.execFileSync, real HTTP to wherever the URL points (the tests: 127.0.0.1),
 *   or answers from a script the test gave (rt.script(...)): no network at all.
 * - Google's rules a test must not be able to break are enforced here, each with the sentence of
 *   Google's documentation it follows in README.md (this folder): recalculation only when arguments
 *   change, cache key and value limits, 30 s per custom-function call on the runtime's clock, the
 *   services a custom function may use, TODAY()/NOW() refused as arguments, the manifest's scopes,
 *   urlFetchWhitelist, createAddonMenu, hourly triggers at most.
 */

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');

const ADDON_DIR = path.resolve(__dirname, '..');
const FETCH_HELPER = path.join(__dirname, 'fetch_helper.js');

const { LIMITS, exception } = require('./limits.js');
const { PropertyStore, CacheStore } = require('./stores.js');
const { Spreadsheet, UiRecord, htmlOutput } = require('./spreadsheet_model.js');
const { parseFormula, VOLATILE, checkResult, formatDate } = require('./formulas.js');

// The scopes each service needs (Google's reference: "Scripts that use this method require authorization with
// one or more of the following scopes"); CacheService, PropertiesService, LockService and Utilities need none.
const SCOPES = {
  'UrlFetchApp.fetch': ['https://www.googleapis.com/auth/script.external_request'],
  SpreadsheetApp: ['https://www.googleapis.com/auth/spreadsheets.currentonly', 'https://www.googleapis.com/auth/spreadsheets'],
  'SpreadsheetApp.getUi': ['https://www.googleapis.com/auth/script.container.ui'],
  ScriptApp: ['https://www.googleapis.com/auth/script.scriptapp']
};

const DIGESTS = { MD2: 'md2', MD5: 'md5', SHA_1: 'sha1', SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };

// ------------------------------------------------------------------------------------------------
// The runtime

class Runtime {
  /**
   * @param {object} options
   * @param {string=} options.dir the add-on folder (default: sheets/addon)
   * @param {object=} options.sheets {tabName: 2-D values}
   * @param {string=} options.timeZone the spreadsheet's time zone
   * @param {function=} options.clock () => milliseconds (default Date.now); the runtime adds its own
   *     advances to it (fetch latency, lock waits, Utilities.sleep): rt.now() is what scripts see as the time
   * @param {object=} options.manifest a manifest to use instead of the folder's appsscript.json
   */
  constructor(options) {
    options = options || {};
    // ROI_ADDON_DIR: run the tests against another copy of the add-on (e.g. the previous commit's, to see them fail)
    this.dir = options.dir || process.env.ROI_ADDON_DIR || ADDON_DIR;
    this.clock = options.clock || (() => Date.now());
    this.offset = 0;
    this.properties = { document: new PropertyStore('document'), script: new PropertyStore('script'), user: new PropertyStore('user') };
    this.caches = { document: new CacheStore('document', () => this.now()), script: new CacheStore('script', () => this.now()), user: new CacheStore('user', () => this.now()) };
    this.ui = new UiRecord('ROI 助手');
    this.spreadsheet = new Spreadsheet({ sheets: options.sheets, timeZone: options.timeZone, ui: this.ui });
    this.fetches = [];   // {method, url, status, ms}: never the headers (the token is in them)
    this.requests = [];  // the bodies of scripted requests: {method, url, payload}
    this.scripted = [];  // {method, match, reply}
    this.fetchLatencyMs = 0;
    this.logs = [];      // every Logger.log / console.* line
    this.executions = [];
    this.locks = { document: 0, script: 0, user: 0 };
    this.lockHolders = { document: null, script: null, user: null };  // another execution holding a lock
    this.lockWaits = []; // the timeout of every tryLock/waitLock call, in ms
    this.triggers = [];
    this.computed = new Map();  // formula cell → its last result, with the argument values it was computed from
    this.current = null; // the running execution: {mode, started}
    this.manifest = options.manifest || JSON.parse(fs.readFileSync(path.join(this.dir, 'appsscript.json'), 'utf8'));
    this.files = fs.readdirSync(this.dir).filter((f) => f.endsWith('.gs')).sort()
      .map((f) => ({ name: f, script: new vm.Script(fs.readFileSync(path.join(this.dir, f), 'utf8'), { filename: f }) }));
  }

  /** The time scripts see, in ms. */
  now() { return this.clock() + this.offset; }
  /** Moves the runtime's clock forward (a wait, a slow server). */
  advance(ms) { this.offset += Math.max(0, Number(ms) || 0); }

  /** How many UrlFetchApp requests have been made so far. */
  get fetchCount() { return this.fetches.length; }

  /**
   * Answers requests without a server: `method` 'GET'/'POST', `match` a path ('/api/v1/import', compared with the
   * URL's path) or a URL prefix; `reply` {status, body, headers, latencyMs} or (request) => that.
   */
  script(method, match, reply) {
    this.scripted.unshift({ method: method.toUpperCase(), match, reply });
    return this;
  }

  /**
   * Another execution holds `kind`'s lock for `forMs` from now; `during()` is its work (run when a waiter gets
   * the lock, as if it had happened meanwhile). A waiter whose timeout ends first gets false.
   */
  holdLock(kind, forMs, during, doneAfterMs) {
    const now = this.now();
    this.lockHolders[kind] = { until: now + forMs, doneAt: now + (doneAfterMs === undefined ? forMs : doneAfterMs), during: during || null };
  }

  /** The other execution's work, once it is done by `at` (run with its hold lifted, as it is that execution). */
  _otherWork(kind, holder, at) {
    if (!holder.during || at < holder.doneAt) return;
    const work = holder.during;
    holder.during = null;
    const saved = this.lockHolders[kind];
    this.lockHolders[kind] = null;
    try { work(); } finally { this.lockHolders[kind] = saved; }
  }

  /** Runs an installed trigger's function, as its time comes. */
  fireTrigger(handler) {
    const trigger = this.triggers.find((t) => t.handler === handler);
    if (!trigger) throw new Error('no trigger for ' + handler);
    return this._call('FULL', handler, [{ authMode: 'FULL', triggerUid: trigger.id }]);
  }

  // --- the services one execution sees -------------------------------------------------------
  _need(api, mode) {
    const scopes = SCOPES[api];
    const declared = this.manifest.oauthScopes;
    // without oauthScopes Apps Script works the scopes out from the code; with them, only those are granted
    if (declared && !scopes.some((s) => declared.includes(s))) {
      // the wording Apps Script gives (as reported in peterherrmann/BetterLog#29 for SpreadsheetApp.openById)
      throw exception(`You do not have permission to call ${api}. Required permissions: ${scopes.join(' || ')}`);
    }
    if (mode === 'CUSTOM_FUNCTION' && api === 'ScriptApp') throw exception('You do not have permission to call ScriptApp.newTrigger');
  }

  _services(mode) {
    const rt = this;
    const log = (level) => (...args) => { rt.logs.push({ level, text: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') }); };
    const Logger = {
      log(format, ...values) {
        let text = String(format);
        if (values.length) { let i = 0; text = text.replace(/%s/g, () => String(values[i++])); }
        rt.logs.push({ level: 'log', text }); return Logger;
      }
    };
    const lock = (kind) => ({
      held: false,
      tryLock(ms) {
        rt.lockWaits.push(Number(ms));
        if (this.held) return true;
        const other = rt.lockHolders[kind];
        if (other) {
          const giveUp = rt.now() + Number(ms);
          if (other.until > giveUp) {
            rt.advance(giveUp - rt.now());
            rt._otherWork(kind, other, giveUp);
            return false;
          }
          rt._otherWork(kind, other, other.until);
          rt.lockHolders[kind] = null;
          rt.advance(other.until - rt.now());
        }
        if (rt.locks[kind]) return false;
        rt.locks[kind]++; this.held = true; return true;
      },
      waitLock(ms) { if (!this.tryLock(ms)) throw exception('Lock timeout: another process was holding the lock for too long.'); },
      releaseLock() { if (this.held) { rt.locks[kind]--; this.held = false; } },
      hasLock() { return this.held; }
    });
    const spreadsheet = () => { rt._need('SpreadsheetApp', mode); return rt.spreadsheet.api(mode); };
    const scriptApp = {
      AuthMode: Object.freeze({ NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', LIMITED: 'LIMITED', FULL: 'FULL' }),
      newTrigger(handler) {
        rt._need('ScriptApp', mode);
        const spec = { handler: String(handler), everyHours: null };
        const builder = {
          everyHours(n) { if (!(n >= 1)) throw exception('Invalid argument: everyHours'); spec.everyHours = n; return builder; },
          // Google (add-on triggers): "Time-driven triggers cannot run more frequently than once per hour."
          everyMinutes() { throw exception('Time-driven triggers of an add-on cannot run more frequently than once per hour.'); },
          create() {
            if (spec.everyHours === null) throw exception('Invalid argument: the trigger has no schedule');
            // Google (add-on triggers): "Each add-on can only have one trigger of each type, per user, per document."
            if (rt.triggers.length) throw exception('This add-on has already created a time-based trigger for this document by this user.');
            const trigger = { id: String(rt.triggers.length + 1), handler: spec.handler, everyHours: spec.everyHours };
            rt.triggers.push(trigger);
            return scriptApp._trigger(trigger);
          }
        };
        return { timeBased() { return builder; } };
      },
      getProjectTriggers() { rt._need('ScriptApp', mode); return rt.triggers.map((t) => scriptApp._trigger(t)); },
      deleteTrigger(t) { rt._need('ScriptApp', mode); rt.triggers = rt.triggers.filter((x) => x.id !== t.getUniqueId()); },
      _trigger(t) { return { getHandlerFunction: () => t.handler, getUniqueId: () => t.id, getEventType: () => 'CLOCK' }; }
    };
    return {
      PropertiesService: {
        getDocumentProperties: () => rt.properties.document.api(mode),
        getScriptProperties: () => rt.properties.script.api(mode),
        getUserProperties: () => rt.properties.user.api(mode)
      },
      CacheService: {
        getDocumentCache: () => rt.caches.document.api(),
        getScriptCache: () => rt.caches.script.api(),
        getUserCache: () => rt.caches.user.api()
      },
      LockService: { getDocumentLock: () => lock('document'), getScriptLock: () => lock('script'), getUserLock: () => lock('user') },
      UrlFetchApp: { fetch: (url, params) => { rt._need('UrlFetchApp.fetch', mode); return rt._fetch(url, params || {}); } },
      SpreadsheetApp: {
        getActiveSpreadsheet: spreadsheet,
        getActive: spreadsheet,
        getUi: () => { rt._need('SpreadsheetApp.getUi', mode); return rt.ui.api(mode); },
        flush: () => undefined
      },
      HtmlService: {
        createHtmlOutputFromFile: (name) => {
          const file = path.join(rt.dir, String(name).replace(/\.html$/, '') + '.html');
          if (!fs.existsSync(file)) throw exception('No HTML file named ' + name + ' was found.');
          return htmlOutput(fs.readFileSync(file, 'utf8'), path.basename(file));
        },
        createHtmlOutput: (html) => htmlOutput(String(html || ''), null)
      },
      Utilities: {
        DigestAlgorithm: Object.freeze(Object.fromEntries(Object.keys(DIGESTS).map((k) => [k, k]))),
        Charset: Object.freeze({ US_ASCII: 'US_ASCII', UTF_8: 'UTF_8' }),
        /** Java's byte[]: signed bytes, -128..127. */
        computeDigest: (algorithm, value, charset) => {
          if (!DIGESTS[algorithm]) throw exception('Invalid argument: algorithm');
          const bytes = Array.isArray(value) ? Buffer.from(value.map((b) => b & 0xff)) : Buffer.from(String(value), charset === 'US_ASCII' ? 'latin1' : 'utf8');
          return Array.from(crypto.createHash(DIGESTS[algorithm]).update(bytes).digest(), (b) => (b > 127 ? b - 256 : b));
        },
        formatDate: (date, tz, pattern) => formatDate(date, tz, pattern),
        sleep: (ms) => rt.advance(ms)
      },
      Session: { getScriptTimeZone: () => rt.manifest.timeZone },
      ScriptApp: scriptApp,
      Logger,
      console: { log: log('log'), info: log('info'), warn: log('warn'), error: log('error') },
      __roiNow: () => rt.now()
    };
  }

  _scripted(method, url) {
    const pathOnly = url.split('?')[0];
    return this.scripted.find((s) => s.method === method && (s.match.startsWith('/') ? pathOnly.endsWith(s.match) : url.startsWith(s.match)));
  }

  _allowed(url) {
    const list = this.manifest.urlFetchWhitelist;
    if (!list) return true;
    // Google: a prefix matches the URL it starts; "https://*.example.com/foo" matches any subdomain (at least one)
    return list.some((prefix) => {
      const wild = /^https:\/\/\*\.(.*)$/.exec(prefix);
      if (!wild) return url.startsWith(prefix);
      return new RegExp('^https://[^/?#]+\\.' + wild[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).test(url);
    });
  }

  _fetch(url, params) {
    url = String(url);
    const started = this.now();
    if (this.current && this.current.mode === 'CUSTOM_FUNCTION' && started - this.current.started > LIMITS.customFunctionMs) {
      throw exception('Exceeded maximum execution time');
    }
    if (url.length > LIMITS.urlLength) throw exception('Limit Exceeded: URLFetch URL Length.');
    if (!/^https?:\/\//i.test(url)) throw exception('Invalid argument: ' + url);
    if (!this._allowed(url)) throw exception('UrlFetchApp: the manifest\'s urlFetchWhitelist does not allow ' + url.split('?')[0]);
    const method = String(params.method || 'get').toUpperCase();
    const headers = Object.assign({}, params.headers || {});
    let payload = params.payload == null ? null : params.payload;
    if (payload !== null && typeof payload === 'object') {
      payload = new URLSearchParams(payload).toString();
      headers['Content-Type'] = headers['Content-Type'] || 'application/x-www-form-urlencoded';
    }
    if (payload !== null && params.contentType) headers['Content-Type'] = params.contentType;
    headers['User-Agent'] = 'Mozilla/5.0 (compatible; Google-Apps-Script; beanserver; +https://script.google.com; id: local)';
    const realStart = Date.now();
    let reply;
    const scripted = this._scripted(method, url);
    if (scripted) {
      this.requests.push({ method, url, payload });
      const r = typeof scripted.reply === 'function' ? scripted.reply({ method, url, payload }) : scripted.reply;
      reply = { status: r.status || 200, headers: Object.assign({ 'Content-Type': 'application/json' }, r.headers || {}),
        body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body === undefined ? {} : r.body), error: r.error };
      this.advance(r.latencyMs || 0);
    } else {
      try {
        const out = execFileSync(process.execPath, [FETCH_HELPER], {
          input: JSON.stringify({ url, method, headers, payload, deadlineMs: LIMITS.fetchDeadlineMs,
            validateCertificates: params.validateHttpsCertificates !== false }),
          timeout: LIMITS.fetchDeadlineMs + 5000,
          env: Object.assign({}, process.env, { ROI_FETCH_HELPER: '1' }),
          maxBuffer: 50 * 1024 * 1024
        });
        reply = JSON.parse(out.toString('utf8'));
      } catch (e) {
        reply = { error: String(e.message || e).split('\n')[0] };
      }
    }
    this.advance(this.fetchLatencyMs);
    const record = { method, url, status: reply.status || 0, ms: Date.now() - realStart, startedAt: started };
    this.fetches.push(record);
    if (reply.error) {
      // Apps Script's wording for an unreachable address
      throw exception('Address unavailable: ' + url);
    }
    const status = reply.status;
    if (status >= 300 && status < 400 && params.followRedirects !== false && headerValue(reply.headers, 'location')) {
      return this._fetch(new URL(headerValue(reply.headers, 'location'), url).toString(), Object.assign({}, params, { method: 'get', payload: null }));
    }
    if (status >= 400 && !params.muteHttpExceptions) {
      throw exception('Request failed for ' + url.split('?')[0] + ' returned code ' + status +
        '. Truncated server response: ' + reply.body.slice(0, 200) + ' (use muteHttpExceptions option to examine full response)');
    }
    const flat = {};
    Object.entries(reply.headers).forEach(([k, v]) => { flat[k] = Array.isArray(v) ? v[v.length - 1] : v; });
    return {
      getResponseCode: () => status,
      getContentText: () => reply.body,
      getHeaders: () => flat,
      getAllHeaders: () => reply.headers
    };
  }

  // --- executions -----------------------------------------------------------------------------
  /** A fresh execution: a new global scope with every .gs file evaluated in it (file order). */
  _context(mode) {
    const context = vm.createContext(this._services(mode));
    // the execution's clock is the runtime's: new Date() and Date.now() read rt.now()
    vm.runInContext('Date = (function (RealDate, now) { class D extends RealDate { constructor(...a) { if (a.length) { super(...a); } else { super(now()); } } static now() { return now(); } } return D; })(Date, __roiNow);', context);
    this.files.forEach((f) => f.script.runInContext(context));
    return context;
  }

  _call(mode, functionName, args) {
    const context = this._context(mode);
    const fn = context[functionName];
    if (typeof fn !== 'function') throw exception('Script function not found: ' + functionName);
    const started = Date.now();
    const outer = this.current;
    this.current = { mode, started: this.now() };
    this.executions.push({ mode, functionName });
    const record = this.executions[this.executions.length - 1];
    try {
      return fn.apply(null, args);
    } finally {
      record.ms = Date.now() - started;
      record.clockMs = this.now() - this.current.started;
      this.current = outer;
    }
  }

  /** The spreadsheet opens: the onOpen simple trigger (menus). */
  open(authMode) {
    const mode = authMode || 'LIMITED';
    this._call(mode, 'onOpen', [{ authMode: mode, source: this.spreadsheet.api(mode) }]);
    return this.ui.menus;
  }

  /** The add-on is installed from the store: onInstall (Google: it "runs when a user installs an Editor add-on"). */
  install() {
    this._call('FULL', 'onInstall', [{ authMode: 'FULL', source: this.spreadsheet.api('FULL') }]);
    return this.ui.menus;
  }

  /** A click on a menu item (by its caption), as the user who authorized the script. */
  clickMenu(menuCaption, itemCaption) {
    const menu = this.ui.menus.find((m) => m.caption === menuCaption);
    if (!menu) throw new Error('no menu ' + menuCaption);
    const item = menu.items.find((i) => i.caption === itemCaption);
    if (!item) throw new Error('no item ' + itemCaption + ' in ' + menuCaption);
    return this._call('FULL', item.functionName, []);
  }

  /**
   * What an HTML page's google.script.run.<name>(...args) does: private names (ending in "_") and
   * unknown names are refused; arguments and the result travel as JSON (Dates and functions do not).
   */
  scriptRun(functionName, ...args) {
    if (/_$/.test(functionName)) throw exception('Script function not found: ' + functionName);
    const result = this._call('FULL', functionName, JSON.parse(JSON.stringify(args)));
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  }

  /**
   * A formula typed into a cell (or the function edited), e.g. '=ROI("618活动", "抖音")', '=ROI(A2:A10)',
   * '=ROI("618活动",,, ROI_刷新)': always runs, as Sheets does for a new formula. References read the active
   * sheet, 'Tab'!A1, or a named range. One execution per cell; the result checked (numbers, strings, booleans,
   * dates or 2-D arrays of them); a thrown error shown as "#ERROR!" with the error's message (the cell's note);
   * past 30 s "#ERROR!" with "Exceeded maximum execution time"; TODAY()/NOW()/RAND() as an argument: "Loading...".
   */
  evaluate(formula, sheetName) {
    const cell = this._prepare(formula, sheetName);
    return cell.early || this._run(cell);
  }

  /**
   * Sheets recalculating cells already in the sheet (formulas[i] is the i-th cell of a column): a cell whose
   * arguments hold the same values as when it was last computed is NOT run again and keeps its result, an
   * error included (Google: "the custom function doesn't recalculate until you edit the function, or you change
   * the value of a referenced cell"); the others run.
   */
  recalculate(formulas, sheetName) {
    return formulas.map((f, i) => {
      const cell = this._prepare(f, sheetName);
      if (cell.early) return cell.early;
      const id = (sheetName || '') + '\u0000' + i + '\u0000' + f;
      const before = this.computed.get(id);
      if (before && before.key === cell.key) return before.result;
      const result = this._run(cell);
      this.computed.set(id, { key: cell.key, result });
      return result;
    });
  }

  _prepare(formula, sheetName) {
    const { name, args } = parseFormula(formula);
    if (args.some((a) => VOLATILE.test(a))) return { early: { loading: true, value: 'Loading...' } };
    let values;
    try {
      values = args.map((a) => this._argument(a, sheetName));
    } catch (e) {
      if (e.code === '#NAME?') return { early: { error: '#NAME?', message: e.message } };
      throw e;
    }
    while (values.length && values[values.length - 1] === undefined) values.pop();
    const key = JSON.stringify(values, (k, v) => (v === undefined ? null : v));
    return { name, values, key };
  }

  _run(cell) {
    const started = this.now();
    let result;
    try {
      result = this._call('CUSTOM_FUNCTION', cell.name, cell.values);
    } catch (e) {
      const message = String(e && e.message);
      if (/^Exceeded maximum execution time/.test(message)) return { error: '#ERROR!', message: 'Exceeded maximum execution time (line 0).' };
      return { error: '#ERROR!', message, stack: e && e.stack };
    }
    if (this.now() - started > LIMITS.customFunctionMs) {
      return { error: '#ERROR!', message: 'Exceeded maximum execution time (line 0).' };
    }
    return { value: checkResult(result) };
  }

  _argument(text, sheetName) {
    if (text === '') return undefined;
    if (/^".*"$/s.test(text)) return text.slice(1, -1).replace(/""/g, '"');
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    if (/^(TRUE|FALSE)$/i.test(text)) return text.toUpperCase() === 'TRUE';
    const m = /^(?:'([^']+)'!|([^!'"]+)!)?(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)$/.exec(text);
    if (!m) {
      const named = this.spreadsheet.named(text);
      if (named === undefined) { const e = new Error('Unknown range name: ' + text); e.code = '#NAME?'; throw e; }
      return named;
    }
    const tab = m[1] || m[2] || sheetName;
    const sheet = tab ? this.spreadsheet.sheet(tab) : this.spreadsheet.active;
    if (!sheet) throw new Error('no tab ' + tab);
    const values = sheet.values(m[3]);
    return m[3].includes(':') ? values : values[0][0];
  }
}

function headerValue(headers, name) {
  const key = Object.keys(headers || {}).find((k) => k.toLowerCase() === name);
  return key ? [].concat(headers[key])[0] : null;
}

module.exports = { Runtime, LIMITS, parseFormula, ADDON_DIR, SCOPES };
