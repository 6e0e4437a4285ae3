'use strict';
// Formula cells of the local Apps Script runtime: just enough of Sheets' syntax to call custom functions, the
// arguments Google refuses, and the results Sheets accepts.

const { LIMITS } = require('./limits.js');

function splitArgs(text) {
  const args = []; let cur = ''; let quoted = false; let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') { if (quoted && text[i + 1] === '"') { cur += '""'; i++; continue; } quoted = !quoted; cur += ch; continue; }
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (ch === ',' && !quoted && depth === 0) { args.push(cur); cur = ''; continue; }
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

// Google: "built-in spreadsheet functions that return a different result each time they calculate --- such as
// NOW() or RAND() --- are not allowed as arguments to a custom function"
const VOLATILE = /^(NOW|TODAY|RAND|RANDBETWEEN|RANDARRAY)\s*\(/i;

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

module.exports = { splitArgs, parseFormula, VOLATILE, checkResult, checkScalar, formatDate };
