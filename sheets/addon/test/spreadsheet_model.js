'use strict';
// The in-memory spreadsheet, HtmlService outputs and the editor's Ui of the local Apps Script runtime.

const { exception } = require('./limits.js');

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

function a1Of(row, col, rows, cols) {
  const letters = (c) => { let t = ''; for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) t = String.fromCharCode(65 + ((n - 1) % 26)) + t; return t; };
  const first = letters(col) + (row + 1);
  return rows === 1 && cols === 1 ? first : first + ':' + letters(col + cols - 1) + (row + rows);
}

class Sheet {
  constructor(book, name, values) {
    this.book = book;
    this.name = name;
    this.cells = (values || []).map((row) => row.slice());
    this.hidden = false;
    this.protection = null;  // {description, warningOnly}
    this.writes = [];        // every A1 range written (tests check people's cells are never written)
  }
  get(r, c) { const row = this.cells[r]; const v = row ? row[c] : undefined; return v === undefined || v === null ? '' : v; }
  set(r, c, v) { while (this.cells.length <= r) this.cells.push([]); this.cells[r][c] = v; }
  values(a1) {
    const { row, col, rows, cols } = parseA1(a1);
    const out = [];
    for (let r = 0; r < rows; r++) { const line = []; for (let c = 0; c < cols; c++) line.push(this.get(row + r, col + c)); out.push(line); }
    return out;
  }
  range(a1, mode) {
    const sheet = this;
    const book = this.book;
    const writable = (name) => {
      // Google: custom functions are read-only ("can use most get*() methods, but not set*()")
      if (mode === 'CUSTOM_FUNCTION') throw exception('You do not have permission to call ' + name);
      sheet.writes.push(a1);
    };
    const p = parseA1(a1);
    const self = {
      getA1Notation() { return a1; },
      getSheet() { return sheet.api(mode); },
      getRow() { return p.row + 1; },
      getColumn() { return p.col + 1; },
      getNumRows() { return p.rows; },
      getNumColumns() { return p.cols; },
      getValues() { return sheet.values(a1); },
      getValue() { return sheet.values(a1)[0][0]; },
      getFormula() { const v = sheet.get(p.row, p.col); return typeof v === 'string' && v.startsWith('=') ? v : ''; },
      setValue(v) { writable('setValue'); sheet.set(p.row, p.col, v); return self; },
      setFormula(f) { writable('setFormula'); sheet.set(p.row, p.col, String(f)); return self; },
      setValues(vs) {
        writable('setValues');
        if (vs.length !== p.rows || vs.some((r) => r.length !== p.cols)) {
          throw exception(`The number of rows in the data does not match the number of rows in the range. The data has ${vs.length} but the range has ${p.rows}.`);
        }
        vs.forEach((row, r) => row.forEach((v, c) => sheet.set(p.row + r, p.col + c, v))); return self;
      },
      setNumberFormat() { writable('setNumberFormat'); return self; },
      setNumberFormats() { writable('setNumberFormats'); return self; },
      setFontWeight() { writable('setFontWeight'); return self; },
      setNote() { writable('setNote'); return self; },
      activate() { book.active = sheet; book.activeA1 = a1; return self; }
    };
    return self;
  }
  api(mode) {
    const sheet = this;
    const book = this.book;
    const refuse = (name) => { if (mode === 'CUSTOM_FUNCTION') throw exception('You do not have permission to call ' + name); };
    return {
      getName() { return sheet.name; },
      getSheetName() { return sheet.name; },
      activate() { book.active = sheet; book.ui.activated.push(sheet.name); return this; },
      getRange(a, b, c, d) {
        if (typeof a === 'number') return sheet.range(a1Of(a - 1, b - 1, c || 1, d || 1), mode);
        return sheet.range(String(a), mode);
      },
      getLastRow() { let n = sheet.cells.length; while (n > 0 && sheet.cells[n - 1].every((v) => v === '' || v == null)) n--; return n; },
      getLastColumn() { return Math.max(0, ...sheet.cells.map((r) => r.length)); },
      getDataRange() {
        const cols = Math.max(1, ...sheet.cells.map((r) => r.length));
        return sheet.range(a1Of(0, 0, Math.max(1, sheet.cells.length), cols), mode);
      },
      clearContents() { refuse('clearContents'); sheet.writes.push('*'); sheet.cells = []; return this; },
      hideSheet() { refuse('hideSheet'); sheet.hidden = true; return this; },
      isSheetHidden() { return sheet.hidden; },
      setFrozenRows() { refuse('setFrozenRows'); return this; },
      protect() {
        refuse('protect');
        const prot = sheet.protection || { description: '', warningOnly: false };
        sheet.protection = prot;
        const api = {
          setDescription(t) { prot.description = String(t); return api; },
          getDescription() { return prot.description; },
          setWarningOnly(w) { prot.warningOnly = !!w; return api; },
          isWarningOnly() { return prot.warningOnly; }
        };
        return api;
      },
      getProtections() { return sheet.protection ? [{ getDescription: () => sheet.protection.description }] : []; }
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
    this.activeA1 = 'A1';
    this.namedRanges = new Map();  // name → {sheet, a1}
  }
  sheet(name) { return this.sheets.find((s) => s.name === name) || null; }
  /** The values a named range holds, or undefined when there is no such name. */
  named(name) {
    const n = this.namedRanges.get(name);
    if (!n) return undefined;
    const values = n.sheet.values(n.a1);
    return values.length === 1 && values[0].length === 1 ? values[0][0] : values;
  }
  api(mode) {
    const book = this;
    const ui = this.ui;
    const refuse = (name) => { if (mode === 'CUSTOM_FUNCTION') throw exception('You do not have permission to call ' + name); };
    return {
      getId() { return book.id; },
      getName() { return book.name; },
      getSpreadsheetTimeZone() { return book.timeZone; },
      getSheets() { return book.sheets.map((s) => s.api(mode)); },
      getSheetByName(name) { const s = book.sheet(name); return s ? s.api(mode) : null; },
      getActiveSheet() { return book.active.api(mode); },
      getActiveRange() { return book.active.range(book.activeA1, mode); },
      getCurrentCell() { return book.active.range(book.activeA1.split(':')[0], mode); },
      getRangeByName(name) { const n = book.namedRanges.get(name); return n ? n.sheet.range(n.a1, mode) : null; },
      setNamedRange(name, range) {
        refuse('setNamedRange');
        const sheet = book.sheet(range.getSheet().getName());
        book.namedRanges.set(String(name), { sheet, a1: range.getA1Notation() });
      },
      insertSheet(name) {
        refuse('insertSheet');
        if (book.sheet(name)) throw exception(`A sheet with the name "${name}" already exists. Please enter another name.`);
        const s = new Sheet(book, name, []); book.sheets.push(s); return s.api(mode);
      },
      toast(message, title, seconds) {
        refuse('toast');
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
  /** `addonName`: the add-on's name in the store (or the bound script's name), which titles createAddonMenu's sub-menu. */
  constructor(addonName) {
    this.addonName = addonName || 'ROI 助手';
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
      // Google: createAddonMenu "Creates a builder that can be used to insert a sub-menu into the editor's Extensions
      // menu ... the sub-menu name matches the add-on's name in the web store"
      createAddonMenu() { return this.createMenu(record.addonName, true); },
      createMenu(caption, addon) {
        const menu = { caption: String(caption), items: [], addon: addon === true };
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

module.exports = { Sheet, Spreadsheet, UiRecord, htmlOutput, parseA1, columnIndex, a1Of };
