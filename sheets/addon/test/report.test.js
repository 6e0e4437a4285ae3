'use strict';
// 插入报表, 插入公式 and 导入报表 against the stand-in and a scripted server (scripted.js): no network.

const test = require('node:test');
const assert = require('node:assert/strict');
const { scriptedRuntime, API } = require('./scripted.js');

const HEADER = ['花费', '销售额', '利润', 'ROI', '投产比(ROAS)', '获客成本(CAC)', '新客户数'];

test('插入报表 活动: values in a tab of its own, rewritten by the hourly trigger; people\'s cells never written', () => {
  const { rt, server } = scriptedRuntime();
  const people = rt.spreadsheet.sheet('活动');
  const theirs = JSON.stringify(people.cells);
  const result = rt.scriptRun('insertReport', { kind: 'campaigns', period: '' });
  assert.ok(result.ok, result.message);
  assert.equal(result.tab, 'ROI报表·活动');
  assert.equal(result.rows, 2);
  const tab = rt.spreadsheet.sheet('ROI报表·活动');
  assert.deepEqual(tab.cells[3], ['活动'].concat(HEADER));
  // 618活动 v1: cost 302,000, 销售额 1,155,000, profit 635,250 − 302,000 = 333,250, ROI 333,250 / 302,000
  assert.deepEqual(tab.cells[4].slice(0, 4), ['618活动', 302000, 1155000, 333250]);
  assert.equal(tab.cells[4][4], 333250 / 302000);
  assert.ok(tab.cells.flat().every((v) => typeof v !== 'string' || !v.startsWith('=')), 'values, not formulas');
  assert.ok(tab.cells.flat().every((v) => !(typeof v === 'number' && !isFinite(v))), 'no NaN or inf');
  assert.equal(rt.triggers.length, 1, 'the hourly trigger keeps it fresh');

  server.version = 2;  // 618活动's return is now ¥700,000 and 会员日 appears
  rt.fireTrigger('roiHourlyRefresh');
  assert.deepEqual(tab.cells[4].slice(0, 4), ['618活动', 302000, 1155000, 398000]);  // 700,000 − 302,000
  assert.equal(tab.cells.filter((r) => r[0] === '会员日').length, 1);
  assert.equal(JSON.stringify(people.cells), theirs);
  assert.deepEqual(people.writes, [], 'the people\'s tab was never written');
});

test('插入报表: a tab of that name made by a person is left alone; 月份 needs a month; 月度汇总 is six months', () => {
  const { rt } = scriptedRuntime({ sheets: { '活动': [['活动名称']], 'ROI报表·渠道': [['我的笔记']] } });
  const refused = rt.scriptRun('insertReport', { kind: 'channels', period: '' });
  assert.equal(refused.ok, false);
  assert.ok(refused.message.includes('不是 ROI 助手建的'), refused.message);
  assert.deepEqual(rt.spreadsheet.sheet('ROI报表·渠道').cells, [['我的笔记']]);
  assert.deepEqual(rt.spreadsheet.sheet('ROI报表·渠道').writes, []);
  assert.equal(rt.fetchCount, 0);

  assert.ok(rt.scriptRun('insertReport', { kind: 'month', period: '' }).message.includes('要写一个月'));
  const month = rt.scriptRun('insertReport', { kind: 'month', period: '2026-10' });
  assert.ok(month.ok, month.message);
  assert.equal(month.tab, 'ROI报表·月份 2026-10');
  assert.equal(month.rows, 3, '618活动 × 抖音, 微信 and 双11大促 × 微信');

  const summary = rt.scriptRun('insertReport', { kind: 'summary' });
  assert.ok(summary.ok, summary.message);
  assert.equal(summary.rows, 6);
  const row = rt.spreadsheet.sheet('ROI报表·月度汇总').cells[4];
  // a month's totals over its channels: cost 200,000 + 602,000; profit 250,000 + 433,250; ROI = profit / cost
  assert.equal(row[1], 802000);
  assert.equal(row[3], 683250);
  assert.equal(row[4], 683250 / 802000);
});

test('插入公式: =ROI("618活动",,, ROI_刷新) in the selected empty cell only', () => {
  const { rt } = scriptedRuntime();
  rt.spreadsheet.activeA1 = 'C2';
  const done = rt.scriptRun('insertFormula', { fn: 'ROI', args: ['618活动', '', ''] });
  assert.ok(done.ok, done.message);
  assert.equal(done.formula, '=ROI("618活动",,, ROI_刷新)');
  assert.equal(rt.spreadsheet.sheet('活动').get(1, 2), '=ROI("618活动",,, ROI_刷新)');
  rt.spreadsheet.activeA1 = 'A2';  // holds 618活动
  const refused = rt.scriptRun('insertFormula', { fn: 'ROI', args: ['618活动'] });
  assert.equal(refused.ok, false);
  assert.equal(rt.spreadsheet.sheet('活动').get(1, 0), '618活动');
  // the formula it wrote works once the refresh cell exists (it does: insertFormula made it)
  assert.equal(typeof rt.evaluate(done.formula, '活动').value, 'number');
});

test('导入报表: the files go to POST /api/v1/import as JSON, the counts come back per file; cells refresh', () => {
  const { rt } = scriptedRuntime();
  rt.scriptRun('refreshData');
  const before = rt.spreadsheet.named('ROI_刷新');
  rt.advance(2000);
  rt.script('POST', '/api/v1/import', { body: { ok: true,
    files: [{ file: '巨量引擎.csv', platform: '巨量引擎', report: '计划日报', rows_read: 120, rows_imported: 100, rows_skipped: 5, duplicates: 15 }],
    totals: { rows_read: 120, rows_imported: 100, rows_skipped: 5, duplicates: 15 } } });
  const content = Buffer.from('日期,花费\n2026-10-01,100\n', 'utf8').toString('base64');
  const result = rt.scriptRun('importReports', { files: [{ name: '巨量引擎.csv', content_base64: content }], dry_run: false });
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.summary, '已导入 100 行（1 个文件）');
  assert.deepEqual(result.lines, ['巨量引擎.csv：巨量引擎（计划日报），读到 120 行，导入 100 行，跳过 5 行，重复 15 行']);
  const sent = rt.requests.filter((r) => r.url === API + '/api/v1/import');
  assert.equal(sent.length, 1);
  assert.deepEqual(JSON.parse(sent[0].payload), { files: [{ name: '巨量引擎.csv', content_base64: content }], dry_run: false });
  assert.notEqual(rt.spreadsheet.named('ROI_刷新'), before, 'new rows: ROI_刷新 changed');

  assert.equal(rt.scriptRun('importReports', { files: [] }).ok, false);
  assert.ok(rt.scriptRun('importReports', { files: [{ name: 'x', content_base64: '<script>' }] }).error.includes('没有读出来'));
  rt.script('POST', '/api/v1/import', { status: 400, body: { ok: false, error: '不认识的报表格式「x.pdf」', hint: '导出 CSV 或 Excel' } });
  const bad = rt.scriptRun('importReports', { files: [{ name: 'x.pdf', content_base64: 'AAAA' }] });
  assert.deepEqual(bad, { ok: false, error: '导入没有完成：不认识的报表格式「x.pdf」（导出 CSV 或 Excel）' });
});
