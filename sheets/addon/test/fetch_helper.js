'use strict';
// One HTTP request for the runtime's UrlFetchApp, run as a child process so that the
// add-on's code can wait for it synchronously, as UrlFetchApp.fetch does in Apps Script.
// stdin: {"url", "method", "headers", "payload", "deadlineMs", "validateCertificates"}; stdout:
// {"status", "headers", "body"} or {"error": "<one line>"}. Redirects are not followed here (the runtime
// decides). An https certificate is checked (against Node's CAs and NODE_EXTRA_CA_CERTS) unless
// validateCertificates is false, as UrlFetchApp's validateHttpsCertificates (default true).

const http = require('node:http');
const https = require('node:https');

function main(request) {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  const body = request.payload == null ? null : Buffer.from(String(request.payload), 'utf8');
  const headers = Object.assign({}, request.headers || {});
  if (body) {
    headers['Content-Length'] = String(body.length);
  }
  const options = { method: request.method, headers, timeout: request.deadlineMs };
  if (url.protocol === 'https:') {
    options.rejectUnauthorized = request.validateCertificates !== false;
  }
  const req = client.request(url, options, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      // rawHeaders keeps the server's spelling of each name ("Retry-After"), as Apps Script does
      const out = {};
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i];
        const value = res.rawHeaders[i + 1];
        out[name] = name in out ? [].concat(out[name], value) : value;
      }
      process.stdout.write(JSON.stringify({ status: res.statusCode, headers: out, body: Buffer.concat(chunks).toString('utf8') }));
    });
  });
  req.on('timeout', () => req.destroy(new Error('Timeout: ' + request.url)));
  req.on('error', (e) => process.stdout.write(JSON.stringify({ error: String(e.message || e) })));
  if (body) {
    req.write(body);
  }
  req.end();
}

// `node --test sheets/addon/test/` loads every .js file here as a test: only run when the runtime spawns us.
if (process.env.ROI_FETCH_HELPER !== '1') {
  return;
}
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => main(JSON.parse(input)));
