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
 *   through child_process.execFileSync, real HTTP to wherever the URL points (the tests: 127.0.0.1).
 */

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { execFileSync } = require('node:child_process');

const ADDON_DIR = path.resolve(__dirname, '..');
const FETCH_HELPER = path.join(__dirname, 'fetch_helper.js');

// Limits from Apps Script's documentation (Cache, Properties, URL Fetch, custom functions).
const LIMITS = Object.freeze({
  cacheValueBytes: 100 * 1024,      // "The maximum length of a value is 100KB"
  cacheKeyChars: 250,               // "The maximum length of a key is 250 characters"
  cacheMaxTtl: 21600,               // 6 hours
  cacheDefaultTtl: 600,             // put(key, value) without a time: 10 minutes
  cacheMaxItems: 1000,              // items per cache; the oldest go first
  propertyValueBytes: 9 * 1024,     // 9 KB per value
  propertyTotalBytes: 500 * 1024,   // 500 KB per store
  urlLength: 2 * 1024,              // URL Fetch URL length 2 KB
  fetchDeadlineMs: 60 * 1000,       // UrlFetchApp gives up after about a minute; no option changes it
  customFunctionMs: 30 * 1000,      // a custom function must return within 30 seconds
  cellChars: 50000                  // characters in one cell
});

/** An error as Apps Script's services throw it: an Exception with the service's message. */
function exception(message) {
  const e = new Error(message);
  e.name = 'Exception';
  return e;
}

function utf8Bytes(text) {
  return Buffer.byteLength(String(text), 'utf8');
}

// ------------------------------------------------------------------------------------------------
// PropertiesService

class PropertyStore {
  constructor(name) {
    this.name = name;
    this.values = new Map();
    this.reads = 0;
    this.writes = 0;
  }
  _size(extra) {
    let total = 0;
    const all = new Map(this.values);
    Object.entries(extra || {}).forEach(([k, v]) => all.set(k, v));
    all.forEach((v, k) => { total += utf8Bytes(k) + utf8Bytes(v); });
    return total;
  }
  api() {
    const store = this;
    const check = (key, value) => {
      if (typeof key !== 'string' || !key) throw exception('Invalid argument: key');
      if (utf8Bytes(value) > LIMITS.propertyValueBytes) throw exception('Argument too large: value');
    };
    const props = {
      getProperty(key) { store.reads++; return store.values.has(key) ? store.values.get(key) : null; },
      getProperties() { store.reads++; return Object.fromEntries(store.values); },
      getKeys() { store.reads++; return Array.from(store.values.keys()); },
      setProperty(key, value) {
        const text = String(value); check(key, text);
        if (store._size({ [key]: text }) > LIMITS.propertyTotalBytes) throw exception('You have exceeded the property storage quota.');
        store.writes++; store.values.set(key, text); return props;
      },
      setProperties(values, deleteAllOthers) {
        const entries = Object.entries(values).map(([k, v]) => [k, String(v)]);
        entries.forEach(([k, v]) => check(k, v));
        if (deleteAllOthers) store.values.clear();
        if (store._size(Object.fromEntries(entries)) > LIMITS.propertyTotalBytes) throw exception('You have exceeded the property storage quota.');
        store.writes++; entries.forEach(([k, v]) => store.values.set(k, v)); return props;
      },
      deleteProperty(key) { store.writes++; store.values.delete(key); return props; },
      deleteAllProperties() { store.writes++; store.values.clear(); return props; }
    };
    return props;
  }
}

// ------------------------------------------------------------------------------------------------
// CacheService

class CacheStore {
  constructor(name, clock) {
    this.name = name;
    this.clock = clock;
    this.entries = new Map(); // key → {value, expires}
    this.gets = 0;
    this.puts = 0;
  }
  _live(key) {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.clock()) { this.entries.delete(key); return undefined; }
    return e.value;
  }
  _put(key, value, ttl) {
    if (typeof key !== 'string' || !key) throw exception('Invalid argument: key');
    if (key.length > LIMITS.cacheKeyChars) throw exception('Argument too large: key');
    if (typeof value !== 'string') throw exception('The parameters (' + typeof value + ') don\'t match the method signature for Cache.put.');
    if (utf8Bytes(value) > LIMITS.cacheValueBytes) throw exception('Argument too large: value');
    const seconds = ttl === undefined ? LIMITS.cacheDefaultTtl : Number(ttl);
    if (!(seconds >= 1)) throw exception('Invalid argument: expirationInSeconds');
    if (seconds > LIMITS.cacheMaxTtl) throw exception('Argument too large: expirationInSeconds');
    this.entries.delete(key); // re-inserted last: Map order is our eviction order
    this.entries.set(key, { value, expires: this.clock() + seconds * 1000 });
    while (this.entries.size > LIMITS.cacheMaxItems) {
      this.entries.delete(this.entries.keys().next().value);
    }
  }
  /** Drops everything, as Google may at any time ("best effort" cache). */
  evictAll() { this.entries.clear(); }
  api() {
    const store = this;
    const cache = {
      get(key) { store.gets++; const v = store._live(key); return v === undefined ? null : v; },
      getAll(keys) {
        store.gets++;
        const out = {};
        keys.forEach((k) => { const v = store._live(k); if (v !== undefined) out[k] = v; });
        return out;
      },
      put(key, value, ttl) { store.puts++; store._put(key, value, ttl); },
      putAll(values, ttl) { store.puts++; Object.entries(values).forEach(([k, v]) => store._put(k, v, ttl)); },
      remove(key) { store.entries.delete(key); },
      removeAll(keys) { keys.forEach((k) => store.entries.delete(k)); }
    };
    return cache;
  }
}

// ------------------------------------------------------------------------------------------------
// SpreadsheetApp over an in-memory spreadsheet

function columnIndex(letters) {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function parseA1(a1) {
  const m = /^([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?$/.exec(a1.replace(/\$/g, ''));
  if (!m) throw exception('Range not found');
  const r1 = Number(m[2]) - 1; const c1 = columnIndex(m[1]);
  const r2 = m[3] ? Number(m[4]) - 1 : r1; const c2 = m[3] ? columnIndex(m[3]) : c1;
  return { row: Math.min(r1, r2), col: Math.min(c1, c2), rows: Math.abs(r2 - r1) + 1, cols: Math.abs(c2 - c1) + 1 };
}

class Sheet {
  constructor(book, name, values) {
    this.book = book;
    this.name = name;
    this.cells = (values || []).map((row) => row.slice());
  }
  get(r, c) { const row = this.cells[r]; const v = row ? row[c] : undefined; return v === undefined || v === null ? '' : v; }
  set(r, c, v) { while (this.cells.length <= r) this.cells.push([]); this.cells[r][c] = v; }
  values(a1) {
    const { row, col, rows, cols } = parseA1(a1);
    const out = [];
    for (let r = 0; r < rows; r++) { const line = []; for (let c = 0; c < cols; c++) line.push(this.get(row + r, col + c)); out.push(line); }
    return out;
  }
  api(mode) {
    const sheet = this;
    const book = this.book;
    const writable = () => { if (mode === 'CUSTOM_FUNCTION') throw exception('You do not have permission to call setValue'); };
    const range = (a1) => ({
      getA1Notation() { return a1; },
      getValues() { return sheet.values(a1); },
      getValue() { return sheet.values(a1)[0][0]; },
      setValue(v) { writable(); const p = parseA1(a1); sheet.set(p.row, p.col, v); return this; },
      setValues(vs) { writable(); const p = parseA1(a1); vs.forEach((row, r) => row.forEach((v, c) => sheet.set(p.row + r, p.col + c, v))); return this; }
    });
    return {
      getName() { return sheet.name; },
      getSheetName() { return sheet.name; },
      activate() { book.active = sheet; book.ui.activated.push(sheet.name); return this; },
      getRange(a1) { return range(a1); },
      getLastRow() { return sheet.cells.length; },
      getDataRange() {
        const cols = Math.max(1, ...sheet.cells.map((r) => r.length));
        return range('A1:' + String.fromCharCode(64 + cols) + Math.max(1, sheet.cells.length));
      }
    };
  }
}

class Spreadsheet {
  constructor({ name, timeZone, sheets, ui }) {
    this.id = 'local-spreadsheet';
    this.name = name || '营销ROI';
    this.timeZone = timeZone || 'Asia/Shanghai';
    this.ui = ui;
    this.sheets = Object.entries(sheets || { '活动': [] }).map(([n, v]) => new Sheet(this, n, v));
    this.active = this.sheets[0];
  }
  sheet(name) { return this.sheets.find((s) => s.name === name) || null; }
  api(mode) {
    const book = this;
    const ui = this.ui;
    return {
      getId() { return book.id; },
      getName() { return book.name; },
      getSpreadsheetTimeZone() { return book.timeZone; },
      getSheets() { return book.sheets.map((s) => s.api(mode)); },
      getSheetByName(name) { const s = book.sheet(name); return s ? s.api(mode) : null; },
      getActiveSheet() { return book.active.api(mode); },
      insertSheet(name) {
        if (mode === 'CUSTOM_FUNCTION') throw exception('You do not have permission to call insertSheet');
        const s = new Sheet(book, name, []); book.sheets.push(s); return s.api(mode);
      },
      toast(message, title, seconds) {
        if (mode === 'CUSTOM_FUNCTION') throw exception('You do not have permission to call toast');
        ui.toasts.push({ message: String(message), title: title == null ? '' : String(title), seconds });
      }
    };
  }
}

// ------------------------------------------------------------------------------------------------
// HtmlService and the editor's Ui

function htmlOutput(content, file) {
  const out = {
    file, content, title: '', width: null, height: null,
    setTitle(t) { out.title = String(t); return out; },
    getTitle() { return out.title; },
    setWidth(w) { out.width = w; return out; },
    setHeight(h) { out.height = h; return out; },
    getContent() { return out.content; },
    setSandboxMode() { return out; },
    setXFrameOptionsMode() { return out; },
    append(text) { out.content += text; return out; }
  };
  return out;
}

class UiRecord {
  constructor() {
    this.menus = [];
    this.alerts = [];
    this.toasts = [];
    this.sidebars = [];
    this.dialogs = [];
    this.activated = [];
  }
  api(mode) {
    if (mode === 'CUSTOM_FUNCTION') throw exception('Cannot call SpreadsheetApp.getUi() from this context.');
    const record = this;
    const Button = Object.freeze({ OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE' });
    const ButtonSet = Object.freeze({ OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' });
    return {
      Button, ButtonSet,
      createMenu(caption) {
        const menu = { caption: String(caption), items: [] };
        const builder = {
          addItem(caption2, fn) { menu.items.push({ caption: String(caption2), functionName: String(fn) }); return builder; },
          addSeparator() { menu.items.push({ separator: true }); return builder; },
          addSubMenu(sub) { menu.items.push({ submenu: sub }); return builder; },
          addToUi() { record.menus = record.menus.filter((m) => m.caption !== menu.caption).concat([menu]); }
        };
        return builder;
      },
      alert(a, b) { record.alerts.push({ title: b === undefined || typeof b !== 'string' ? '' : String(a), message: String(typeof b === 'string' ? b : a) }); return Button.OK; },
      showSidebar(output) { record.sidebars.push(output); },
      showModalDialog(output, title) { output.title = String(title); record.dialogs.push(output); },
      showModelessDialog(output, title) { output.title = String(title); record.dialogs.push(output); }
    };
  }
}

// ------------------------------------------------------------------------------------------------
// Formulas: just enough of Sheets' syntax to call custom functions with literals and references

function splitArgs(text) {
  const args = []; let cur = ''; let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') { if (quoted && text[i + 1] === '"') { cur += '""'; i++; continue; } quoted = !quoted; cur += ch; continue; }
    if (ch === ',' && !quoted) { args.push(cur); cur = ''; continue; }
    cur += ch;
  }
  args.push(cur);
  return args.map((a) => a.trim());
}

function parseFormula(formula) {
  const m = /^=\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$/s.exec(formula);
  if (!m) throw new Error('unsupported formula: ' + formula);
  const inner = m[2].trim();
  return { name: m[1].toUpperCase(), args: inner === '' ? [] : splitArgs(inner) };
}

// ------------------------------------------------------------------------------------------------
// The runtime

class Runtime {
  /**
   * @param {object} options
   * @param {string=} options.dir the add-on folder (default: sheets/addon)
   * @param {object=} options.sheets {tabName: 2-D values}
   * @param {string=} options.timeZone the spreadsheet's time zone
   * @param {function=} options.clock () => milliseconds, for cache expiry (default Date.now)
   */
  constructor(options) {
    options = options || {};
    this.dir = options.dir || ADDON_DIR;
    this.clock = options.clock || (() => Date.now());
    this.properties = { document: new PropertyStore('document'), script: new PropertyStore('script'), user: new PropertyStore('user') };
    this.caches = { document: new CacheStore('document', () => this.clock()), script: new CacheStore('script', () => this.clock()), user: new CacheStore('user', () => this.clock()) };
    this.ui = new UiRecord();
    this.spreadsheet = new Spreadsheet({ sheets: options.sheets, timeZone: options.timeZone, ui: this.ui });
    this.fetches = [];   // {method, url, status, ms}: never the headers (the token is in them)
    this.logs = [];      // every Logger.log / console.* line
    this.executions = [];
    this.locks = { document: 0, script: 0, user: 0 };
    this.manifest = JSON.parse(fs.readFileSync(path.join(this.dir, 'appsscript.json'), 'utf8'));
    this.files = fs.readdirSync(this.dir).filter((f) => f.endsWith('.gs')).sort()
      .map((f) => ({ name: f, script: new vm.Script(fs.readFileSync(path.join(this.dir, f), 'utf8'), { filename: f }) }));
  }

  /** How many UrlFetchApp requests have been made so far. */
  get fetchCount() { return this.fetches.length; }

  // --- the services one execution sees -------------------------------------------------------
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
      tryLock(ms) { if (rt.locks[kind] && !this.held) return false; if (!this.held) { rt.locks[kind]++; this.held = true; } return true; },
      waitLock(ms) { if (!this.tryLock(ms)) throw exception('Lock timeout: another process was holding the lock for too long.'); },
      releaseLock() { if (this.held) { rt.locks[kind]--; this.held = false; } },
      hasLock() { return this.held; }
    });
    return {
      PropertiesService: {
        getDocumentProperties: () => rt.properties.document.api(),
        getScriptProperties: () => rt.properties.script.api(),
        getUserProperties: () => rt.properties.user.api()
      },
      CacheService: {
        getDocumentCache: () => rt.caches.document.api(),
        getScriptCache: () => rt.caches.script.api(),
        getUserCache: () => rt.caches.user.api()
      },
      LockService: { getDocumentLock: () => lock('document'), getScriptLock: () => lock('script'), getUserLock: () => lock('user') },
      UrlFetchApp: { fetch: (url, params) => rt._fetch(url, params || {}) },
      SpreadsheetApp: {
        getActiveSpreadsheet: () => rt.spreadsheet.api(mode),
        getActive: () => rt.spreadsheet.api(mode),
        getUi: () => rt.ui.api(mode),
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
        formatDate: (date, tz, pattern) => formatDate(date, tz, pattern),
        sleep: (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms))
      },
      Session: { getScriptTimeZone: () => rt.manifest.timeZone },
      ScriptApp: { AuthMode: Object.freeze({ NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', LIMITED: 'LIMITED', FULL: 'FULL' }) },
      Logger,
      console: { log: log('log'), info: log('info'), warn: log('warn'), error: log('error') }
    };
  }

  _fetch(url, params) {
    url = String(url);
    if (url.length > LIMITS.urlLength) throw exception('Limit Exceeded: URLFetch URL Length.');
    if (!/^https?:\/\//i.test(url)) throw exception('Invalid argument: ' + url);
    const method = String(params.method || 'get').toUpperCase();
    const headers = Object.assign({}, params.headers || {});
    let payload = params.payload == null ? null : params.payload;
    if (payload !== null && typeof payload === 'object') {
      payload = new URLSearchParams(payload).toString();
      headers['Content-Type'] = headers['Content-Type'] || 'application/x-www-form-urlencoded';
    }
    if (payload !== null && params.contentType) headers['Content-Type'] = params.contentType;
    headers['User-Agent'] = 'Mozilla/5.0 (compatible; Google-Apps-Script; beanserver; +https://script.google.com; id: local)';
    const started = Date.now();
    let reply;
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
    const record = { method, url, status: reply.status || 0, ms: Date.now() - started };
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
    this.files.forEach((f) => f.script.runInContext(context));
    return context;
  }

  _call(mode, functionName, args) {
    const context = this._context(mode);
    const fn = context[functionName];
    if (typeof fn !== 'function') throw exception('Script function not found: ' + functionName);
    const started = Date.now();
    this.executions.push({ mode, functionName });
    try {
      return fn.apply(null, args);
    } finally {
      this.executions[this.executions.length - 1].ms = Date.now() - started;
    }
  }

  /** The spreadsheet opens: the onOpen simple trigger (menus). */
  open() {
    this._call('LIMITED', 'onOpen', [{ authMode: 'LIMITED', source: this.spreadsheet.api('LIMITED') }]);
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
   * Evaluates one formula cell, e.g. '=ROI("618活动", "抖音")' or '=ROI(A2:A10)' (references read the
   * active sheet or 'Tab'!A1). Like Sheets: one execution per cell, the result checked (numbers,
   * strings, booleans, dates or 2-D arrays of them), a thrown error shown as "#ERROR!".
   */
  evaluate(formula, sheetName) {
    const { name, args } = parseFormula(formula);
    const values = args.map((a) => this._argument(a, sheetName));
    while (values.length && values[values.length - 1] === undefined) values.pop();
    let result;
    const started = Date.now();
    try {
      result = this._call('CUSTOM_FUNCTION', name, values);
    } catch (e) {
      return { error: '#ERROR!', message: String(e && e.message), stack: e && e.stack };
    }
    if (Date.now() - started > LIMITS.customFunctionMs) {
      return { error: '#ERROR!', message: 'Exceeded maximum execution time' };
    }
    return { value: checkResult(result) };
  }

  /** Recalculates many formula cells (Sheets would run them in parallel; here they run one by one). */
  recalculate(formulas, sheetName) {
    return formulas.map((f) => this.evaluate(f, sheetName));
  }

  _argument(text, sheetName) {
    if (text === '') return undefined;
    if (/^".*"$/s.test(text)) return text.slice(1, -1).replace(/""/g, '"');
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    if (/^(TRUE|FALSE)$/i.test(text)) return text.toUpperCase() === 'TRUE';
    const m = /^(?:'([^']+)'!|([^!'"]+)!)?(\$?[A-Za-z]+\$?\d+(?::\$?[A-Za-z]+\$?\d+)?)$/.exec(text);
    if (!m) throw new Error('unsupported argument: ' + text);
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

/** A custom function's result as Sheets accepts it, copied out of the execution's realm. */
function checkResult(value) {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const rows = value.map((row) => (Array.isArray(row) ? row : [row]).map(checkScalar));
    return rows;
  }
  return checkScalar(value);
}

function checkScalar(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    if (!isFinite(value)) return '#NUM!';
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > LIMITS.cellChars) throw new Error('a cell holds at most 50,000 characters');
    return value;
  }
  if (typeof value === 'boolean') return value;
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date(value.getTime());
  throw new Error('a custom function returned ' + Object.prototype.toString.call(value) + ', which Sheets cannot show');
}

function formatDate(date, timeZone, pattern) {
  const parts = {};
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(date.getTime())).forEach((p) => { parts[p.type] = p.value; });
  return String(pattern).replace(/yyyy|MM|dd|HH|mm|ss/g, (t) => ({ yyyy: parts.year, MM: parts.month, dd: parts.day, HH: parts.hour, mm: parts.minute, ss: parts.second }[t]));
}

module.exports = { Runtime, LIMITS, parseFormula, ADDON_DIR };
