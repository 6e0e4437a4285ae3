'use strict';
// The 200 formula cells of the recalculation test and of benchmarks/addon.py, built from the expected
// figures that tests/web/addon_cells.py writes (ROI_EXPECTED): every campaign's ROI / ROAS / CAC, each
// channel's ROI over all dates and over one month, a few ATTRIBUTED (one per model, Chinese names), then
// campaign × channel figures up to 200. Two periods in all: two snapshots.

const fs = require('node:fs');

const MODEL_NAMES = {
  first: '首次触点', last: '末次触点', last_non_direct: '末次非直接', linear: '线性',
  time_decay: '时间衰减', position: '位置', markov: '马尔可夫', shapley: '沙普利'
};

function quote(text) {
  return '"' + String(text).replace(/"/g, '""') + '"';
}

// how many arguments come before `refresh` in each custom function
const ARITY = { ROI: 3, ROAS: 3, CAC: 3, ROI_CHANNEL: 2, ATTRIBUTED: 3, ROI_ASK: 1 };

/** '=ROI("x")' → '=ROI("x",,, ROI_刷新)': the formula with `refresh` as its last argument. */
function withRefresh(formula, refresh) {
  const m = /^=([A-Z_]+)\((.*)\)$/s.exec(formula);
  const args = m[2] === '' ? [] : m[2].split(/,\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  while (args.length < ARITY[m[1]]) args.push('');
  return `=${m[1]}(${args.join(',')}, ${refresh})`;
}

/**
 * [{formula, expected}] where expected is a number, or null when the figure cannot be computed; with `refresh`
 * (e.g. 'ROI_刷新') every formula ends with it, as the sidebar writes them.
 */
function buildCells(expected, count, refresh) {
  count = count || 200;
  const cells = [];
  const fns = { roi: 'ROI', roas: 'ROAS', cac: 'CAC' };
  Object.entries(expected.campaigns).forEach(([name, figures]) => {
    Object.entries(fns).forEach(([key, fn]) => cells.push({ formula: `=${fn}(${quote(name)})`, expected: figures[key] }));
  });
  Object.entries(expected.channels).forEach(([channel, roi]) => {
    cells.push({ formula: `=ROI_CHANNEL(${quote(channel)})`, expected: roi });
  });
  Object.entries(expected.channels_month).forEach(([channel, roi]) => {
    cells.push({ formula: `=ROI_CHANNEL(${quote(channel)}, ${quote(expected.month)})`, expected: roi });
  });
  Object.entries(expected.attributed).forEach(([model, byChannel], i) => {
    const channels = Object.keys(byChannel);
    const channel = channels[i % channels.length];
    cells.push({ formula: `=ATTRIBUTED(${quote(channel)}, ${quote(MODEL_NAMES[model] || model)})`, expected: byChannel[channel] });
  });
  const pairs = Object.entries(expected.pairs);
  for (let round = 0; cells.length < count && round < 3; round++) {
    const key = Object.keys(fns)[round];
    for (const [pair, figures] of pairs) {
      if (cells.length >= count) break;
      const [name, channel] = pair.split('|');
      cells.push({ formula: `=${fns[key]}(${quote(name)}, ${quote(channel)})`, expected: figures[key] });
    }
  }
  return cells.slice(0, count).map((c) => (refresh ? { formula: withRefresh(c.formula, refresh), expected: c.expected } : c));
}

function loadExpected(file) {
  return JSON.parse(fs.readFileSync(file || process.env.ROI_EXPECTED, 'utf8'));
}

module.exports = { buildCells, loadExpected, MODEL_NAMES, quote, withRefresh };
