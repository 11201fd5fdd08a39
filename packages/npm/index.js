'use strict';
// auth0-offline for Node: start a TEST-ONLY mock Auth0 tenant (`startTenant`) and run the
// conformance suite against an API (`runConformance`). The binaries ride in ./bin (Linux x86-64).
// Every process started here is stopped when the test process exits.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');

const START_TIMEOUT_MS = 30000;
const REQUEST_TIMEOUT_MS = 30000;
const FAILURES = ['fail-unsafe', 'fail-functional', 'fail-robustness', 'fail-strict'];

const children = new Set();
process.on('exit', () => {
  for (const child of children) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

// The path of `mock-tenant` or `conformance`: AUTH0_OFFLINE_BIN_DIR when set, else ./bin.
function binary(name) {
  const dir = process.env.AUTH0_OFFLINE_BIN_DIR || path.join(__dirname, 'bin');
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${name} not found at ${file}: reinstall auth0-offline, or set AUTH0_OFFLINE_BIN_DIR`);
  }
  return file;
}

function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

// Options whose names a test process happens to carry must not change what the tools do.
function cleanEnv(prefix) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith(prefix)) env[k] = v;
  return env;
}

function readEnv(file) {
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

function tail(file, limit = 4000) {
  try { return fs.readFileSync(file, 'utf8').slice(-limit); } catch { return ''; }
}

class Tenant {
  constructor(child, dir, env, log) {
    this._child = child;
    this.pid = child.pid;
    this._dir = dir;
    this._log = log;
    this.env = env;
    this.domain = env.AUTH0_DOMAIN;
    this.issuer = env.AUTH0_ISSUER;
    this.url = this.issuer.replace(/\/$/, '');
    this.audience = env.AUTH0_AUDIENCE;
    this.caFile = env.SSL_CERT_FILE;
    this.clientId = env.AUTH0_CLIENT_ID;
    this.clientSecret = env.AUTH0_CLIENT_SECRET;
    this._ca = fs.readFileSync(this.caFile);
  }

  _request(method, urlPath, body, contentType = 'application/json') {
    const data = body === undefined ? undefined
      : (typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(this.url + urlPath, {
        method,
        ca: this._ca,
        timeout: REQUEST_TIMEOUT_MS,
        headers: data === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(data) },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode >= 400) {
            reject(new Error(`${method} ${urlPath}: ${res.statusCode} ${text}`));
          } else {
            resolve(text.trim() ? JSON.parse(text) : null);
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  async token(options = {}) {
    const opts = typeof options === 'string' ? { defect: options } : options;
    const body = {};
    if (opts.defect) body.defect = opts.defect;
    const claims = { ...(opts.claims || {}) };
    if (opts.scope !== undefined) claims.scope = opts.scope;
    if (Object.keys(claims).length) body.claims = claims;
    if (opts.header) body.header = opts.header;
    return (await this._request('POST', '/_mock/token', body)).token;
  }

  clientCredentials(scope) {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.clientId,
      client_secret: this.clientSecret,
      audience: this.audience,
    });
    if (scope) form.set('scope', scope);
    return this._request('POST', '/oauth/token', form.toString(), 'application/x-www-form-urlencoded');
  }

  rotateKeys() { return this._request('POST', '/_mock/keys/rotate', {}); }

  async jwksFault(kind, fields = {}) {
    if (kind === null || kind === undefined) await this._request('DELETE', '/_mock/jwks/fault');
    else await this._request('POST', '/_mock/jwks/fault', { kind, ...fields });
  }

  async clock(offsetSecs) { await this._request('POST', '/_mock/clock', { offset_secs: Math.trunc(offsetSecs) }); }

  async stats() { return (await this._request('GET', '/_mock/stats')).requests; }

  async jwksFetches() { return (await this.stats())['/.well-known/jwks.json'] || 0; }

  state() { return this._request('GET', '/_mock/state'); }

  async reset() { await this._request('POST', '/_mock/reset', {}); }

  get log() { return tail(this._log, 1 << 20); }

  async stop() {
    const child = this._child;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(this._dir, { recursive: true, force: true });
  }
}

async function startTenant(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-offline-'));
  const envOut = path.join(dir, 'tenant.env');
  const log = path.join(dir, 'tenant.log');
  const args = ['--port', '0', '--env-out', envOut, '--ca-out', path.join(dir, 'ca.pem')];
  if (options.tenantFile) args.push('--tenant', options.tenantFile);
  args.push(...(options.args || []));
  const out = fs.openSync(log, 'w');
  const child = track(spawn(binary('mock-tenant'), args, {
    stdio: ['ignore', out, out],
    env: cleanEnv('MOCK_TENANT_'),
  }));
  fs.closeSync(out);
  const timeout = options.timeoutMs || START_TIMEOUT_MS;
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (fs.existsSync(envOut)) return new Tenant(child, dir, readEnv(envOut), log);
    if (child.exitCode !== null || child.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  const text = tail(log);
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`mock-tenant did not start within ${timeout} ms:\n${text}`);
}

function runConformance(options = {}) {
  if ((options.url === undefined) === (options.exec === undefined)) {
    return Promise.reject(new Error('give exactly one of url and exec'));
  }
  const args = ['--json'];
  if (options.url !== undefined) args.push('--api', options.url);
  else args.push('--exec', options.exec);
  if (options.tenant) args.push('--tenant', options.tenant.url, '--tenant-ca', options.tenant.caFile);
  if (options.profile) args.push('--profile', options.profile);
  if (options.profileFile) args.push('--profile-file', options.profileFile);
  if (options.only && options.only.length) args.push('--only', options.only.join(','));
  if (options.openapi) args.push('--openapi', options.openapi);
  args.push(...(options.args || []));
  return new Promise((resolve, reject) => {
    const child = track(spawn(binary('conformance'), args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: cleanEnv('CONFORMANCE_'),
    }));
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs || 900000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0 && code !== 1) {
        reject(new Error(`conformance exited ${code}:\n${stderr.slice(-4000)}`));
        return;
      }
      let report;
      try {
        report = JSON.parse(Buffer.concat(out).toString('utf8'));
      } catch {
        reject(new Error(`conformance printed no JSON report:\n${stderr.slice(-4000)}`));
        return;
      }
      Object.defineProperty(report, 'failures', {
        value: report.outcomes.filter((o) => FAILURES.includes(o.verdict) && !o.contaminated_by),
        enumerable: false,
      });
      resolve(report);
    });
  });
}

module.exports = { startTenant, runConformance, binary, Tenant };
