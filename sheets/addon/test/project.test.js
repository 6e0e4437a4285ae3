'use strict';
// The add-on project itself and the local runtime's own limits: no server needed.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Runtime, LIMITS, ADDON_DIR } = require('./appsscript_runtime.js');

const read = (name) => fs.readFileSync(path.join(ADDON_DIR, name), 'utf8');
const gsFiles = fs.readdirSync(ADDON_DIR).filter((f) => f.endsWith('.gs'));
const htmlFiles = fs.readdirSync(ADDON_DIR).filter((f) => f.endsWith('.html'));
const publicFunctions = new Set(gsFiles.flatMap((f) => Array.from(read(f).matchAll(/^function ([A-Za-z][A-Za-z0-9_]*[A-Za-z0-9])\s*\(/gm), (m) => m[1])));

test('manifest: V8 and exactly the four narrow scopes', () => {
  const manifest = JSON.parse(read('appsscript.json'));
  assert.equal(manifest.runtimeVersion, 'V8');
  assert.deepEqual(manifest.oauthScopes.slice().sort(), [
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/script.scriptapp',
    'https://www.googleapis.com/auth/spreadsheets.currentonly'
  ]);
  assert.equal(manifest.urlFetchWhitelist, undefined, 'the allowlist is written for a server before publishing (tools/allowlist.js)');
  gsFiles.forEach((f) => assert.ok(read(f).includes('@OnlyCurrentDoc'), f + ' keeps the current-document scope'));
});

/** The server function each google.script.run chain calls: the last `.name(` at the chain's top level. */
function serverCalls(html) {
  const names = [];
  let at = html.indexOf('google.script.run');
  while (at >= 0) {
    let depth = 0;
    let last = null;
    for (let i = at + 'google.script.run'.length; i < html.length; i++) {
      const ch = html[i];
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (depth === 0 && ch === '.') last = /^\.(\w+)/.exec(html.slice(i))[1];
      else if (depth === 0 && ch === ';') break;
    }
    names.push(last);
    at = html.indexOf('google.script.run', at + 1);
  }
  return names;
}

test('every menu item and every google.script.run call names a public server function', () => {
  const rt = new Runtime();
  rt.open();
  const items = rt.ui.menus[0].items.filter((i) => !i.separator).map((i) => i.functionName);
  const runCalls = htmlFiles.flatMap((f) => serverCalls(read(f)));
  assert.deepEqual(new Set(runCalls), new Set(['openSession', 'askQuestion', 'askButton', 'getConnectionSettings', 'saveConnectionSettings',
    'insertReport', 'insertFormula', 'importReports']));
  for (const name of items.concat(runCalls)) {
    assert.ok(publicFunctions.has(name), `${name} is not a public function in the .gs files`);
  }
});

test('custom functions carry @customfunction JSDoc (Sheets shows them in autocomplete)', () => {
  const source = gsFiles.map(read).join('\n');
  for (const name of ['ROI', 'ROAS', 'CAC', 'ROI_CHANNEL', 'ATTRIBUTED', 'ROI_ASK']) {
    const m = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*function ${name}\\(([^)]*)\\)`).exec(source);
    assert.ok(m, `${name} has a JSDoc block`);
    assert.ok(m[1].includes('@customfunction'), `${name} is marked @customfunction`);
    assert.ok(/refresh$/.test(m[2].trim()) && m[1].includes('@param {*=} refresh'), `${name} takes a last argument refresh`);
  }
});

test('.claspignore pushes only the manifest, the .gs files and the HTML', () => {
  const lines = read('.claspignore').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(lines, ['**/**', '!appsscript.json', '!*.gs', '!*.html']);
});

test('each execution starts from a fresh global scope; all .gs files share it', () => {
  const rt = new Runtime();
  const first = rt._context('FULL');
  first.ROI_SNAPSHOT_TTL = 1;
  assert.equal(typeof first.roiRequest_, 'function', 'Api.gs is visible from the same scope');
  assert.equal(typeof first.ROI, 'function', 'Functions.gs too');
  assert.equal(rt._context('FULL').ROI_SNAPSHOT_TTL, 300, 'a global set in one execution is gone in the next');
});

test('CacheService limits: 100 KB per value, 250-character keys, 6 hours at most', () => {
  const cache = new Runtime().caches.document.api();
  cache.put('k', 'x'.repeat(LIMITS.cacheValueBytes), 60);
  assert.throws(() => cache.put('k', 'x'.repeat(LIMITS.cacheValueBytes + 1), 60), /Argument too large: value/);
  assert.throws(() => cache.put('k', '中'.repeat(40000), 60), /Argument too large: value/, '120,000 UTF-8 bytes');
  assert.throws(() => cache.put('k'.repeat(251), 'v', 60), /Argument too large: key/);
  assert.throws(() => cache.put('k', 'v', 21601), /expirationInSeconds/);
  assert.throws(() => cache.put('k', 42, 60), /don't match the method signature/);
});

test('a snapshot above 100 KB is cached in chunks and read back whole; a lost chunk means a new request', () => {
  let now = 0;
  const rt = new Runtime({ clock: () => now });
  const ctx = rt._context('FULL');
  const cache = ctx.CacheService.getDocumentCache();
  const campaigns = {};
  for (let i = 0; i < 3000; i++) campaigns[`活动${i}号（华东区）`] = { roi: i / 7, roas: 1 + i, cac: null, channels: { 抖音: { roi: -i - 0.5 } } };
  const snapshot = { ok: true, campaigns, aliases: { '😀618': '活动1号（华东区）' } };
  const key = ctx.roiCacheKey_(['snap', '2026-10', '']);
  ctx.roiCacheWrite_(cache, key, snapshot);
  const chunks = Array.from(rt.caches.document.entries.entries()).filter(([k]) => k.startsWith(key + ':'));
  assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
  chunks.forEach(([, e]) => assert.ok(Buffer.byteLength(e.value, 'utf8') <= LIMITS.cacheValueBytes));
  const before = rt.caches.document.calls.length;
  assert.deepEqual(JSON.parse(JSON.stringify(ctx.roiCacheRead_(cache, key))), snapshot);
  assert.equal(rt.caches.document.calls.length - before, chunks.length > 8 ? 2 : 1, 'the head and up to 8 chunks in one getAll');
  now += 299 * 1000;
  assert.notEqual(ctx.roiCacheRead_(cache, key), null, 'still there just under 5 minutes');
  rt.caches.document.entries.delete(key + ':1');
  assert.equal(ctx.roiCacheRead_(cache, key), null);
  ctx.roiCacheWrite_(cache, key, snapshot);
  now += 301 * 1000;
  assert.equal(ctx.roiCacheRead_(cache, key), null, 'expired after 5 minutes');
});

test('a date cell as the period means its month in the spreadsheet time zone', () => {
  const rt = new Runtime({ timeZone: 'Asia/Shanghai' });
  const ctx = rt._context('CUSTOM_FUNCTION');
  // 2026-09-30 18:00 UTC is already 1 October in Shanghai
  assert.equal(ctx.roiArg_(new Date(Date.UTC(2026, 8, 30, 18, 0))), '2026-10');
  assert.equal(ctx.roiArg_('  上个月 '), '上个月');
  assert.equal(ctx.roiArg_(undefined), '');
});

test('custom functions cannot open UI or write cells (as in Sheets)', () => {
  const rt = new Runtime({ sheets: { '活动': [['x']] } });
  const ctx = rt._context('CUSTOM_FUNCTION');
  assert.throws(() => ctx.SpreadsheetApp.getUi(), /Cannot call SpreadsheetApp.getUi\(\) from this context/);
  assert.throws(() => ctx.SpreadsheetApp.getActive().getSheetByName('活动').getRange('A1').setValue(1), /permission/);
});

test('README: what refresh does in three lines, TODAY()/NOW() warned against, what to add before publishing', () => {
  const readme = read('README.md');
  const refresh = /<!-- refresh -->\n([\s\S]*?)\n<!-- \/refresh -->/.exec(readme);
  assert.ok(refresh, 'a marked refresh paragraph');
  assert.equal(refresh[1].split('\n').length, 3, 'three lines');
  assert.ok(refresh[1].includes('ROI_刷新') && refresh[1].includes('刷新数据'));
  assert.ok(/TODAY\(\)/.test(readme) && /NOW\(\)/.test(readme), 'TODAY()/NOW() as arguments are warned against');
  assert.ok(readme.includes('urlFetchWhitelist') && readme.includes('tools/allowlist.js'));
});

test('tools/allowlist.js writes Google\'s prefix form (https, full domain, non-empty path) and refuses http and user:password', () => {
  const { allowlistPrefix, manifestFor } = require('../tools/allowlist.js');
  assert.equal(allowlistPrefix('https://roi.example.com'), 'https://roi.example.com/');
  assert.equal(allowlistPrefix('https://roi.example.com/base/'), 'https://roi.example.com/base/');
  assert.throws(() => allowlistPrefix('http://roi.example.com'), /https:\/\//);
  assert.throws(() => allowlistPrefix('https://u:p@roi.example.com'), /用户名或密码/);
  const manifest = manifestFor('https://roi.example.com');
  assert.deepEqual(manifest.urlFetchWhitelist, ['https://roi.example.com/']);
  assert.deepEqual(manifest.oauthScopes, JSON.parse(read('appsscript.json')).oauthScopes);
});
