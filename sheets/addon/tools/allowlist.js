'use strict';
// Before publishing the add-on (a versioned deployment): writes the ROI 助手 server's address into the manifest's
// urlFetchWhitelist, the only address UrlFetchApp may then reach.
//
//   node sheets/addon/tools/allowlist.js https://roi.example.com          # prints the manifest it would write
//   node sheets/addon/tools/allowlist.js https://roi.example.com --write  # writes sheets/addon/appsscript.json
//
// The address is checked by the add-on's own rule (Api.gs roiCheckServerUrl_: https only, no user:password@),
// and written as Google's allowlist prefixes must be: https://, a full domain, a non-empty path ("https://host/").
// Google: the field "is optional when you install a test deployment, but is required when you create a versioned
// deployment"; a bound script or a test deployment works without it.

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ADDON = path.resolve(__dirname, '..');

/** The urlFetchWhitelist prefix for a server address, or throws with the add-on's Chinese line. */
function allowlistPrefix(address) {
  const context = vm.createContext({});
  vm.runInContext(fs.readFileSync(path.join(ADDON, 'Api.gs'), 'utf8'), context);
  const checked = context.roiCheckServerUrl_(address);
  if (!checked.url) throw new Error(checked.error);
  return checked.url.replace(/\/*$/, '/');
}

function manifestFor(address) {
  const manifest = JSON.parse(fs.readFileSync(path.join(ADDON, 'appsscript.json'), 'utf8'));
  manifest.urlFetchWhitelist = [allowlistPrefix(address)];
  return manifest;
}

if (require.main === module) {
  const [address, flag] = process.argv.slice(2);
  if (!address) {
    process.stderr.write('用法：node sheets/addon/tools/allowlist.js https://你的服务器地址 [--write]\n');
    process.exit(2);
  }
  let manifest;
  try {
    manifest = manifestFor(address);
  } catch (e) {
    process.stderr.write(e.message + '\n');
    process.exit(1);
  }
  const text = JSON.stringify(manifest, null, 2) + '\n';
  if (flag === '--write') {
    fs.writeFileSync(path.join(ADDON, 'appsscript.json'), text);
    process.stdout.write('已写入 appsscript.json：urlFetchWhitelist = ' + JSON.stringify(manifest.urlFetchWhitelist) + '\n');
  } else {
    process.stdout.write(text);
  }
}

module.exports = { allowlistPrefix, manifestFor };
