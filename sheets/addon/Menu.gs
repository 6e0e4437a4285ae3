/**
 * @OnlyCurrentDoc
 *
 * The 「ROI 助手」 menu and what its items do: the sidebar (打开助手), the data check
 * (检查数据), last month's report (生成上月月报) and the connection dialog (连接设置).
 * Functions without a trailing "_" are called by the menu or by the HTML pages through
 * google.script.run; each returns plain JSON-able values (google.script.run's rule).
 */

var ROI_MENU_TITLE = 'ROI 助手';
var ROI_CHECK_TAB_NAMES_ = ['数据校验', 'data check', 'datacheck'];

/** Simple trigger: adds the menu when the spreadsheet opens. */
function onOpen(e) {
  SpreadsheetApp.getUi()
    .createMenu(ROI_MENU_TITLE)
    .addItem('打开助手', 'showAssistant')
    .addSeparator()
    .addItem('检查数据', 'checkData')
    .addItem('生成上月月报', 'sendLastMonthReport')
    .addSeparator()
    .addItem('连接设置', 'showSettings')
    .addToUi();
}

/** Installed as an add-on: the same menu at once, without reopening the sheet. */
function onInstall(e) {
  onOpen(e);
}

// ---------------------------------------------------------------------------------------------
// 打开助手

/** Opens the sidebar; the page asks openSession() for the web chat page's signed URL. */
function showAssistant() {
  var page = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(ROI_MENU_TITLE);
  SpreadsheetApp.getUi().showSidebar(page);
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
  roiForgetCache_();
  // the answer that proved the connection is this period's snapshot: the first cells need not ask again
  roiCacheWrite_(CacheService.getDocumentCache(), roiPeriodKey_(''), snapshot);
  var n = Object.keys(snapshot.campaigns || {}).length;
  return { ok: true, message: '已连接 ' + roiHost_(url) + '：读到 ' + n + ' 个活动。现在可以用 =ROI("活动名") 了。' };
}

/** After the connection changes, cached figures may belong to another server: start a new generation. */
function roiForgetCache_() {
  CacheService.getDocumentCache().put(ROI_CACHE_PREFIX + 'gen', String(new Date().getTime()), 21600);
}
