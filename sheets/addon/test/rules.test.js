'use strict';
// The stand-in's own rules (README.md here lists each with Google's sentence): a test per rule, on small
// scripts of its own, so a rule cannot quietly stop holding. No server.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Runtime, LIMITS } = require('./appsscript_runtime.js');

/** A runtime over a throw-away project: `files` {name: source}, `manifest` the appsscript.json object. */
function project(files, manifest) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roi-rules-'));
  fs.writeFileSync(path.join(dir, 'appsscript.json'), JSON.stringify(manifest || {
    runtimeVersion: 'V8', oauthScopes: ['https://www.googleapis.com/auth/spreadsheets.currentonly', 'https://www.googleapis.com/auth/script.external_request']
  }));
  Object.entries(files).forEach(([name, source]) => fs.writeFileSync(path.join(dir, name), source));
  return new Runtime({ dir, sheets: { '表': [['a', 1], ['b', 2]] } });
}

test('recalculation: unchanged argument values are not run again; a changed referenced cell or a typed formula is', () => {
  const rt = project({ 'Code.gs': 'var n = 0; function COUNTED(x) { return Date.now(); }' });
  const first = rt.recalculate(['=COUNTED(B1)'], '表')[0].value;
  rt.advance(5000);
  assert.equal(rt.recalculate(['=COUNTED(B1)'], '表')[0].value, first, 'same arguments: the same result, not run');
  assert.equal(rt.executions.length, 1);
  rt.spreadsheet.sheet('表').set(0, 1, 3);  // B1 changes
  assert.notEqual(rt.recalculate(['=COUNTED(B1)'], '表')[0].value, first);
  assert.equal(rt.executions.length, 2);
  rt.evaluate('=COUNTED(B1)', '表');  // typed again
  assert.equal(rt.executions.length, 3);
});

test('TODAY(), NOW(), RAND() as arguments: "Loading..." for ever, the function never runs', () => {
  const rt = project({ 'Code.gs': 'function F(x) { return 1; }' });
  for (const f of ['=F(TODAY())', '=F(NOW())', '=F(RAND())', '=F(RANDBETWEEN(1, 9))']) {
    assert.deepEqual(rt.evaluate(f), { loading: true, value: 'Loading...' }, f);
  }
  assert.equal(rt.executions.length, 0);
});

test('30 s per custom-function call on the runtime\'s clock: "Exceeded maximum execution time", and no fetch after it', () => {
  const rt = project({ 'Code.gs': 'function SLOW() { Utilities.sleep(31000); return 1; }\nfunction LATE() { Utilities.sleep(31000); UrlFetchApp.fetch("https://x.example/"); return 1; }' });
  rt.script('GET', 'https://x.example/', { body: 'ok' });
  assert.deepEqual(rt.evaluate('=SLOW()'), { error: '#ERROR!', message: 'Exceeded maximum execution time (line 0).' });
  assert.deepEqual(rt.evaluate('=LATE()'), { error: '#ERROR!', message: 'Exceeded maximum execution time (line 0).' });
  assert.equal(rt.fetchCount, 0);
});

test('a custom function may read but not write properties, cells, triggers or UI', () => {
  const rt = project({ 'Code.gs': `
    function W(kind) {
      if (kind === 'user') PropertiesService.getUserProperties().setProperty('k', 'v');
      if (kind === 'doc') PropertiesService.getDocumentProperties().setProperty('k', 'v');
      if (kind === 'read') return PropertiesService.getDocumentProperties().getProperty('k') || 'none';
      if (kind === 'cell') SpreadsheetApp.getActiveSpreadsheet().getSheetByName('表').getRange('A1').setValue(1);
      if (kind === 'trigger') ScriptApp.newTrigger('W').timeBased().everyHours(1).create();
      if (kind === 'ui') SpreadsheetApp.getUi();
      return 'wrote';
    }` }, { oauthScopes: ['https://www.googleapis.com/auth/spreadsheets.currentonly', 'https://www.googleapis.com/auth/script.scriptapp', 'https://www.googleapis.com/auth/script.container.ui'] });
  assert.equal(rt.evaluate('=W("read")').value, 'none');
  for (const [kind, said] of [['user', /permission to call setProperty/], ['doc', /permission to call setProperty/],
    ['cell', /permission to call setValue/], ['trigger', /permission to call ScriptApp/], ['ui', /Cannot call SpreadsheetApp.getUi\(\)/]]) {
    const r = rt.evaluate(`=W("${kind}")`);
    assert.equal(r.error, '#ERROR!', kind);
    assert.match(r.message, said, kind);
  }
  assert.deepEqual(rt.properties.user.api().getProperties(), {});
});

test('CacheService: keys over 250 characters refused on reads too; values over 100 KB refused', () => {
  const cache = new Runtime().caches.document.api();
  assert.throws(() => cache.get('k'.repeat(LIMITS.cacheKeyChars + 1)), /Argument too large: key/);
  assert.throws(() => cache.getAll(['ok', 'k'.repeat(251)]), /Argument too large: key/);
  assert.throws(() => cache.remove('k'.repeat(251)), /Argument too large: key/);
  assert.equal(cache.get('k'.repeat(250)), null);
  assert.throws(() => cache.put('v', 'x'.repeat(LIMITS.cacheValueBytes + 1), 60), /Argument too large: value/);
});

test('scopes: a service the manifest does not grant is refused', () => {
  const rt = project({ 'Code.gs': 'function go() { return UrlFetchApp.fetch("https://x.example/").getContentText(); }\nfunction ui() { SpreadsheetApp.getUi(); }\nfunction t() { ScriptApp.getProjectTriggers(); }' },
    { oauthScopes: ['https://www.googleapis.com/auth/spreadsheets.currentonly'] });
  rt.script('GET', 'https://x.example/', { body: 'ok' });
  assert.throws(() => rt.scriptRun('go'), /Required permissions: https:\/\/www.googleapis.com\/auth\/script.external_request/);
  assert.throws(() => rt.scriptRun('ui'), /script.container.ui/);
  assert.throws(() => rt.scriptRun('t'), /script.scriptapp/);
  assert.equal(rt.fetchCount, 0);
});

test('urlFetchWhitelist: only the listed prefixes are fetched; a wildcard needs a subdomain', () => {
  const files = { 'Code.gs': 'function go(u) { return UrlFetchApp.fetch(u).getContentText(); }' };
  const scopes = ['https://www.googleapis.com/auth/script.external_request'];
  const rt = project(files, { oauthScopes: scopes, urlFetchWhitelist: ['https://roi.example.com/', 'https://*.example.org/api'] });
  rt.script('GET', 'https://', { body: 'ok' });
  assert.equal(rt.scriptRun('go', 'https://roi.example.com/api/v1/snapshot'), 'ok');
  assert.equal(rt.scriptRun('go', 'https://a.b.example.org/api/x'), 'ok');
  for (const url of ['https://roi.example.com.evil.test/', 'https://example.org/api', 'https://other.example.com/']) {
    assert.throws(() => rt.scriptRun('go', url), /urlFetchWhitelist does not allow/, url);
  }
});

test('triggers: hourly at most, one per user and document', () => {
  const rt = project({ 'Code.gs': 'function every(m) { ScriptApp.newTrigger("h").timeBased().everyMinutes(m).create(); }\nfunction hourly() { ScriptApp.newTrigger("h").timeBased().everyHours(1).create(); }\nfunction h() {}' },
    { oauthScopes: ['https://www.googleapis.com/auth/script.scriptapp'] });
  assert.throws(() => rt.scriptRun('every', 30), /once per hour/);
  rt.scriptRun('hourly');
  assert.throws(() => rt.scriptRun('hourly'), /already created a time-based trigger/);
  assert.equal(rt.triggers.length, 1);
});

test('the document lock: a waiter gives up when its timeout ends first, and the clock moves by the wait', () => {
  const rt = project({ 'Code.gs': 'function take(ms) { return LockService.getDocumentLock().tryLock(ms); }' });
  rt.holdLock('document', 12000);
  const before = rt.now();
  assert.equal(rt.scriptRun('take', 8000), false);
  assert.ok(rt.now() - before >= 8000);
  assert.equal(rt.scriptRun('take', 8000), true, 'the holder is done 12 s after it started');
});

test('createAddonMenu: a sub-menu of Extensions named after the add-on; a named range unknown to the sheet is #NAME?', () => {
  const rt = project({ 'Code.gs': 'function onOpen() { SpreadsheetApp.getUi().createAddonMenu().addItem("x", "f").addToUi(); }\nfunction F(x) { return x; }' },
    { oauthScopes: ['https://www.googleapis.com/auth/script.container.ui'] });
  const menus = rt.open();
  assert.deepEqual(menus.map((m) => [m.caption, m.addon]), [['ROI 助手', true]]);
  assert.equal(rt.evaluate('=F(ROI_刷新)').error, '#NAME?');
});

test('Utilities.computeDigest gives Java\'s signed bytes: SHA-256 of "abc"', () => {
  const ctx = new Runtime()._context('FULL');
  const bytes = ctx.Utilities.computeDigest(ctx.Utilities.DigestAlgorithm.SHA_256, 'abc', ctx.Utilities.Charset.UTF_8);
  const hex = bytes.map((b) => ((b + 256) % 256).toString(16).padStart(2, '0')).join('');
  // the published SHA-256 test vector for "abc" (FIPS 180-2)
  assert.equal(hex, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.ok(bytes.some((b) => b < 0), 'signed, as Java bytes');
});
