'use strict';
// Node half of benchmarks/addon.py: recalculates the 200 custom-function cells of the add-on's tests
// (sheets/addon/test/cells.js) in the local Apps Script runtime against the API at ROI_API_URL, cold
// (empty cache), warm (cached) and after the cache time, and prints one JSON line of figures. The add-on
// talks only to https addresses: the API is reached through the tests' https front, as through a
// TLS-terminating proxy in production (the fetch times include that hop).

const path = require('node:path');
const { Runtime } = require(path.join(__dirname, '..', 'sheets', 'addon', 'test', 'appsscript_runtime.js'));
const { buildCells, loadExpected } = require(path.join(__dirname, '..', 'sheets', 'addon', 'test', 'cells.js'));
const { startHttpsFront } = require(path.join(__dirname, '..', 'sheets', 'addon', 'test', 'https_front.js'));

let now = Date.now();
const rt = new Runtime({ clock: () => now });
const formulas = buildCells(loadExpected(process.env.ROI_EXPECTED), 200).map((c) => c.formula);

function run(label) {
  const before = rt.fetchCount;
  const started = process.hrtime.bigint();
  const results = rt.recalculate(formulas);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const fetches = rt.fetches.slice(before);
  const errors = results.filter((r) => 'error' in r || (typeof r.value === 'string' && r.value.startsWith('#ROI'))).length;
  return { label, cells: formulas.length, calls: fetches.length, ms, fetch_ms: fetches.reduce((a, f) => a + f.ms, 0), errors };
}

(async () => {
  const front = await startHttpsFront(process.env.ROI_API_URL);
  rt.properties.document.api().setProperties({ ROI_SERVER_URL: front.url, ROI_TOKEN: process.env.ROI_TOKEN });
  try {
    const rows = [run('cold (empty cache)'), run('warm (cached)')];
    now += 301 * 1000;
    rows.push(run('after 5 min (expired)'));
    process.stdout.write(JSON.stringify(rows) + '\n');
  } finally {
    front.stop();
  }
})();
