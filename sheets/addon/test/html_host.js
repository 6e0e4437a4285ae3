'use strict';
// The add-on's HTML pages (Sidebar, Settings, Import) served to a real browser, with google.script.run answered
// by the stand-in: tests/web/test_addon_browser.py starts `node sheets/addon/test/html_host.js`, reads
// "READY <port>" and drives headless Chromium against http://127.0.0.1:<port>/page/Sidebar.
//
// GET  /page/<Name>   the add-on's <Name>.html with a google.script.run shim put first in <head>
// POST /run           {name, args} → rt.scriptRun(name, ...args): {ok: true, result} or {ok: false, error}
// POST /select        {a1, sheet} the selected cell (for 插入公式)
// GET  /state         the spreadsheet's tabs, the named ranges, the requests made (never the token)
//
// The server behind UrlFetchApp is scripted (scripted.js): the sidebar's chat, 插入报表, 连接设置 and 导入报表
// make no network request.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { scriptedRuntime } = require('./scripted.js');
const { ADDON_DIR } = require('./appsscript_runtime.js');

// google.script.run as the page sees it: chains of withSuccessHandler / withFailureHandler / withUserObject,
// then the server function's name; the call is asynchronous, its arguments and result travel as JSON.
const SHIM = `<script>
(function () {
  function runner(h) {
    return new Proxy({}, { get: function (_, name) {
      if (name === 'withSuccessHandler') return function (f) { return runner(Object.assign({}, h, { ok: f })); };
      if (name === 'withFailureHandler') return function (f) { return runner(Object.assign({}, h, { fail: f })); };
      if (name === 'withUserObject') return function (o) { return runner(Object.assign({}, h, { user: o })); };
      return function () {
        var args = Array.prototype.slice.call(arguments);
        window.__roiCalls = (window.__roiCalls || 0) + 1;
        fetch('/run', { method: 'POST', body: JSON.stringify({ name: name, args: args }) })
          .then(function (r) { return r.json(); })
          .then(function (r) {
            if (r.ok) { if (h.ok) h.ok(r.result, h.user); } else if (h.fail) { h.fail(new Error(r.error), h.user); }
          });
      };
    } });
  }
  window.google = { script: { run: runner({}), host: { close: function () { window.__roiClosed = true; } } } };
})();
</script>`;

function page(name) {
  const file = path.join(ADDON_DIR, name + '.html');
  if (!/^[A-Za-z]+$/.test(name) || !fs.existsSync(file)) return null;
  return fs.readFileSync(file, 'utf8').replace('<head>', '<head>' + SHIM);
}

function body(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}));
  });
}

function start() {
  const { rt } = scriptedRuntime({ connected: false, sheets: { '活动': [['活动名称', '渠道'], ['618活动', '抖音'], ['双11大促', '微信']] } });
  // the chat page link: refused, so the sidebar shows its own chat form (no https page to frame here)
  rt.script('POST', '/api/v1/session', { status: 503, body: { ok: false, error: '对话页面暂时打不开' } });
  rt.script('POST', '/api/v1/ask', (req) => ({ body: { ok: true, text: '618活动 ROI 110.35%',
    html: '<div class="roi-answer"><b>' + JSON.parse(req.payload).q.replace(/[<&]/g, '') + '</b> ROI 110.35%<button class="roi-btn" data-q="618活动 渠道">看渠道</button><img src="x" onerror="window.__roiXss=1"></div>' } }));
  rt.script('POST', '/api/v1/import', (req) => {
    const files = JSON.parse(req.payload).files;
    return { body: { ok: true, files: files.map((f) => ({ file: f.name, platform: '巨量引擎', report: '计划日报', rows_read: 3, rows_imported: 2, rows_skipped: 0, duplicates: 1 })),
      totals: { rows_read: 3 * files.length, rows_imported: 2 * files.length, rows_skipped: 0, duplicates: files.length } } };
  });
  const server = http.createServer(async (req, res) => {
    const send = (status, type, text) => { res.writeHead(status, { 'Content-Type': type + '; charset=utf-8' }); res.end(text); };
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      const m = /^\/page\/([A-Za-z]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const html = page(m[1]);
        return html === null ? send(404, 'text/plain', 'no page') : send(200, 'text/html', html);
      }
      if (req.method === 'POST' && url.pathname === '/run') {
        const { name, args } = await body(req);
        try {
          return send(200, 'application/json', JSON.stringify({ ok: true, result: rt.scriptRun(name, ...(args || [])) }));
        } catch (e) {
          return send(200, 'application/json', JSON.stringify({ ok: false, error: String(e && e.message || e) }));
        }
      }
      if (req.method === 'POST' && url.pathname === '/select') {
        const { a1, sheet } = await body(req);
        rt.spreadsheet.active = rt.spreadsheet.sheet(sheet || '活动');
        rt.spreadsheet.activeA1 = a1;
        return send(200, 'application/json', '{"ok": true}');
      }
      if (req.method === 'GET' && url.pathname === '/state') {
        const tabs = Object.fromEntries(rt.spreadsheet.sheets.map((s) => [s.name, { cells: s.cells, writes: s.writes, hidden: s.hidden }]));
        return send(200, 'application/json', JSON.stringify({
          tabs, named: Object.fromEntries(Array.from(rt.spreadsheet.namedRanges.keys(), (k) => [k, rt.spreadsheet.named(k)])),
          requests: rt.requests.map((r) => ({ method: r.method, url: r.url, payload: r.payload })),
          fetches: rt.fetches.map((f) => f.method + ' ' + f.url), url: rt.properties.document.values.get('ROI_SERVER_URL') || null,
          triggers: rt.triggers.map((t) => t.handler)
        }));
      }
      return send(404, 'text/plain', 'not found');
    } catch (e) {
      return send(500, 'text/plain', String(e && e.stack || e));
    }
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write('READY ' + server.address().port + '\n'));
}

// `node --test sheets/addon/test/` runs every .js file here as a test (NODE_TEST_CONTEXT is set then): only a
// direct `node html_host.js` starts the server
if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  start();
}
