/**
 * @OnlyCurrentDoc
 *
 * 插入报表: a report of values (no formulas) in a tab of its own, 「ROI报表·…」, written from the server's
 * figures (GET /api/v1/snapshot) and rewritten by 刷新数据 and the hourly trigger. The add-on writes only
 * tabs it created itself (kept in the document property ROI_REPORTS); a tab of the same name made by a
 * person is never touched. Kinds: 活动 (every campaign), 渠道 (every channel), 月份 (campaign × channel of one
 * month) and 月度汇总 (the last 6 full months, one row each).
 */

var ROI_PROP_REPORTS = 'ROI_REPORTS';
var ROI_MAX_REPORTS = 20;
var ROI_SUMMARY_MONTHS = 6;
var ROI_REPORT_KINDS = {
  campaigns: '活动',
  channels: '渠道',
  month: '月份',
  summary: '月度汇总'
};
var ROI_REPORT_COLUMNS = [['cost', '花费'], ['revenue', '销售额'], ['profit', '利润'], ['roi', 'ROI'],
  ['roas', '投产比(ROAS)'], ['cac', '获客成本(CAC)'], ['new_customers', '新客户数']];

/**
 * Writes a report into its own tab and keeps it for the hourly refresh.
 * @param {{kind: string, period: string}} form kind: campaigns | channels | month | summary; period as typed
 *     ("2026-10", "上个月", "Q3", empty = all dates; for 月份 a month is required)
 * @return {{ok: boolean, message: string, tab: (string|undefined), rows: (number|undefined)}}
 */
function insertReport(form) {
  form = form || {};
  var kind = String(form.kind || '');
  if (!Object.prototype.hasOwnProperty.call(ROI_REPORT_KINDS, kind)) {
    return { ok: false, message: '请选择报表：活动、渠道、月份或月度汇总' };
  }
  var period = String(form.period == null ? '' : form.period).trim().slice(0, 50);
  if (kind === 'month' && !period) {
    return { ok: false, message: '「月份」报表要写一个月，例如 2026-10 或 上个月' };
  }
  var spec = { kind: kind, period: kind === 'summary' ? '' : period };
  spec.tab = 'ROI报表·' + ROI_REPORT_KINDS[kind] + (spec.period ? ' ' + spec.period : '');
  var reports = roiReports_();
  var known = reports.some(function (r) { return r.tab === spec.tab; });
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  if (!known && ss.getSheetByName(spec.tab)) {
    return { ok: false, message: '已经有一个叫「' + spec.tab + '」的标签页，不是 ROI 助手建的，没有改动它：请先改名或删掉它再插入' };
  }
  if (!known && reports.length >= ROI_MAX_REPORTS) {
    return { ok: false, message: '最多保留 ' + ROI_MAX_REPORTS + ' 个报表：请先删掉不用的「ROI报表·…」标签页' };
  }
  var written;
  try {
    written = roiWriteReport_(ss, spec);
  } catch (e) {
    return { ok: false, message: '报表没有插入：' + roiErrorMessage_(e) };
  }
  if (!known) {
    reports.push(spec);
    PropertiesService.getDocumentProperties().setProperty(ROI_PROP_REPORTS, JSON.stringify(reports));
  }
  ss.getSheetByName(spec.tab).activate();
  roiEnsureHourlyTrigger_();
  return { ok: true, tab: spec.tab, rows: written,
    message: '已写入「' + spec.tab + '」：' + written + ' 行，每小时自动更新，也可以点「ROI 助手 → 刷新数据」' };
}

/** The reports this add-on wrote (document property ROI_REPORTS), without those whose tab was deleted. */
function roiReports_() {
  var text = PropertiesService.getDocumentProperties().getProperty(ROI_PROP_REPORTS);
  var list = [];
  try {
    list = text ? JSON.parse(text) : [];
  } catch (e) {
    list = [];
  }
  return Array.isArray(list) ? list : [];
}

/** Rewrites every report (刷新数据, the hourly trigger): [{tab, ok, error}]. A deleted tab is forgotten. */
function roiRefreshReports_() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var reports = roiReports_();
  var kept = reports.filter(function (r) { return !!ss.getSheetByName(r.tab); });
  if (kept.length !== reports.length) {
    PropertiesService.getDocumentProperties().setProperty(ROI_PROP_REPORTS, JSON.stringify(kept));
  }
  return kept.map(function (spec) {
    try {
      roiWriteReport_(ss, spec);
      return { tab: spec.tab, ok: true };
    } catch (e) {
      return { tab: spec.tab, ok: false, error: roiErrorMessage_(e) };
    }
  });
}

/** Fetches the figures and writes the report's tab (created when missing); returns the number of data rows. */
function roiWriteReport_(ss, spec) {
  var table = spec.kind === 'summary' ? roiSummaryTable_(ss) : roiSnapshotTable_(spec);
  var tab = ss.getSheetByName(spec.tab) || ss.insertSheet(spec.tab);
  var width = table.header.length;
  var stamp = Utilities.formatDate(new Date(), ss.getSpreadsheetTimeZone(), 'yyyy-MM-dd HH:mm:ss');
  var top = [
    roiPad_([spec.tab.replace('ROI报表·', '') + ' 报表' + (spec.period ? '（' + spec.period + '）' : '')], width),
    roiPad_(['更新于 ' + stamp + ' · 数据来自 ROI 助手，每小时自动更新；这个标签页会被整体重写，请不要在这里输入'], width),
    roiPad_([], width),
    table.header
  ];
  var values = top.concat(table.rows.length ? table.rows : [roiPad_(['（这段时间没有数据）'], width)]);
  tab.clearContents();
  tab.getRange(1, 1, values.length, width).setValues(values);
  tab.getRange(4, 1, 1, width).setFontWeight('bold');
  return table.rows.length;
}

function roiPad_(row, width) {
  var out = row.slice();
  while (out.length < width) {
    out.push('');
  }
  return out;
}

/** A figure for a cell: the number, or '' when the server could not compute it (never NaN). */
function roiCell_(entry, name) {
  var v = entry ? entry[name] : null;
  return typeof v === 'number' && isFinite(v) ? v : '';
}

function roiFigures_(entry) {
  return ROI_REPORT_COLUMNS.map(function (c) { return roiCell_(entry, c[0]); });
}

function roiSnapshotTable_(spec) {
  var query = spec.period ? '?period=' + encodeURIComponent(spec.period) : '';
  var snap = roiRequest_('get', '/api/v1/snapshot' + query);
  var labels = ROI_REPORT_COLUMNS.map(function (c) { return c[1]; });
  var campaigns = snap.campaigns || {};
  if (spec.kind === 'channels') {
    var channels = snap.channels || {};
    return { header: ['渠道'].concat(labels),
      rows: Object.keys(channels).map(function (n) { return [n].concat(roiFigures_(channels[n])); }) };
  }
  if (spec.kind === 'month') {
    var rows = [];
    Object.keys(campaigns).forEach(function (name) {
      var own = campaigns[name].channels || {};
      Object.keys(own).forEach(function (ch) { rows.push([name, ch].concat(roiFigures_(own[ch]))); });
    });
    return { header: ['活动', '渠道'].concat(labels), rows: rows };
  }
  return { header: ['活动'].concat(labels),
    rows: Object.keys(campaigns).map(function (n) { return [n].concat(roiFigures_(campaigns[n])); }) };
}

/**
 * 月度汇总: the last ROI_SUMMARY_MONTHS full months (by the spreadsheet's zone), one row each, totals over the
 * month's channels: ROI = 利润 / 花费 and 投产比 = 销售额 / 花费 of those totals (利润 is return − cost, as the
 * server computes it). A month the server refuses (before the sheet's data) says why in its last column.
 */
function roiSummaryTable_(ss) {
  var now = Utilities.formatDate(new Date(), ss.getSpreadsheetTimeZone(), 'yyyy-MM').split('-');
  var year = Number(now[0]);
  var month = Number(now[1]);
  var rows = [];
  for (var i = 0; i < ROI_SUMMARY_MONTHS; i++) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
    var label = year + '-' + (month < 10 ? '0' : '') + month;
    try {
      var snap = roiRequest_('get', '/api/v1/snapshot?period=' + label);
      var sums = { cost: 0, revenue: 0, profit: 0, new_customers: 0 };
      var channels = snap.channels || {};
      Object.keys(channels).forEach(function (ch) {
        Object.keys(sums).forEach(function (k) { sums[k] += roiCell_(channels[ch], k) || 0; });
      });
      var roi = sums.cost > 0 ? sums.profit / sums.cost : '';
      var roas = sums.cost > 0 ? sums.revenue / sums.cost : '';
      var cac = sums.new_customers > 0 ? sums.cost / sums.new_customers : '';
      rows.push([label, sums.cost, sums.revenue, sums.profit, roi, roas, cac, sums.new_customers, '']);
    } catch (e) {
      if (e instanceof RoiError_ && e.fatal) {
        throw e;
      }
      rows.push([label, '', '', '', '', '', '', '', roiErrorMessage_(e)]);
    }
  }
  var labels = ROI_REPORT_COLUMNS.map(function (c) { return c[1]; });
  return { header: ['月份'].concat(labels).concat(['说明']), rows: rows };
}
