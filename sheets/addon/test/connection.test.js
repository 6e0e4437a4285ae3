'use strict';
// 连接设置 keeps the sheet's token off clear-text and credential-carrying addresses: only https:// addresses
// without user:password are saved, an address saved by an older version is never used with the token,
// the certificate is checked, and the sidebar's page link must be https too. The refusals need no server;
// the rest run against the real API (tests/web/test_addon_node.py sets ROI_API_URL / ROI_TOKEN) through
// an https front (https_front.js).

const test = require('node:test');
const assert = require('node:assert/strict');
const { Runtime } = require('./appsscript_runtime.js');
const { startHttpsFront } = require('./https_front.js');

const UPSTREAM = process.env.ROI_API_URL;
const TOKEN = process.env.ROI_TOKEN;
const needsApi = !UPSTREAM || !TOKEN ? 'ROI_API_URL / ROI_TOKEN not set: run through tests/web/test_addon_node.py' : false;
const EXAMPLE = '例如 https://roi.example.com';
const HTTP = '服务器地址必须以 https:// 开头：http:// 会把本表格的令牌明文发出去，' + EXAMPLE;
const CREDENTIALS = '服务器地址里不能包含用户名或密码（@ 和它前面的部分）：令牌已经足够证明身份，请只填 https://主机名，' + EXAMPLE;
const NOT_HTTPS = '服务器地址要以 https:// 开头，' + EXAMPLE;
const SHAPE = '服务器地址的格式不对，只填 https://主机名[:端口][/路径]，' + EXAMPLE;

const fronts = [];
test.after(() => fronts.forEach((f) => f.stop()));

async function front(options) {
  const f = await startHttpsFront(UPSTREAM, options);
  fronts.push(f);
  return f;
}

const REFUSED = [
  ['http://roi.example.com', HTTP],
  ['HTTP://ROI.EXAMPLE.COM/', HTTP],
  ['  http://127.0.0.1:8000  ', HTTP],
  ['https://user:pw@roi.example.com', CREDENTIALS],
  ['https://user@roi.example.com', CREDENTIALS],
  ['https://:pw@roi.example.com', CREDENTIALS],
  ['https://roi.example.com@evil.example', CREDENTIALS],
  ['https://evil.example\\@roi.example.com', CREDENTIALS],
  ['HTTPS://u:p@roi.example.com/path', CREDENTIALS],
  ['roi.example.com', NOT_HTTPS],
  ['ftp://roi.example.com', NOT_HTTPS],
  ['javascript:alert(1)', NOT_HTTPS],
  ['//roi.example.com', NOT_HTTPS],
  ['', '请填写服务器地址，' + EXAMPLE],
  ['https://roi.example.com/?token=x', SHAPE],
  ['https://roi.example.com/#x', SHAPE],
  ['https://roi example.com', SHAPE],
  ['https:///path', SHAPE],
  ['https://roi.example.com:99999', '服务器地址的端口「99999」不对（应在 1 至 65535 之间），' + EXAMPLE]
];

test('连接设置 saves no address but https:// without user:password, and says why in Chinese', () => {
  const rt = new Runtime();
  for (const [url, message] of REFUSED) {
    const result = rt.scriptRun('saveConnectionSettings', { url, token: 'roi_some-token' });
    assert.deepEqual(result, { ok: false, message: '没有保存：' + message }, url);
  }
  assert.equal(rt.fetchCount, 0, 'the token was sent nowhere');
  assert.deepEqual(rt.properties.document.api().getProperties(), {});
  assert.ok(!JSON.stringify(rt.logs).includes('roi_some-token'));
});

test('accepted addresses are saved as https://host[:port][/path], without trailing slashes', () => {
  const check = new Runtime()._context('FULL').roiCheckServerUrl_;
  const cases = [
    ['https://roi.example.com/', 'https://roi.example.com'],
    [' HTTPS://Roi.Example.com:8443/base// ', 'https://Roi.Example.com:8443/base'],
    ['https://[2001:db8::1]:8443', 'https://[2001:db8::1]:8443'],
    ['https://例子.中国/roi', 'https://例子.中国/roi'],
    ['https://roi.example.com/a@b', 'https://roi.example.com/a@b']  // an @ in the path is not a password
  ];
  for (const [typed, saved] of cases) {
    assert.equal(JSON.stringify(check(typed)), JSON.stringify({ url: saved }), typed);
  }
});

test('an address saved by an older version (http, user:password) is never used with the token', () => {
  for (const [url, message] of [['http://127.0.0.1:1', HTTP], ['https://u:p@127.0.0.1:1', CREDENTIALS]]) {
    const rt = new Runtime({ sheets: { '活动': [['活动名称'], ['618活动']] } });
    rt.properties.document.api().setProperties({ ROI_SERVER_URL: url, ROI_TOKEN: 'roi_old-token' });
    const cell = rt.evaluate('=ROI("618活动")');
    assert.equal(cell.error, '#ERROR!', url);
    assert.equal(cell.message, '没有发送请求：' + message + '（在「ROI 助手 → 连接设置」里重新填写）', url);
    const session = rt.scriptRun('openSession');
    assert.equal(session.ok, false);
    assert.ok(session.error.startsWith('没有发送请求：'), session.error);
    assert.equal(rt.fetchCount, 0, url + ': no request at all');
    assert.equal(rt.scriptRun('getConnectionSettings').url, url, 'shown in 连接设置 so it can be corrected');
  }
});

test('an https address is checked against the server and saved; every request goes over https', { skip: needsApi }, async () => {
  const api = await front();
  const rt = new Runtime();
  const saved = rt.scriptRun('saveConnectionSettings', { url: api.url + '/', token: TOKEN });
  assert.ok(saved.ok, saved.message);
  assert.deepEqual(rt.properties.document.api().getProperties(), { ROI_SERVER_URL: api.url, ROI_TOKEN: TOKEN });
  assert.ok(rt.scriptRun('askQuestion', '618活动').ok);
  assert.ok(rt.fetches.length >= 2 && rt.fetches.every((f) => f.url.startsWith(api.url + '/')), JSON.stringify(rt.fetches));
});

test('a certificate nobody vouches for: not saved, the token is not sent', { skip: needsApi }, async () => {
  const untrusted = await front({ trust: false });
  const rt = new Runtime();
  const result = rt.scriptRun('saveConnectionSettings', { url: untrusted.url, token: TOKEN });
  assert.equal(result.ok, false);
  assert.ok(result.message.startsWith('没有保存：连不上 ROI 助手服务器（127.0.0.1:'), result.message);
  assert.deepEqual(rt.properties.document.api().getProperties(), {});
});

test('the sidebar opens only an https page link', { skip: needsApi }, async () => {
  // a proxy that does not tell the app the request came over https (and no ROI_PUBLIC_URL): the app
  // builds an http:// page link, which the sidebar refuses to show
  const silent = await front({ forwardedProto: false });
  const rt = new Runtime();
  rt.properties.document.api().setProperties({ ROI_SERVER_URL: silent.url, ROI_TOKEN: TOKEN });
  const session = rt.scriptRun('openSession');
  assert.deepEqual(session, { ok: false, error: '服务器给出的对话页面地址不是 https：请管理员把 ROI_PUBLIC_URL 设成 https 地址' });
  const told = await front();
  rt.properties.document.api().setProperties({ ROI_SERVER_URL: told.url, ROI_TOKEN: TOKEN });
  const ok = rt.scriptRun('openSession');
  assert.ok(ok.ok && ok.url.startsWith(told.url + '/app?s='), JSON.stringify(ok));
});
