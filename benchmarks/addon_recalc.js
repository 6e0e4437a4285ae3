'use strict';
// Node half of benchmarks/addon.py: recalculates the 200 custom-function cells of the add-on's tests
// (sheets/addon/test/cells.js, each ending with ROI_刷新 as the sidebar writes them) in the local Apps Script
// runtime against the API at ROI_API_URL, and one =ROI(A2:A401) cell, and prints one JSON line of figures per
// step: a new ROI_刷新 (empty cache), the same arguments again (Sheets runs nothing), after 刷新数据, the
// 400-row range cold and warm. The add-on talks only to https addresses: the API is reached through the tests'
// https front, as through a TLS-terminating proxy in production (the fetch times include that hop).

const path = require('node:path');
const { Runtime } = require(path.join(__dirname, '..', 'sheets', 'addon', 'test', 'appsscript_runtime.js'));
const { buildCells, loadExpected } = require(path.join(__dirname, '..', 'sheets', 'addon', 'test', 'cells.js'));
const { startHttpsFront } = require(path.join(__dirname, '..', 'sheets', 'addon', 'test', 'https_front.js'));

const expected = loadExpected(process.env.ROI_EXPECTED);
const names = Object.keys(expected.campaigns);
const column = Array.from({ length: 400 }, (_, i) => [names[i % names.length]]);
const rt = new Runtime({ sheets: { '活动': [['活动名称']].concat(column) } });
const formulas = buildCells(expected, 200, 'ROI_刷新').map((c) => c.formula);

function run(label, cells, sheet) {
  const before = rt.fetchCount;
  const cacheBefore = rt.caches.document.calls.length;
  const executions = rt.executions.length;
  const started = process.hrtime.bigint();
  const results = rt.recalculate(cells, sheet);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const fetches = rt.fetches.slice(before);
  const values = results.flatMap((r) => ('error' in r ? [r.error] : Array.isArray(r.value) ? r.value.map((row) => row[0]) : [r.value]));
  const errors = values.filter((v) => v === '#ERROR!' || (typeof v === 'string' && v.startsWith('#ROI'))).length;
  return { label, cells: values.length, calls: fetches.length, cache_calls: rt.caches.document.calls.length - cacheBefore,
    executions: rt.executions.length - executions, ms, fetch_ms: fetches.reduce((a, f) => a + f.ms, 0), errors };
}

(async () => {
  const front = await startHttpsFront(process.env.ROI_API_URL);
  rt.properties.document.api().setProperties({ ROI_SERVER_URL: front.url, ROI_TOKEN: process.env.ROI_TOKEN });
  try {
    rt.scriptRun('refreshData');
    const rows = [run('new ROI_刷新 (cold)', formulas), run('same arguments', formulas)];
    rt.scriptRun('refreshData');
    rows.push(run('after 刷新数据', formulas));
    rt.scriptRun('refreshData');
    rows.push(run('=ROI(A2:A401) cold', ['=ROI(A2:A401,,, ROI_刷新)'], '活动'));
    // typed again (the same ROI_刷新): Sheets runs it, the figures come from the cache
    const cacheBefore = rt.caches.document.calls.length;
    const fetchesBefore = rt.fetchCount;
    const started = process.hrtime.bigint();
    const again = rt.evaluate('=ROI(A2:A401,,, ROI_刷新)', '活动');
    rows.push({ label: '=ROI(A2:A401) typed again', cells: again.value ? again.value.length : 0, calls: rt.fetchCount - fetchesBefore,
      cache_calls: rt.caches.document.calls.length - cacheBefore, executions: 1, ms: Number(process.hrtime.bigint() - started) / 1e6,
      fetch_ms: 0, errors: again.value ? again.value.filter((row) => typeof row[0] !== 'number').length : 1 });
    process.stdout.write(JSON.stringify(rows) + '\n');
  } finally {
    front.stop();
  }
})();
