'use strict';
// A scripted ROI 助手 server for the tests that need no real one: the runtime's UrlFetchApp answers from here
// (rt.script), so these tests make no network request at all. The figures are the demo's 618活动 (cost ¥302,000,
// return ¥635,250, 销售额 ¥1,155,000, 新客 5,420) and a second campaign; `version` changes them as a server whose
// sheet was edited would.

const { Runtime } = require('./appsscript_runtime.js');

const API = 'https://roi.example.com';
const TOKEN = 'roi_scripted-token-0123456789';

/** A campaign's entry as /api/v1/snapshot gives it: profit = return − cost, ROI = profit / cost. */
function entry(cost, ret, sales, customers) {
  return { cost, revenue: sales, profit: ret - cost, roi: (ret - cost) / cost, roas: sales / cost,
    cac: customers ? cost / customers : null, new_customers: customers };
}

/**
 * The snapshot for `period` at server `version` (1: the demo's figures; 2: 618活动's return up to ¥700,000 and a
 * new campaign 会员日 appears). `extra` adds campaigns named 活动1…活动N (for the 400-cell range).
 */
function snapshot(version, extra) {
  const c618 = version >= 2 ? entry(302000, 700000, 1155000, 5420) : entry(302000, 635250, 1155000, 5420);
  const campaigns = {
    '618活动': Object.assign({}, c618, { channels: { 抖音: entry(200000, 450000, 800000, 4000), 微信: entry(102000, 185250, 355000, 1420) } }),
    '双11大促': Object.assign({}, entry(500000, 900000, 2000000, 8000), { channels: { 微信: entry(500000, 900000, 2000000, 8000) } })
  };
  if (version >= 2) campaigns['会员日'] = Object.assign({}, entry(10000, 15000, 30000, 100), { channels: {} });
  for (let i = 1; i <= (extra || 0); i++) campaigns['活动' + i] = Object.assign({}, entry(1000 * i, 2000 * i, 3000 * i, i), { channels: {} });
  return {
    ok: true, period: null, version: 'v' + version, campaigns,
    channels: { 抖音: entry(200000, 450000, 800000, 4000), 微信: entry(602000, 1035250, 2355000, 9420) },
    attributed: { markov: { 抖音: 600000, 微信: 1100000 } }, default_model: 'markov', aliases: { 618: '618活动' }
  };
}

/** A runtime talking to the scripted server; `server.version` may be changed by the test. */
function scriptedRuntime(options) {
  options = options || {};
  const server = { version: 1, extra: options.extra || 0, latencyMs: 0 };
  const rt = new Runtime(Object.assign({ sheets: options.sheets || { '活动': [['活动名称', '渠道'], ['618活动', '抖音'], ['双11大促', '微信']] } }, options));
  rt.script('GET', '/api/v1/snapshot', (req) => {
    const period = new URL(req.url).searchParams.get('period');
    if (period === '1999-01') return { status: 400, body: { ok: false, error: '时间段超出了表格的日期范围', hint: '例：上个月' } };
    return { body: Object.assign(snapshot(server.version, server.extra), { period }), latencyMs: server.latencyMs };
  });
  rt.script('POST', '/api/v1/ask', (req) => {
    const q = JSON.parse(req.payload).q;
    if (q.length > 500) return { status: 400, body: { ok: false, error: '问题太长（最多 500 个字）', hint: '问一个活动、渠道或月份，例：618活动' } };
    return { body: { ok: true, text: '「' + q.slice(0, 20) + '」的回答 v' + server.version, html: '<div class="roi-answer">…</div>' } };
  });
  if (options.connected !== false) {
    rt.properties.document.api().setProperties({ ROI_SERVER_URL: API, ROI_TOKEN: TOKEN });
  }
  return { rt, server };
}

module.exports = { API, TOKEN, snapshot, entry, scriptedRuntime };
