'use strict';
// An https front for the API under test, as a TLS-terminating load balancer is in production: the add-on
// only talks to https:// addresses, and the API under test (gunicorn on loopback) speaks plain http.
//
// startHttpsFront(upstream) makes a throw-away self-signed certificate for 127.0.0.1 (openssl), starts this
// file as a child process serving https on a free 127.0.0.1 port and forwarding every request to `upstream`
// (the Host header as sent, plus X-Forwarded-Proto: https so the app builds https links, as behind a real
// proxy), and adds the certificate to the bundle NODE_EXTRA_CA_CERTS names, so the runtime's fetch
// helpers (child processes) trust it, and only because the test said so (`trust: false` leaves it out:
// a certificate nobody vouches for). A child process, not a server in the test process: the
// runtime's UrlFetchApp blocks the test process while it waits, as Apps Script's does.

const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');

/** A self-signed certificate for 127.0.0.1, valid for a day: { certFile, keyFile, cert }. */
function makeCertificate(dir) {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error('the add-on tests need openssl to make a test certificate for their https front: ' + e.message);
  }
  return { certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8') };
}

let bundle = null;  // this process's trusted test certificates, one file (NODE_EXTRA_CA_CERTS names one)

function trust(cert) {
  if (bundle === null) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roi-front-ca-'));
    bundle = path.join(dir, 'ca.pem');
    fs.writeFileSync(bundle, '');
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  fs.appendFileSync(bundle, cert);
  process.env.NODE_EXTRA_CA_CERTS = bundle;  // read by each fetch helper when it starts
}

/**
 * Starts an https front to `upstream` (an http:// URL). `options.forwardedProto` (default true) sends
 * X-Forwarded-Proto: https, false imitates a proxy that does not say so; `options.trust` (default true)
 * adds the front's certificate to the fetch helpers' trusted ones.
 * @return {Promise<{url: string, cert: string, stop: function}>}
 */
async function startHttpsFront(upstream, options) {
  options = options || {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roi-front-'));
  const { certFile, keyFile, cert } = makeCertificate(dir);
  if (options.trust !== false) {
    trust(cert);
  }
  const child = spawn(process.execPath, [__filename], {
    env: Object.assign({}, process.env, {
      ROI_HTTPS_FRONT: '1', ROI_FRONT_UPSTREAM: upstream, ROI_FRONT_CERT: certFile, ROI_FRONT_KEY: keyFile,
      ROI_FRONT_PROTO: options.forwardedProto === false ? '' : 'https'
    }),
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line).port);
    });
    child.on('exit', (code) => reject(new Error('the https front exited with ' + code)));
  });
  return {
    url: `https://127.0.0.1:${port}`,
    cert,
    stop() {
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** GET `url` trusting `cert` (the test process itself was started before NODE_EXTRA_CA_CERTS was set). */
function getPage(url, cert) {
  return new Promise((resolve, reject) => {
    https.get(url, { ca: cert }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    }).on('error', reject);
  });
}

function serve() {
  const upstream = new URL(process.env.ROI_FRONT_UPSTREAM);
  const server = https.createServer({
    cert: fs.readFileSync(process.env.ROI_FRONT_CERT), key: fs.readFileSync(process.env.ROI_FRONT_KEY)
  }, (req, res) => {
    const headers = Object.assign({}, req.headers, { 'x-forwarded-for': req.socket.remoteAddress });
    delete headers['x-forwarded-proto'];  // only the front says how the request came in
    if (process.env.ROI_FRONT_PROTO) headers['x-forwarded-proto'] = process.env.ROI_FRONT_PROTO;
    const forward = http.request({
      hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers
    }, (reply) => {
      res.writeHead(reply.statusCode, reply.rawHeaders);
      reply.pipe(res);
    });
    forward.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
}

module.exports = { startHttpsFront, getPage };

// `node --test sheets/addon/test/` loads every .js file here as a test: only serve when started as the front.
if (process.env.ROI_HTTPS_FRONT === '1') {
  serve();
}
