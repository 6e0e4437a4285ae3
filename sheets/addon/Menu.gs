/**
 * @OnlyCurrentDoc
 *
 * The add-on's menu (Extensions → ROI 助手) and what its items do: the sidebar (打开助手, 插入报表),
 * 刷新数据 (Refresh.gs), the data check (检查数据), last month's report (生成上月月报), 导入报表 and the
 * connection dialog (连接设置).
 * Functions without a trailing "_" are called by the menu or by the HTML pages through
 * google.script.run; each returns plain JSON-able values (google.script.run's rule).
 */

var ROI_MENU_TITLE = 'ROI 助手';
var ROI_CHECK_TAB_NAMES_ = ['数据校验', 'data check', 'datacheck'];

/**
 * Simple trigger: adds the menu when the spreadsheet opens. Before the add-on is used in a document, onOpen runs
 * without access to the document (AuthMode.NONE): then only the menu. Otherwise it also makes sure ROI_刷新
 * exists (the add-on's own hidden tab, made once).
 */
function onOpen(e) {
  SpreadsheetApp.getUi()
    .createAddonMenu()  // a sub-menu of Extensions named after the add-on (a bound script: after the script)
    .addItem('打开助手', 'showAssistant')
    .addItem('插入报表', 'showReports')
    .addItem('刷新数据', 'refreshData')
    .addSeparator()
    .addItem('检查数据', 'checkData')
    .addItem('生成上月月报', 'sendLastMonthReport')
    .addItem('导入报表', 'showImport')
    .addSeparator()
    .addItem('连接设置', 'showSettings')
    .addToUi();
  if (e && e.authMode !== undefined && e.authMode !== ScriptApp.AuthMode.NONE) {
    roiEnsureAssistantTab_();  // ROI_刷新 exists before anyone types a formula ending with it
  }
}

/** Installed from the store: the menu at once, without reopening the sheet, and ROI_刷新. */
function onInstall(e) {
  onOpen(e);
  roiEnsureAssistantTab_();
}

/** The add-on's tab and ROI_刷新, when allowed; never stops the menu from appearing. */
function roiEnsureAssistantTab_() {
  try {
    roiAssistantTab_(SpreadsheetApp.getActiveSpreadsheet());
  } catch (err) {
    console.warn('assistant tab not made: ' + String(err && err.message || err).split('\n')[0]);
  }
}

// ---------------------------------------------------------------------------------------------
// 打开助手

/** Opens the sidebar; the page asks openSession() for the web chat page's signed URL. */
function showAssistant() {
  var page = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(ROI_MENU_TITLE);
  SpreadsheetApp.getUi().showSidebar(page);
}

/** 插入报表: the sidebar opened on its 报表 panel. */
function showReports() {
  var page = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(ROI_MENU_TITLE)
    .append('<script>showPanel("report");</script>');
  SpreadsheetApp.getUi().showSidebar(page);
}

/** 导入报表: a sidebar with a file picker (Import.html). */
function showImport() {
  var page = HtmlService.createHtmlOutputFromFile('Import').setTitle('ROI 助手 · 导入报表');
  SpreadsheetApp.getUi().showSidebar(page);
}

var ROI_FORMULA_ARGS_ = { ROI: 3, ROAS: 3, CAC: 3, ROI_CHANNEL: 2, ATTRIBUTED: 3, ROI_ASK: 1 };

/**
 * The sidebar's 插入公式: writes e.g. =ROI("618活动",,, ROI_刷新) into the selected cell, when it is empty.
 * Every formula it writes ends with ROI_刷新, so it follows 刷新数据 and the hourly refresh.
 * @param {{fn: string, args: Array<string>}} form
 * @return {{ok: boolean, message: string, formula: (string|undefined), cell: (string|undefined)}}
 */
function insertFormula(form) {
  form = form || {};
  var fn = String(form.fn || '');
  if (!Object.prototype.hasOwnProperty.call(ROI_FORMULA_ARGS_, fn)) {
    return { ok: false, message: '请选择函数：ROI、ROAS、CAC、ROI_CHANNEL、ATTRIBUTED 或 ROI_ASK' };
  }
  var args = (Array.isArray(form.args) ? form.args : []).slice(0, ROI_FORMULA_ARGS_[fn]).map(function (a) {
    return String(a == null ? '' : a).trim().slice(0, 500);
  });
  if (!args[0]) {
    return { ok: false, message: '第一个参数不能是空的（例如活动名称 618活动）' };
  }
  while (args.length < ROI_FORMULA_ARGS_[fn]) {
    args.push('');
  }
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var cell = ss.getCurrentCell();
  if (!cell || String(cell.getValue()) !== '' || cell.getFormula()) {
    return { ok: false, message: '请先选中一个空单元格：公式不会写进已有内容的格子' };
  }
  roiAssistantTab_(ss);
  var quoted = args.map(function (a) { return a === '' ? '' : '"' + a.replace(/"/g, '""') + '"'; });
  var formula = '=' + fn + '(' + quoted.join(',') + ', ' + ROI_REFRESH_NAME + ')';
  cell.setFormula(formula);
  return { ok: true, formula: formula, cell: cell.getA1Notation(), message: '已在 ' + cell.getA1Notation() + ' 写入 ' + formula };
}

/**
 * A signed, expiring URL of the web chat page (POST /api/v1/session), for the sidebar's iframe.
 * @return {{ok: boolean, url: (string|undefined), expiresIn: (number|undefined), error: (string|undefined)}}
 */
function openSession() {
  try {
    var data = roiRequest_('post', '/api/v1/session', {});
    if (!/^https?:\/\//i.test(String(data.url || ''))) {
      return { ok: false, error: '服务器没有给出对话页面的地址' };
    }
    if (!/^https:\/\//i.test(String(data.url))) {
      // the page link is a signed session of this sheet: never shown over http (the sidebar would block it too)
      return { ok: false, error: '服务器给出的对话页面地址不是 https：请管理员把 ROI_PUBLIC_URL 设成 https 地址' };
    }
    return { ok: true, url: String(data.url), expiresIn: data.expires_in || null };
  } catch (e) {
    return { ok: false, error: roiErrorMessage_(e) };
  }
}

/**
 * The built-in chat form's question: POST /api/v1/ask.
 * @param {string} question what the user typed, e.g. "618活动"
 * @return {{ok: boolean, html: (string|undefined), text: (string|undefined), error: (string|undefined)}}
 */
function askQuestion(question) {
  var q = String(question == null ? '' : question).trim();
  if (!q) {
    return { ok: false, error: '请输入问题，例如「618活动」或「渠道 2026-10」' };
  }
  try {
    var data = roiRequest_('post', '/api/v1/ask', { q: q });
    return { ok: true, html: String(data.html || ''), text: String(data.text || '') };
  } catch (e) {
    return { ok: false, error: roiErrorMessage_(e) };
  }
}

/**
 * A button of an answer (its data-q, the same value a Slack button carries): POST /api/v1/ask {button}.
 * @param {string} value the button's data-q
 */
function askButton(value) {
  var button = String(value == null ? '' : value);
  if (!button || button.length > 2000) {
    return { ok: false, error: '这个按钮没有带问题' };
  }
  try {
    var data = roiRequest_('post', '/api/v1/ask', { button: button });
    return { ok: true, html: String(data.html || ''), text: String(data.text || '') };
  } catch (e) {
    return { ok: false, error: roiErrorMessage_(e) };
  }
}

// ---------------------------------------------------------------------------------------------
// 检查数据

/** POST /api/v1/check (the server rewrites 数据校验), then shows that tab and says how many problems. */
function checkData() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var data;
  try {
    data = roiRequest_('post', '/api/v1/check', {});
  } catch (e) {
    SpreadsheetApp.getUi().alert('检查数据没有完成：' + roiErrorMessage_(e));
    return { ok: false };
  }
  var count = typeof data.count === 'number' ? data.count : (data.problems || []).length;
  SpreadsheetApp.flush();
  var tab = roiFindTab_(ss, ROI_CHECK_TAB_NAMES_);
  if (tab) {
    tab.activate();
  }
  var where = tab ? '详见「' + tab.getName() + '」标签页' : '「数据校验」标签页还没有出现，请刷新表格后再看';
  ss.toast(count === 0 ? '数据没有问题 ✅' : '发现 ' + count + ' 个问题，' + where, ROI_MENU_TITLE, 8);
  return { ok: true, count: count };
}

/** The tab whose name, compared like the bot compares names, is one of `names`. */
function roiFindTab_(ss, names) {
  var keys = names.map(roiKey_);
  var sheets = ss.getSheets();
  for (var i = 0; i < sheets.length; i++) {
    if (keys.indexOf(roiKey_(sheets[i].getName())) >= 0) {
      return sheets[i];
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// 生成上月月报

/** POST /api/v1/monthly: last month's report, sent at most once (the server keeps the record). */
function sendLastMonthReport() {
  var ui = SpreadsheetApp.getUi();
  var data;
  try {
    data = roiRequest_('post', '/api/v1/monthly', {});
  } catch (e) {
    ui.alert('月报没有生成：' + roiErrorMessage_(e));
    return { ok: false };
  }
  var month = String(data.month || '上个月');
  var lines = {
    sent: month + ' 的月报已生成并发送到 Slack 月报频道，表格里的「月度汇总」和「渠道月度」也已更新。',
    already_sent: month + ' 的月报之前已经发送过，这次没有重复发送（表格里的汇总已按最新数据更新）。',
    written: month + ' 的月报已写入表格（「月度汇总」「渠道月度」）；没有配置 Slack，所以没有发送消息。'
  };
  ui.alert(lines[data.status] || month + ' 的月报：' + String(data.status));
  // the month's figures may have changed: the cells and reports follow (as after the hourly trigger)
  roiBumpRefresh_();
  roiRefreshReports_();
  return { ok: true, status: data.status, month: month };
}

// ---------------------------------------------------------------------------------------------
// 连接设置

/** Opens the settings dialog. */
function showSettings() {
  var page = HtmlService.createHtmlOutputFromFile('Settings').setWidth(460).setHeight(340);
  SpreadsheetApp.getUi().showModalDialog(page, 'ROI 助手 · 连接设置');
}

/**
 * What the dialog shows: the saved URL and whether a token is saved. The token itself never
 * goes back to the browser.
 */
function getConnectionSettings() {
  var s = roiSettings_();
  return { url: s.url || '', hasToken: !!s.token };
}

/**
 * Saves the server URL and this sheet's token after checking them against the server
 * (GET /api/v1/snapshot with that token). An empty token keeps the saved one.
 * @param {{url: string, token: string}} form
 * @return {{ok: boolean, message: string}}
 */
function saveConnectionSettings(form) {
  form = form || {};
  var checked = roiCheckServerUrl_(form.url);
  if (!checked.url) {
    return { ok: false, message: '没有保存：' + checked.error };
  }
  var url = checked.url;
  var token = String(form.token == null ? '' : form.token).trim() || roiSettings_().token;
  if (!token) {
    return { ok: false, message: '请填写本表格的令牌（服务器上运行 python -m sheets addon-key --source <表格> 得到）' };
  }
  var snapshot;
  try {
    snapshot = roiRequest_('get', '/api/v1/snapshot', undefined, { url: url, token: token });
  } catch (e) {
    return { ok: false, message: '没有保存：' + roiErrorMessage_(e) };
  }
  var props = PropertiesService.getDocumentProperties();
  props.setProperties({ ROI_SERVER_URL: url, ROI_TOKEN: token });
  roiForgetKeySettings_();
  // cache keys include the address and token: figures of the previous connection are never read again.
  // New ROI_刷新: cells that showed "还没有连接服务器" run again; the answer that proved the connection is the
  // all-dates snapshot, cached under their new key, so they need not ask again.
  var value = roiBumpRefresh_();
  roiCacheWrite_(CacheService.getDocumentCache(), roiCacheKey_(['snap', roiKey_(''), roiRefreshKey_(value)]), snapshot);
  var hourly = roiEnsureHourlyTrigger_();
  var n = Object.keys(snapshot.campaigns || {}).length;
  return { ok: true, message: '已连接 ' + roiHost_(url) + '：读到 ' + n + ' 个活动。现在可以用 =ROI("活动名",,, ROI_刷新) 了' +
    (hourly ? '（每小时自动刷新）。' : '。') };
}

/**
 * 导入报表: the files the sidebar read (base64), sent to POST /api/v1/import as
 * {"files": [{"name", "content_base64"}], "dry_run": bool}; the answer's per-file counts and totals come back
 * with one Chinese line per file. After a real import the cells and reports refresh.
 * @param {{files: Array<{name: string, content_base64: string}>, dry_run: boolean}} payload
 */
function importReports(payload) {
  payload = payload || {};
  var files = Array.isArray(payload.files) ? payload.files : [];
  if (!files.length) {
    return { ok: false, error: '请先选择要导入的报表文件（CSV 或 Excel）' };
  }
  if (files.length > ROI_IMPORT_MAX_FILES) {
    return { ok: false, error: '一次最多导入 ' + ROI_IMPORT_MAX_FILES + ' 个文件' };
  }
  var total = 0;
  for (var i = 0; i < files.length; i++) {
    var f = files[i] || {};
    if (typeof f.name !== 'string' || !f.name || typeof f.content_base64 !== 'string' || !/^[A-Za-z0-9+\/=\s]*$/.test(f.content_base64)) {
      return { ok: false, error: '第 ' + (i + 1) + ' 个文件没有读出来，请重新选择' };
    }
    total += f.content_base64.length;
  }
  if (total > ROI_IMPORT_MAX_BASE64) {
    return { ok: false, error: '文件太大：一次最多导入约 ' + Math.floor(ROI_IMPORT_MAX_BASE64 * 3 / 4 / 1048576) + ' MB' };
  }
  var dryRun = payload.dry_run === true;
  var body = { files: files.map(function (f) { return { name: f.name.slice(0, 200), content_base64: f.content_base64 }; }), dry_run: dryRun };
  var data;
  try {
    data = roiRequest_('post', '/api/v1/import', body);
  } catch (e) {
    return { ok: false, error: '导入没有完成：' + roiErrorMessage_(e) };
  }
  var rows = (data.files || []).map(function (r, k) {
    var name = String(r.file || r.name || (files[k] && files[k].name) || '文件 ' + (k + 1));
    var platform = String(r.platform || '未识别') + (r.report ? '（' + String(r.report) + '）' : '');
    return { name: name, platform: platform, rows_read: Number(r.rows_read) || 0,
      rows_imported: Number(r.rows_imported) || 0, rows_skipped: Number(r.rows_skipped) || 0, duplicates: Number(r.duplicates) || 0 };
  });
  var lines = rows.map(function (r) {
    return r.name + '：' + r.platform + '，读到 ' + r.rows_read + ' 行，' + (dryRun ? '可导入 ' : '导入 ') + r.rows_imported +
      ' 行，跳过 ' + r.rows_skipped + ' 行，重复 ' + r.duplicates + ' 行';
  });
  var totals = data.totals || {};
  var imported = Number(totals.rows_imported != null ? totals.rows_imported : rows.reduce(function (a, r) { return a + r.rows_imported; }, 0)) || 0;
  if (!dryRun && imported > 0) {
    roiBumpRefresh_();  // new rows on the server: the cells and reports follow
  }
  return { ok: true, dry_run: dryRun, files: rows, totals: totals, lines: lines,
    summary: (dryRun ? '试导入：可导入 ' : '已导入 ') + imported + ' 行（' + rows.length + ' 个文件）' };
}

var ROI_IMPORT_MAX_FILES = 10;
var ROI_IMPORT_MAX_BASE64 = 14 * 1024 * 1024;  // about 10 MB of files
