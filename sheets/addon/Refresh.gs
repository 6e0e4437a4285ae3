/**
 * @OnlyCurrentDoc
 *
 * Cells that refresh. Sheets runs a custom function again only when its arguments change, so the add-on owns
 * one cell, the named range ROI_刷新 on its own tab 「ROI助手」 (hidden, protected), and changes its value:
 * from the menu 刷新数据, from an hourly time-driven trigger (installed when 连接设置 is saved), after
 * 连接设置 is saved and after 生成上月月报. Formulas that end with ROI_刷新 then run again and, because the
 * value is part of their cache key, fetch new figures. The same trigger rewrites the reports of 插入报表.
 */

var ROI_ASSISTANT_TAB = 'ROI助手';
var ROI_REFRESH_NAME = 'ROI_刷新';
var ROI_REFRESH_HANDLER = 'roiHourlyRefresh';

/**
 * The add-on's own tab (created on first use): A1 "刷新", B1 the refresh value (the named range ROI_刷新),
 * A2 what the tab is. Hidden and protected with a warning, so people do not type over it; everyone who
 * edits the sheet can still press 刷新数据 (a full protection would refuse their writes).
 */
function roiAssistantTab_(ss) {
  var tab = ss.getSheetByName(ROI_ASSISTANT_TAB);
  if (!tab) {
    var was = ss.getActiveSheet();  // a new tab becomes the active one: the person stays where they were
    tab = ss.insertSheet(ROI_ASSISTANT_TAB);
    tab.getRange('A1:B1').setValues([['刷新', '']]);
    tab.getRange('A2').setValue('这个标签页由 ROI 助手维护：B1 是 ROI_刷新，公式末尾写 ROI_刷新 就会随「刷新数据」更新。请不要修改。');
    tab.protect().setDescription('ROI 助手：ROI_刷新 和报表由插件维护').setWarningOnly(true);
    tab.hideSheet();
    if (was) {
      was.activate();
    }
  }
  if (!ss.getRangeByName(ROI_REFRESH_NAME)) {
    ss.setNamedRange(ROI_REFRESH_NAME, tab.getRange('B1'));
  }
  return tab;
}

/**
 * Gives ROI_刷新 a new value: every formula referencing it runs again. The value is a number (seconds since
 * 1970, one more than before when pressed twice in a second), since Sheets would turn a date-like text into a
 * date; A3 says the time in words. Returns the new value.
 */
function roiBumpRefresh_() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var tab = roiAssistantTab_(ss);
  var range = ss.getRangeByName(ROI_REFRESH_NAME);
  var value = Math.max(Math.floor(new Date().getTime() / 1000), (Number(range.getValue()) || 0) + 1);
  range.setValue(value);
  tab.getRange('A3').setValue('上次刷新：' + Utilities.formatDate(new Date(), ss.getSpreadsheetTimeZone(), 'yyyy-MM-dd HH:mm:ss'));
  return value;
}

/**
 * Installs the hourly trigger once (add-on triggers run at most hourly, one of each kind per user and document).
 * Returns true when it is there. Never throws: the figures still refresh from the menu without it.
 */
function roiEnsureHourlyTrigger_() {
  try {
    var exists = ScriptApp.getProjectTriggers().some(function (t) {
      return t.getHandlerFunction() === ROI_REFRESH_HANDLER;
    });
    if (!exists) {
      ScriptApp.newTrigger(ROI_REFRESH_HANDLER).timeBased().everyHours(1).create();
    }
    return true;
  } catch (e) {
    console.warn('hourly trigger not installed: ' + String(e && e.message || e).split('\n')[0]);
    return false;
  }
}

/** The hourly trigger: new ROI_刷新 (the cells fetch again) and the reports rewritten with new figures. */
function roiHourlyRefresh(e) {
  if (!SpreadsheetApp.getActiveSpreadsheet()) {
    // a time-driven run with no document attached (reported for standalone scripts): nothing to refresh
    console.warn('hourly refresh: no active spreadsheet');
    return { ok: false, reports: [] };
  }
  roiBumpRefresh_();
  var reports = roiRefreshReports_();
  return { ok: true, reports: reports };
}

/** Menu 刷新数据: the same as the hourly trigger, now, with a toast saying what changed. */
function refreshData() {
  var value = roiBumpRefresh_();
  roiEnsureHourlyTrigger_();
  var reports = roiRefreshReports_();
  var failed = reports.filter(function (r) { return !r.ok; });
  var line = '已刷新：末尾写 ROI_刷新 的公式会重新计算' +
    (reports.length ? '，报表 ' + (reports.length - failed.length) + ' 个已更新' : '') +
    (failed.length ? '；' + failed.map(function (r) { return '「' + r.tab + '」没有更新：' + r.error; }).join('；') : '');
  SpreadsheetApp.getActiveSpreadsheet().toast(line, ROI_MENU_TITLE, 8);
  return { ok: failed.length === 0, value: value, reports: reports };
}
