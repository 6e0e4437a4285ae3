'use strict';
// Issue 23, "What was seen": one test per item, each failing on the add-on before the fix, against the stand-in
// holding Google's rules (README.md here) and a scripted server (scripted.js): no network.

const test = require('node:test');
const assert = require('node:assert/strict');
const { scriptedRuntime, API, TOKEN } = require('./scripted.js');

// 618活动, version 1: (635,250 − 302,000) / 302,000; version 2: (700,000 − 302,000) / 302,000
const ROI_618_V1 = (635250 - 302000) / 302000;
const ROI_618_V2 = (700000 - 302000) / 302000;

function close(actual, expected, what) {
  assert.equal(typeof actual, 'number', `${what}: expected a number, got ${JSON.stringify(actual)}`);
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${what}: ${actual} ≠ ${expected}`);
}

/** A plain Chinese line: no stack, no JS error names. */
function plainLine(text) {
  assert.ok(!/\n|\bat \w+.*\(|\.gs:\d|Error:|undefined/.test(text), `not a plain line: ${text}`);
}

test('cells refresh: a new ROI_刷新 value runs the cell again and fetches new figures; unchanged, it stays', () => {
  const { rt, server } = scriptedRuntime();
  rt.scriptRun('refreshData');  // creates the named range ROI_刷新 on the add-on's tab
  const cell = '=ROI("618活动",,, ROI_刷新)';
  close(rt.recalculate([cell])[0].value, ROI_618_V1, 'first');
  server.version = 2;
  rt.advance(301 * 1000);  // past the cache time: Sheets still does not run the cell (same arguments)
  close(rt.recalculate([cell])[0].value, ROI_618_V1, 'unchanged arguments keep the first figure');
  assert.equal(rt.fetchCount, 1);
  rt.open();
  rt.clickMenu('ROI 助手', '刷新数据');
  close(rt.recalculate([cell])[0].value, ROI_618_V2, 'after 刷新数据');
  assert.equal(rt.fetchCount, 2);
  // the hourly trigger does the same
  server.version = 1;
  rt.fireTrigger('roiHourlyRefresh');
  close(rt.recalculate([cell])[0].value, ROI_618_V1, 'after the hourly trigger');
  assert.equal(rt.fetchCount, 3);
});

test('an error is thrown (#ERROR! with our line), and goes away with the next refresh once its cause is fixed', () => {
  const { rt, server } = scriptedRuntime();
  rt.scriptRun('refreshData');
  const cell = '=ROI("会员日",,, ROI_刷新)';
  const first = rt.recalculate([cell])[0];
  assert.equal(first.error, '#ERROR!');
  assert.ok(first.message.startsWith('没有找到活动「会员日」'), first.message);
  plainLine(first.message);
  server.version = 2;  // someone adds 会员日 to the sheet
  assert.equal(rt.recalculate([cell])[0].error, '#ERROR!', 'same arguments: Sheets keeps the error');
  rt.scriptRun('refreshData');
  close(rt.recalculate([cell])[0].value, (15000 - 10000) / 10000, 'after the refresh');
});

test('first contact: a cell typed before 连接设置 shows the number once the connection is saved, no retyping', () => {
  const { rt } = scriptedRuntime({ connected: false });
  rt.open();  // the sheet opens: the menu, and ROI_刷新 on the add-on's own tab
  assert.deepEqual(rt.fetches, []);
  assert.ok(rt.spreadsheet.namedRanges.has('ROI_刷新'));
  const cell = '=ROI("618活动",,, ROI_刷新)';
  const before = rt.recalculate([cell])[0];
  assert.equal(before.error, '#ERROR!');
  assert.ok(before.message.includes('连接设置') && before.message.includes('ROI_刷新'), before.message);
  const saved = rt.scriptRun('saveConnectionSettings', { url: API, token: TOKEN });
  assert.ok(saved.ok && saved.message.includes('ROI_刷新'), saved.message);
  close(rt.recalculate([cell])[0].value, ROI_618_V1, 'after saving');
  assert.equal(rt.fetchCount, 1, 'the check of 连接设置 filled the cache: the cell made no request');
  assert.equal(rt.triggers.length, 1, 'the hourly trigger was installed');
  assert.deepEqual(rt.triggers.map((t) => [t.handler, t.everyHours]), [['roiHourlyRefresh', 1]]);
});

test('long questions: 500 characters (the server\'s limit) are asked once and cached; every key is a 71-character hash', () => {
  const { rt } = scriptedRuntime();
  const question = '618活动' + '的投放效果'.repeat(99);  // 5 + 5 × 99 = 500 characters
  assert.equal(question.length, 500);
  const first = rt.evaluate(`=ROI_ASK("${question}")`);
  assert.ok(typeof first.value === 'string' && first.value.startsWith('「618活动'), JSON.stringify(first));
  rt.evaluate(`=ROI_ASK("${question}")`);  // typed again: the answer comes from the cache
  assert.equal(rt.fetchCount, 1);
  const tooLong = rt.evaluate(`=ROI_ASK("${question}x")`);
  assert.equal(tooLong.error, '#ERROR!');
  assert.ok(tooLong.message.startsWith('问题太长（最多 500 个字）'), tooLong.message);
  const keys = Array.from(rt.caches.document.entries.keys());
  assert.ok(keys.length > 0 && keys.every((k) => /^roi:v2:[0-9a-f]{64}(:\d+)?$/.test(k)), keys.join(' '));
});

test('=ROI(A2:A401): one getAll, one fetch, at most 3 cache calls cold and 1 warm', () => {
  const names = Array.from({ length: 400 }, (_, i) => ['活动' + (i + 1)]);
  const { rt } = scriptedRuntime({ extra: 400, sheets: { '活动': [['活动名称']].concat(names) } });
  const before = rt.caches.document.calls.length;
  const result = rt.evaluate('=ROI(A2:A401)', '活动');
  assert.equal(result.value.length, 400);
  // 活动i: (2000i − 1000i) / 1000i = 1
  result.value.forEach((row, i) => close(row[0], 1, '活动' + (i + 1)));
  const calls = rt.caches.document.calls.slice(before);
  assert.equal(rt.fetchCount, 1);
  assert.deepEqual(calls.map((c) => c.method), ['getAll', 'getAll', 'putAll'], 'miss, read again under the lock, write');
  const warm = rt.caches.document.calls.length;
  rt.evaluate('=ROI(A2:A401)', '活动');
  assert.deepEqual(rt.caches.document.calls.slice(warm).map((c) => c.method), ['getAll']);
  assert.equal(rt.fetchCount, 1);
});

test('the lock: waited under 10 s, and the cache read again after the wait (filled meanwhile: no request)', () => {
  const { rt } = scriptedRuntime();
  rt.scriptRun('refreshData');
  const cell = '=ROI("618活动",,, ROI_刷新)';
  // another cell holds the document lock for 15 s; its request is done after 3 s (the cache is filled then)
  rt.holdLock('document', 15000, () => rt.evaluate(cell, 'other cell'), 3000);
  const result = rt.evaluate(cell);
  close(result.value, ROI_618_V1, 'read from what the other cell cached');
  assert.equal(rt.fetchCount, 1, 'only the other cell asked the server');
  assert.ok(rt.lockWaits.length && rt.lockWaits.every((ms) => ms < 10000), JSON.stringify(rt.lockWaits));
});

test('no request starts after 20 s of a call; the cell then says it timed out (and Google\'s 30 s is never reached)', () => {
  const sheets = { '活动': [['活动名称', '时间'], ['618活动', '2026-07'], ['618活动', '2026-08'], ['618活动', '2026-09'], ['618活动', '2026-10']] };
  const { rt, server } = scriptedRuntime({ sheets });
  server.latencyMs = 7000;  // each snapshot takes 7 s: starts at 0, 7, 14 s; a fourth would start at 21 s
  const result = rt.evaluate('=ROI(A2:A5,, B2:B5)', '活动');
  assert.equal(result.error, '#ERROR!');
  assert.ok(result.message.startsWith('查询超时'), result.message);
  assert.notEqual(result.message, 'Exceeded maximum execution time (line 0).');
  assert.equal(rt.fetchCount, 3);
  const call = rt.executions[rt.executions.length - 1];
  assert.ok(call.clockMs < 22000, `${call.clockMs} ms: the third request ended at 21 s, nothing after`);
});

test('TODAY() as an argument never loads (Google refuses volatile arguments); a month cell works', () => {
  const { rt } = scriptedRuntime();
  assert.deepEqual(rt.evaluate('=ROI("618活动",, TODAY())'), { loading: true, value: 'Loading...' });
  assert.equal(rt.fetchCount, 0);
  close(rt.evaluate('=ROI("618活动",, "2026-10")').value, ROI_618_V1, 'a month');
});

test('add-on ready: createAddonMenu, onInstall builds it, the trigger is hourly and single', () => {
  const { rt } = scriptedRuntime();
  rt.open('NONE');  // not yet used in this document: only the menu
  assert.equal(rt.spreadsheet.sheet('ROI助手'), null);
  const menus = rt.install();
  assert.ok(rt.spreadsheet.namedRanges.has('ROI_刷新'), 'installing makes ROI_刷新');
  assert.equal(menus.length, 1);
  assert.equal(menus[0].addon, true, 'under Extensions, named after the add-on');
  assert.deepEqual(menus[0].items.filter((i) => !i.separator).map((i) => i.caption),
    ['打开助手', '插入报表', '刷新数据', '检查数据', '生成上月月报', '导入报表', '连接设置']);
  rt.scriptRun('saveConnectionSettings', { url: API, token: TOKEN });
  rt.scriptRun('saveConnectionSettings', { url: API, token: TOKEN });
  assert.equal(rt.triggers.length, 1, 'saved twice: still one trigger');
});

test('"上个月" is asked of the server again at each refresh (the server decides which month it is)', () => {
  const { rt } = scriptedRuntime();
  rt.scriptRun('refreshData');
  const cell = '=ROI_CHANNEL("抖音", "上个月", ROI_刷新)';
  // 抖音: (450,000 − 200,000) / 200,000 = 1.25
  close(rt.recalculate([cell])[0].value, 1.25, 'first');
  rt.scriptRun('refreshData');
  close(rt.recalculate([cell])[0].value, 1.25, 'after the refresh');
  assert.deepEqual(rt.fetches.map((f) => decodeURIComponent(f.url.replace(API, ''))),
    ['/api/v1/snapshot?period=上个月', '/api/v1/snapshot?period=上个月']);
});
