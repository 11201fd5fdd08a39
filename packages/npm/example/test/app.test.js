// The example API's tests with node:test and auth0-offline: a real tenant on localhost, tokens
// good and bad, a rotated key, and the conformance suite (which must pass, and must fail when a
// flaw is planted).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { startTenant, runConformance } = require('auth0-offline');

let tenant;
const apis = [];

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts server.js with the tenant's environment; resolves to its URL once it answers.
async function startApi(extraEnv = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'server.js')], {
    env: { ...process.env, ...tenant.env, PORT: String(port), ...extraEnv },
    stdio: 'inherit',
  });
  apis.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${url}/api/public`)).ok) return url;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the API did not start within 10 s');
}

async function get(url, token) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

before(async () => { tenant = await startTenant(); });
after(async () => {
  for (const child of apis) child.kill();
  await tenant.stop();
});

test('a valid token opens the private route; none gets 401', async () => {
  const api = await startApi();
  assert.equal((await get(`${api}/api/private`, await tenant.token())).status, 200);
  assert.equal((await get(`${api}/api/private`)).status, 401);
});

test('broken tokens get 401 invalid_token', async () => {
  const api = await startApi();
  for (const defect of ['exp-past', 'aud-wrong', 'alg-none', 'sig-broken-bitflip']) {
    const { status, body } = await get(`${api}/api/private`, await tenant.token({ defect }));
    assert.deepEqual([status, body.error], [401, 'invalid_token'], defect);
  }
});

test('a token from /oauth/token passes, one without the scope gets 403', async () => {
  const api = await startApi();
  const { access_token: token } = await tenant.clientCredentials();
  assert.equal((await get(`${api}/api/private-scoped`, token)).status, 200);
  const { status } = await get(`${api}/api/private-scoped`, await tenant.token({ scope: 'openid' }));
  assert.equal(status, 403);
});

test('after a key rotation old and new tokens pass', async () => {
  await tenant.reset();
  const api = await startApi();
  const old = await tenant.token();
  assert.equal((await get(`${api}/api/private`, old)).status, 200);
  const keys = await tenant.rotateKeys();
  assert.notEqual(keys.current, keys.previous);
  assert.equal((await get(`${api}/api/private`, await tenant.token())).status, 200);
  assert.equal((await get(`${api}/api/private`, old)).status, 200);
  await tenant.reset();
});

test('the API passes the conformance suite', async () => {
  const api = await startApi();
  const report = await runConformance({
    url: api, tenant, profile: 'jose', args: ['--jwks-cooldown', '2', '--jwks-ttl', '5'],
  });
  assert.deepEqual(report.failures.map((o) => `${o.id}: ${o.note}`), []);
  assert.ok(report.outcomes.length > 100);
  // The suite put the tenant back as it found it.
  const state = await tenant.state();
  assert.deepEqual([state.fault, state.clock_offset], [null, 0]);
});

test('a planted flaw fails the conformance suite', async () => {
  const api = await startApi({ PLANTED_FLAW: 'no-scope' });
  const report = await runConformance({ url: api, tenant, profile: 'jose', only: ['scope-', 'valid'] });
  const failed = report.failures.map((o) => o.id);
  assert.ok(failed.includes('scope-missing'), failed.join(', '));
  assert.ok(!failed.includes('valid'));
});

test('a test process that exits without stop() leaves no tenant behind', async () => {
  const script = "require('auth0-offline').startTenant().then((t) => { console.log(t.pid); process.exit(0); });";
  const child = spawn(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  await new Promise((resolve) => child.on('close', resolve));
  const pid = Number(out.trim());
  assert.ok(pid > 0, out);
  let alive = true;
  for (let i = 0; i < 40 && alive; i += 1) {
    try { process.kill(pid, 0); await new Promise((r) => setTimeout(r, 50)); } catch { alive = false; }
  }
  assert.equal(alive, false, `tenant ${pid} still runs`);
});
