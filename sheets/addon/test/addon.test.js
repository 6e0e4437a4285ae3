'use strict';
// The add-on's .gs code against the real API on 127.0.0.1, through the local Apps Script runtime.
// Run by tests/web/test_addon_node.py, which starts the API and sets ROI_API_URL, ROI_TOKEN and
// ROI_EXPECTED (the figures `python -m bot ask --json` gives for the same workbook). The add-on talks
// only to https addresses: the tests reach the API through an https front (https_front.js), as the
// add-on reaches it through a TLS-terminating proxy in production.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const { Runtime } = require('./appsscript_runtime.js');
const { buildCells, loadExpected, quote } = require('./cells.js');
const { startHttpsFront, getPage } = require('./https_front.js');

const UPSTREAM = process.env.ROI_API_URL;  // the API's own http address on loopback
const TOKEN = process.env.ROI_TOKEN;
const EXPECTED = process.env.ROI_EXPECTED;
const needsApi = !UPSTREAM || !TOKEN ? 'ROI_API_URL / ROI_TOKEN not set: run through tests/web/test_addon_node.py' : false;
let API;  // the https front's address: what a sheet saves in 连接设置
let front;

test.before(async () => {
  if (needsApi) return;
  front = await startHttpsFront(UPSTREAM);
  API = front.url;
});
test.after(() => front && front.stop());
const needsExpected = needsApi || (!EXPECTED ? 'ROI_EXPECTED not set: run through tests/web/test_addon_node.py' : false);

// 500 characters, the server's limit (web/api.py MAX_QUESTION): a campaign and a long tail the parser reads past
const LONG_QUESTION = '618活动 ' + '请'.repeat(494);

const SHEETS = () => ({
  '活动': [['活动名称', '渠道'], ['618活动', '抖音'], ['双11大促', '微信'], ['', ''], ['不存在的活动', '抖音']],
  '数据校验': []
});

/** A runtime whose sheet is connected, as after 连接设置 (document properties). */
function connected(options) {
  const rt = new Runtime(Object.assign({ sheets: SHEETS() }, options || {}));
  rt.properties.document.api().setProperties({ ROI_SERVER_URL: API, ROI_TOKEN: TOKEN });
  return rt;
}

function close(actual, expected, what) {
  assert.equal(typeof actual, 'number', `${what}: expected a number, got ${JSON.stringify(actual)}`);
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≠ ${expected}`);
}

/** A row of a range's results that failed: "#ROI: " and one plain Chinese line. */
function assertReadableError(value, includes) {
  assert.equal(typeof value, 'string', JSON.stringify(value));
  assert.ok(value.startsWith('#ROI: '), value);
  assertPlain(value, includes);
}

/** A single cell that failed: Sheets' #ERROR! with our line as its message (the cell's note). */
function assertThrown(result, includes) {
  assert.equal(result.error, '#ERROR!', JSON.stringify(result));
  assertPlain(result.message, includes);
}

function assertPlain(text, includes) {
  assert.ok(!/\n|\bat \w+.*\(|\.gs:\d|Error:|undefined/.test(text), `not a plain line: ${text}`);
  if (includes) assert.ok(text.includes(includes), `${text} should include ${includes}`);
}

test('200 custom-function cells recalculated: at most 3 UrlFetch calls, figures equal python -m bot ask', { skip: needsExpected }, () => {
  let now = Date.now();
  const rt = connected({ clock: () => now });
  rt.scriptRun('refreshData');  // the named range ROI_刷新 the sidebar's formulas end with
  const cells = buildCells(loadExpected(EXPECTED), 200, 'ROI_刷新');
  assert.equal(cells.length, 200);
  assert.ok(cells.some((c) => c.formula.startsWith('=ATTRIBUTED(')));

  const results = rt.recalculate(cells.map((c) => c.formula));
  assert.ok(rt.fetchCount <= 3, `${rt.fetchCount} UrlFetch calls: ${JSON.stringify(rt.fetches)}`);
  assert.equal(rt.fetchCount, 2, 'one snapshot for all dates, one for the month');
  assert.deepEqual(rt.fetches.map((f) => f.method + ' ' + f.url.replace(API, '')).sort(),
    ['GET /api/v1/snapshot', 'GET /api/v1/snapshot?period=2026-10']);
  // one execution per cell, as Sheets runs custom functions: the cache, not a global, carried the figures
  assert.equal(rt.executions.filter((e) => e.mode === 'CUSTOM_FUNCTION').length, 200);

  cells.forEach((cell, i) => {
    const result = results[i];
    assert.ok(!('error' in result), `${cell.formula}: ${JSON.stringify(result)}`);
    if (cell.expected === null) {
      assert.ok(!('value' in result), cell.formula);
      assertThrown(result, '无法计算');
    } else {
      assert.ok(!('error' in result), `${cell.formula}: ${JSON.stringify(result)}`);
      close(result.value, cell.expected, cell.formula);
    }
  });

  // recalculated with the same arguments: Sheets does not run them (no execution, no request)
  const executions = rt.executions.length;
  rt.recalculate(cells.map((c) => c.formula));
  assert.equal(rt.fetchCount, 2);
  assert.equal(rt.executions.length, executions);
  // after the cache time nothing changes by itself; 刷新数据 runs every cell again: one request per period
  now += 301 * 1000;
  rt.recalculate(cells.map((c) => c.formula));
  assert.equal(rt.fetchCount, 2);
  rt.scriptRun('refreshData');
  rt.recalculate(cells.map((c) => c.formula));
  assert.equal(rt.fetchCount, 4);
  // Google may drop cache entries at any time: the cells still come back right
  rt.caches.document.evictAll();
  rt.scriptRun('refreshData');
  const again = rt.recalculate(cells.slice(0, 3).map((c) => c.formula));
  close(again[0].value, cells[0].expected, cells[0].formula);
  assert.equal(rt.fetchCount, 5);
});

test('campaign names match like the bot: exact, aliases, width/case/spaces, festival numerals', { skip: needsExpected }, () => {
  const expected = loadExpected(EXPECTED);
  const roi618 = expected.campaigns['618活动'].roi;
  const rt = connected();
  for (const typed of ['618活动', '618', '６１８活动', ' 618活动 ', '六一八活动']) {
    close(rt.evaluate(`=ROI(${quote(typed)})`).value, roi618, typed);
  }
  close(rt.evaluate('=ROI("双十一大促")').value, expected.campaigns['双11大促'].roi, '双十一大促');
  close(rt.evaluate('=CAC("618活动", "抖音")').value, expected.pairs['618活动|抖音'].cac, '618 抖音');
  close(rt.evaluate('=ROI_CHANNEL("抖音")').value, expected.channels['抖音'], '抖音');
  assert.equal(rt.fetchCount, 1);
});

test('an error is thrown as one readable line (#ERROR! with our message), never a stack trace', { skip: needsApi }, () => {
  const rt = connected();
  const cases = [
    ['=ROI("不存在的活动")', '没有找到活动「不存在的活动」'],
    ['=ROI("会员日")', '对应多个活动'],
    ['=ROI("618活动", "B站")', '活动「618活动」在「B站」渠道没有数据'],
    ['=ROI_CHANNEL("电视")', '没有找到渠道「电视」'],
    ['=ATTRIBUTED("抖音", "神秘模型")', '不认识的归因模型「神秘模型」'],
    ['=ROI("")', '第一个参数是空的'],
    ['=ROI()', '第一个参数是空的'],
    ['=ROI("618活动", "", "2099-01")', null]
  ];
  for (const [formula, includes] of cases) {
    assertThrown(rt.evaluate(formula), includes);
  }
});

test('a range gives a column of results; empty cells stay empty', { skip: needsExpected }, () => {
  const expected = loadExpected(EXPECTED);
  const rt = connected();
  const result = rt.evaluate('=ROI(A2:A5)', '活动');
  assert.equal(result.value.length, 4);
  close(result.value[0][0], expected.campaigns['618活动'].roi, 'A2');
  close(result.value[1][0], expected.campaigns['双11大促'].roi, 'A3');
  assert.equal(result.value[2][0], '');
  assertReadableError(result.value[3][0], '没有找到活动「不存在的活动」');
  // two ranges side by side: campaign and channel, row by row
  const pairs = rt.evaluate('=ROAS(A2:A3, B2:B3)', '活动');
  close(pairs.value[0][0], expected.pairs['618活动|抖音'].roas, '618 抖音');
  close(pairs.value[1][0], expected.pairs['双11大促|微信'].roas, '双11 微信');
  assert.equal(rt.fetchCount, 1);
});

test('=ROI_ASK returns the answer as text', { skip: needsApi }, () => {
  const rt = connected();
  const text = rt.evaluate('=ROI_ASK("618活动")').value;
  assert.equal(typeof text, 'string');
  assert.ok(text.includes('618活动') && text.includes('ROI'), text);
  assert.ok(!text.startsWith('#ROI'), text);
  rt.evaluate('=ROI_ASK("618活动")');
  assert.equal(rt.fetchCount, 1, 'the same question within 5 minutes is answered from the cache');
});

test('the longest question that works: 500 characters, answered by the server and cached; 501 refused by it', { skip: needsApi }, () => {
  const rt = connected();
  const question = LONG_QUESTION;
  assert.equal(question.length, 500);
  const answer = rt.evaluate(`=ROI_ASK(${quote(question)})`);
  assert.ok(!('error' in answer), JSON.stringify(answer));
  assert.ok(answer.value.includes('618活动'), answer.value.slice(0, 200));
  rt.evaluate(`=ROI_ASK(${quote(question)})`);
  assert.equal(rt.fetchCount, 1, 'typed again: from the cache (its key is a 71-character hash)');
  assertThrown(rt.evaluate(`=ROI_ASK(${quote(question + '？')})`), '问题太长（最多 500 个字）');
  assert.equal(rt.fetchCount, 2);
});

test('not connected yet: the cells say where to connect, no request', () => {
  const rt = new Runtime({ sheets: SHEETS() });
  assertThrown(rt.evaluate('=ROI("618活动")'), '连接设置');
  assert.equal(rt.fetchCount, 0);
});

test('a wrong token: 200 cells make one request and say 未授权', { skip: needsApi }, () => {
  const rt = new Runtime({ sheets: SHEETS() });
  rt.properties.document.api().setProperties({ ROI_SERVER_URL: API, ROI_TOKEN: 'roi_wrong-token' });
  const results = rt.recalculate(Array.from({ length: 200 }, (_, i) => (i % 2 ? '=ROI("618活动")' : '=CAC("双11大促")')));
  results.forEach((r) => assertThrown(r, '未授权'));
  assert.equal(rt.fetchCount, 1, 'the failure is remembered for a few seconds');
});

test('the server cannot be reached: one clear line naming the host', { skip: needsApi }, async () => {
  const port = await new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => { const p = server.address().port; server.close(() => resolve(p)); });
  });
  const rt = new Runtime({ sheets: SHEETS() });
  rt.properties.document.api().setProperties({ ROI_SERVER_URL: `https://127.0.0.1:${port}`, ROI_TOKEN: TOKEN });
  assertThrown(rt.evaluate('=ROI("618活动")'), `连不上 ROI 助手服务器（127.0.0.1:${port}）`);
});

test('menu 「ROI 助手」: each item calls its endpoint', { skip: needsApi }, () => {
  const rt = connected();
  const menus = rt.open();
  assert.deepEqual(menus.map((m) => m.caption), ['ROI 助手']);
  assert.equal(menus[0].addon, true, 'createAddonMenu: under Extensions');
  assert.deepEqual(menus[0].items.filter((i) => !i.separator).map((i) => i.caption),
    ['打开助手', '插入报表', '刷新数据', '检查数据', '生成上月月报', '导入报表', '连接设置']);

  // 检查数据: POST /api/v1/check, then the 数据校验 tab is shown and the count is said
  const check = rt.clickMenu('ROI 助手', '检查数据');
  assert.deepEqual(rt.fetches.map((f) => f.method + ' ' + f.url.replace(API, '')), ['POST /api/v1/check']);
  assert.equal(rt.fetches[0].status, 200);
  assert.ok(check.ok && check.count >= 0);
  assert.equal(rt.ui.activated[rt.ui.activated.length - 1], '数据校验');
  const toast = rt.ui.toasts[rt.ui.toasts.length - 1].message;
  assert.ok(check.count === 0 ? toast.includes('没有问题') : toast.includes(`发现 ${check.count} 个问题`), toast);

  // 生成上月月报: POST /api/v1/monthly; the alert says what the server did (sent / already sent / written)
  const phrases = { sent: '已生成并发送', already_sent: '之前已经发送过', written: '已写入表格' };
  for (let i = 0; i < 2; i++) {
    const report = rt.clickMenu('ROI 助手', '生成上月月报');
    assert.equal(rt.fetches[rt.fetches.length - 1].url, API + '/api/v1/monthly');
    assert.equal(rt.fetches[rt.fetches.length - 1].method, 'POST');
    assert.ok(report.ok && /^\d{4}-\d{2}$/.test(report.month), JSON.stringify(report));
    const alert = rt.ui.alerts[rt.ui.alerts.length - 1].message;
    assert.ok(alert.startsWith(report.month) && alert.includes(phrases[report.status]), alert);
  }

  // 打开助手: the sidebar, whose page asks openSession() for the chat page
  rt.clickMenu('ROI 助手', '打开助手');
  assert.equal(rt.ui.sidebars.length, 1);
  assert.equal(rt.ui.sidebars[0].getTitle(), 'ROI 助手');
  assert.ok(rt.ui.sidebars[0].getContent().includes('.openSession()'));

  // 连接设置: the dialog
  rt.clickMenu('ROI 助手', '连接设置');
  assert.equal(rt.ui.dialogs[0].title, 'ROI 助手 · 连接设置');
});

test('sidebar: the signed chat page, or the built-in chat over /api/v1/ask with the answer buttons', { skip: needsApi }, async () => {
  const rt = connected();
  const session = rt.scriptRun('openSession');
  assert.ok(session.ok, JSON.stringify(session));
  assert.ok(session.url.startsWith(API + '/app?s='), session.url);
  const page = await getPage(session.url, front.cert);
  assert.equal(page.status, 200, 'the iframe page opens with the signed link');
  assert.ok(page.text.includes('ROI'), 'the chat page');

  const answer = rt.scriptRun('askQuestion', '618活动');
  assert.ok(answer.ok, JSON.stringify(answer));
  assert.ok(answer.html.includes('roi-answer') && answer.html.includes('618活动'));
  assert.ok(answer.text.includes('618活动'));
  const dataQ = /data-q="([^"]+)"/.exec(answer.html);
  assert.ok(dataQ, 'the answer carries buttons');
  const value = dataQ[1].replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const pressed = rt.scriptRun('askButton', value);
  assert.ok(pressed.ok && pressed.html.includes('roi-answer'), JSON.stringify(pressed).slice(0, 300));
  assert.deepEqual(rt.fetches.map((f) => f.method + ' ' + f.url.replace(API, '').split('?')[0]),
    ['POST /api/v1/session', 'POST /api/v1/ask', 'POST /api/v1/ask']);

  const empty = rt.scriptRun('askQuestion', '   ');
  assert.equal(empty.ok, false);
  assert.ok(empty.error.includes('请输入问题'));
  // private helpers are not reachable from the page
  assert.throws(() => rt.scriptRun('roiRequest_', 'get', '/api/v1/snapshot'), /Script function not found/);
});

test('连接设置: checked against the server, kept in document properties, the token never shown or logged', { skip: needsApi }, () => {
  const rt = new Runtime({ sheets: SHEETS() });
  const bad = rt.scriptRun('saveConnectionSettings', { url: API, token: 'roi_not-this-sheets-token' });
  assert.equal(bad.ok, false);
  assert.ok(bad.message.startsWith('没有保存：') && bad.message.includes('未授权'), bad.message);
  assert.deepEqual(rt.properties.document.api().getProperties(), {});
  const badUrl = rt.scriptRun('saveConnectionSettings', { url: 'roi.example.com', token: TOKEN });
  assert.equal(badUrl.ok, false);
  assert.ok(badUrl.message.includes('https://'));

  const good = rt.scriptRun('saveConnectionSettings', { url: API + '/', token: '  ' + TOKEN + '  ' });
  assert.ok(good.ok, good.message);
  assert.ok(good.message.includes('个活动'), good.message);
  assert.deepEqual(rt.properties.document.api().getProperties(), { ROI_SERVER_URL: API, ROI_TOKEN: TOKEN });
  assert.deepEqual(rt.properties.script.api().getProperties(), {});
  assert.deepEqual(rt.properties.user.api().getProperties(), {});
  assert.deepEqual(rt.scriptRun('getConnectionSettings'), { url: API, hasToken: true });
  // saving again with an empty token keeps the saved one
  assert.ok(rt.scriptRun('saveConnectionSettings', { url: API, token: '' }).ok);

  const fetchesAfterSave = rt.fetchCount;
  rt.recalculate(['=ROI("618活动",,, ROI_刷新)', '=ROAS("618活动",,, ROI_刷新)']);
  assert.equal(rt.fetchCount, fetchesAfterSave, 'the check filled the cache: the first cells make no request');

  // everything a user or an operator can see: no token anywhere
  rt.open();
  rt.clickMenu('ROI 助手', '检查数据');
  rt.evaluate('=ROI("不存在的活动")');
  rt.scriptRun('askQuestion', '618活动');
  const seen = JSON.stringify({
    logs: rt.logs, fetches: rt.fetches, alerts: rt.ui.alerts, toasts: rt.ui.toasts,
    cache: Array.from(rt.caches.document.entries.entries()), settings: rt.scriptRun('getConnectionSettings'),
    pages: rt.ui.sidebars.concat(rt.ui.dialogs).map((p) => p.getContent())
  });
  assert.ok(!seen.includes(TOKEN), 'the token leaked');
  assert.ok(!seen.includes(TOKEN.slice(4, 16)), 'part of the token leaked');
});

test('导入报表 against the real POST /api/v1/import: the counts come back per file (a dry run: nothing written)',
  { skip: needsApi || (!process.env.ROI_IMPORT_FIXTURE ? 'ROI_IMPORT_FIXTURE not set: run through tests/web/test_addon_node.py' : false) }, () => {
    const rt = connected();
    const content = fs.readFileSync(process.env.ROI_IMPORT_FIXTURE).toString('base64');
    const result = rt.scriptRun('importReports', { files: [{ name: '千川.csv', content_base64: content }], dry_run: true });
    assert.ok(result.ok, JSON.stringify(result));
    const f = result.files[0];
    assert.equal(f.name, '千川.csv');
    assert.ok(f.platform.startsWith('巨量引擎'), f.platform);
    // the 千川 export (tests/sheets/test_imports.py): 4 data rows; the two 单元 of 618大促-直播 on 06-01 make one row,
    // 日常投放 on 06-02 another: 2 rows to import or already there; the 合计 row skipped
    assert.equal(f.rows_read, 4);
    assert.equal(f.rows_skipped, 1);
    assert.equal(f.rows_imported + f.duplicates, 2);
    assert.ok(result.summary.startsWith('试导入：可导入 '), result.summary);
    assert.deepEqual(rt.fetches.map((x) => x.method + ' ' + x.url.replace(API, '')), ['POST /api/v1/import']);
  });

test('插入报表 活动 against the real snapshot: one row per campaign, the figures python -m bot ask gives', { skip: needsExpected }, () => {
  const expected = loadExpected(EXPECTED);
  const rt = connected();
  const result = rt.scriptRun('insertReport', { kind: 'campaigns', period: '' });
  assert.ok(result.ok, result.message);
  const rows = rt.spreadsheet.sheet('ROI报表·活动').cells.slice(4);
  assert.equal(rows.length, Object.keys(expected.campaigns).length);
  for (const row of rows) {
    const figures = expected.campaigns[row[0]];
    assert.ok(figures, `${row[0]} is a campaign of the sheet`);
    // columns: 活动, 花费, 销售额, 利润, ROI, 投产比(ROAS), 获客成本(CAC), 新客户数
    [[4, 'roi'], [5, 'roas'], [6, 'cac']].forEach(([col, key]) => {
      if (figures[key] === null) assert.equal(row[col], '', `${row[0]} ${key}`);
      else close(row[col], figures[key], `${row[0]} ${key}`);
    });
  }
  assert.deepEqual(rt.spreadsheet.sheet('活动').writes, [], 'people\'s cells never written');
  assert.deepEqual(rt.fetches.map((f) => f.method + ' ' + f.url.replace(API, '')), ['GET /api/v1/snapshot']);
});
