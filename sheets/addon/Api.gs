/**
 * @OnlyCurrentDoc
 *
 * Talking to the ROI 助手 server: where it is (this sheet's document properties),
 * one request with the sheet's token, and every failure turned into one Chinese line.
 *
 * All .gs files share one global scope (Apps Script's model), so the names here are
 * used by Menu.gs and Functions.gs directly. Names ending in "_" are private: Apps Script
 * hides them from google.script.run and from the "run function" list.
 */

/** Document property keys. The token is this sheet's own (python -m sheets addon-key). */
var ROI_PROP_URL = 'ROI_SERVER_URL';
var ROI_PROP_TOKEN = 'ROI_TOKEN';

/** The prefix of an error written into one row of a range's results (a single cell throws instead). */
var ROI_ERROR_PREFIX = '#ROI: ';

/**
 * A custom-function call must return within 30 seconds (Google's limit): no request is started after
 * ROI_FETCH_BUDGET_MS of the call, so the last one has about 10 s before the limit. Set by roiStartCall_ at the
 * start of a custom function; null in menus, triggers and pages (their limit is 6 minutes).
 */
var ROI_FETCH_BUDGET_MS = 20000;
var ROI_CALL_STARTED_ = null;

/** Marks the start of a custom-function call (this execution's clock; globals are new in each execution). */
function roiStartCall_() {
  ROI_CALL_STARTED_ = Date.now();
}

/** Milliseconds left before no request may start, or Infinity outside a custom function. */
function roiBudgetLeft_() {
  return ROI_CALL_STARTED_ === null ? Infinity : ROI_CALL_STARTED_ + ROI_FETCH_BUDGET_MS - Date.now();
}

/**
 * An error a user can read: the message is Chinese, one line, never a stack trace.
 * `status` is the HTTP status when the server answered (0 when it did not).
 */
function RoiError_(message, status, retryAfter) {
  this.name = 'RoiError';
  this.message = message;
  this.status = status || 0;
  this.retryAfter = retryAfter || null;
  // fatal: the whole call failed (no connection, no answer, no time): a range cannot show it row by row
  this.fatal = false;
  // remembered: worth remembering for a few seconds so other cells do not ask again (the server answered)
  this.remembered = false;
}

/** A RoiError_ that stops the whole call (see `fatal`). */
function roiFatal_(message, status, remembered) {
  var e = new RoiError_(message, status);
  e.fatal = true;
  e.remembered = !!remembered;
  return e;
}
RoiError_.prototype = Object.create(Error.prototype);
RoiError_.prototype.constructor = RoiError_;

/** The server URL and token saved for this spreadsheet, or nulls. */
function roiSettings_() {
  var props = PropertiesService.getDocumentProperties();
  return {
    url: props.getProperty(ROI_PROP_URL),
    token: props.getProperty(ROI_PROP_TOKEN)
  };
}

/**
 * Checks a server address before the sheet's token is ever sent to it.
 *
 * The token goes in the Authorization header of every request, so the address must be https
 * (UrlFetchApp fetches http:// as well, in clear text) and must not carry a user name or
 * password (https://user:pw@host puts a second secret in the address, where logs and the
 * dialog show it). "https://roi.example.com/" → { url: "https://roi.example.com" };
 * anything else → { error: one Chinese line saying what to write instead }.
 */
function roiCheckServerUrl_(url) {
  var text = String(url == null ? '' : url).trim().replace(/\/+$/, '');
  var example = '例如 https://roi.example.com';
  if (!text) {
    return { error: '请填写服务器地址，' + example };
  }
  var scheme = /^([a-z][a-z0-9+.\-]*):\/\//i.exec(text);
  if (scheme && scheme[1].toLowerCase() === 'http') {
    return { error: '服务器地址必须以 https:// 开头：http:// 会把本表格的令牌明文发出去，' + example };
  }
  if (!scheme || scheme[1].toLowerCase() !== 'https') {
    return { error: '服务器地址要以 https:// 开头，' + example };
  }
  var rest = text.slice(scheme[0].length);
  var authority = rest.split(/[\/?#]/)[0];
  if (authority.indexOf('@') >= 0) {
    return { error: '服务器地址里不能包含用户名或密码（@ 和它前面的部分）：令牌已经足够证明身份，请只填 https://主机名，' + example };
  }
  // a host name or IPv4 (letters of any script, digits, dots, hyphens), or [IPv6]; an optional port;
  // an optional path; no query, fragment, space or backslash (browsers read "\" as "/")
  if (!/^([^\s\/?#\\:@\[\]]+|\[[0-9a-f:.]+\])(:\d{1,5})?(\/[^\s?#\\]*)?$/i.test(rest)) {
    return { error: '服务器地址的格式不对，只填 https://主机名[:端口][/路径]，' + example };
  }
  var port = /:(\d+)$/.exec(authority);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) {
    return { error: '服务器地址的端口「' + port[1] + '」不对（应在 1 至 65535 之间），' + example };
  }
  return { url: 'https://' + rest };
}

/** The host of a URL, for messages (never the query string, never the token, never a user:password@). */
function roiHost_(url) {
  var m = /^https?:\/\/([^\/?#]+)/i.exec(String(url || ''));
  return m ? m[1].replace(/^.*@/, '') : String(url || '');
}

/**
 * Calls the API and returns the parsed JSON body of a 2xx answer.
 *
 * @param {string} method 'get' or 'post'
 * @param {string} path e.g. '/api/v1/snapshot?period=2026-10'
 * @param {Object=} body JSON body for POST
 * @param {{url: string, token: string}=} settings defaults to this sheet's saved ones
 * @return {Object} the JSON answer
 * @throws {RoiError_} not configured, unreachable, 401, 429, an error answer, not JSON
 */
function roiRequest_(method, path, body, settings) {
  settings = settings || roiSettings_();
  if (!settings.url || !settings.token) {
    throw roiFatal_('还没有连接服务器：请先在菜单「ROI 助手 → 连接设置」里填写服务器地址和本表格的令牌' +
      '（公式末尾写 ROI_刷新，连接后会自动算出）', 0);
  }
  // an address saved before the add-on checked it (http://, user:password@) is never used with the token
  var checked = roiCheckServerUrl_(settings.url);
  if (!checked.url) {
    throw roiFatal_('没有发送请求：' + checked.error + '（在「ROI 助手 → 连接设置」里重新填写）', 0);
  }
  if (roiBudgetLeft_() <= 0) {
    // past 20 s of a custom function: a request now could not finish before Google stops the call at 30 s
    throw roiFatal_('查询超时：这次计算已用了 ' + Math.round(ROI_FETCH_BUDGET_MS / 1000) + ' 秒，没有再发请求。稍后点「ROI 助手 → 刷新数据」重算', 0);
  }
  var base = checked.url;
  var params = {
    method: method,
    headers: { Authorization: 'Bearer ' + settings.token, Accept: 'application/json' },
    muteHttpExceptions: true,
    followRedirects: false,
    validateHttpsCertificates: true  // the default, said here: the token goes only to the certificate's holder
  };
  if (body !== undefined) {
    params.contentType = 'application/json; charset=utf-8';
    params.payload = JSON.stringify(body);
  }
  var response;
  try {
    response = UrlFetchApp.fetch(base + path, params);
  } catch (e) {
    // UrlFetchApp throws on DNS errors, refused connections and its own deadline.
    // Its message may quote the request; keep only the first line, never the headers.
    throw roiFatal_('连不上 ROI 助手服务器（' + roiHost_(base) + '）：' +
      String(e && e.message || e).split('\n')[0].slice(0, 200), 0, true);
  }
  var status = response.getResponseCode();
  var text = response.getContentText();
  var data = null;
  try {
    data = JSON.parse(text);
  } catch (e) {
    data = null;
  }
  if (status >= 200 && status < 300 && data && data.ok !== false) {
    return data;
  }
  var message = data && data.error ? String(data.error) : null;
  if (status === 401 || status === 403) {
    // the server's own line already says what to do; add our menu's name when it does not
    var told = message && message.indexOf('连接设置') >= 0;
    throw roiFatal_((message || '未授权') + (told ? '' : '（请在「ROI 助手 → 连接设置」里重新填写本表格的令牌）'), status, true);
  }
  if (status === 429) {
    var headers = response.getHeaders() || {};
    var retry = headers['Retry-After'] || headers['retry-after'] || null;
    var busy = roiFatal_('请求太频繁，请' + (retry ? ' ' + retry + ' 秒后' : '稍后') + '再试', status, true);
    busy.retryAfter = retry;
    throw busy;
  }
  if (message) {
    var error = new RoiError_(message + (data.hint ? '（' + data.hint + '）' : ''), status);
    error.closest = data.closest || null;
    error.fatal = status >= 500;  // 4xx: what was asked (a period, a question); 5xx: the server
    error.remembered = true;
    throw error;
  }
  if (status >= 300 && status < 400) {
    throw roiFatal_('服务器地址被重定向了（HTTP ' + status + '），请在「连接设置」里填写最终的 https 地址', status, true);
  }
  throw roiFatal_('服务器返回了 HTTP ' + status + '，不是 ROI 助手的回答：请检查「连接设置」里的地址', status, true);
}

/** The one line a user sees for any error: our own message, or the bare JS message. */
function roiErrorMessage_(e) {
  if (e instanceof RoiError_) {
    return e.message;
  }
  return '出错了：' + String(e && e.message || e).split('\n')[0].slice(0, 200);
}
