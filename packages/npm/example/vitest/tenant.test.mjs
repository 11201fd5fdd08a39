// The same package under Vitest, imported as an ES module: a JWKS broken on purpose, counted,
// and mended.
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTenant } from 'auth0-offline';

let tenant;
beforeAll(async () => { tenant = await startTenant(); });
afterAll(async () => { await tenant.stop(); });

// GET over HTTPS trusting only the tenant's CA: [status, body].
function fetchJwks() {
  return new Promise((resolve, reject) => {
    get(`${tenant.url}/.well-known/jwks.json`, { ca: readFileSync(tenant.caFile) }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve([res.statusCode, body]));
    }).on('error', reject);
  });
}

test('a JWKS fault is served and counted, then mended', async () => {
  await tenant.reset();
  await tenant.jwksFault('status', { status: 503 });
  expect((await fetchJwks())[0]).toBe(503);
  await tenant.jwksFault(null);
  const [status, body] = await fetchJwks();
  expect(status).toBe(200);
  expect(JSON.parse(body).keys.length).toBeGreaterThan(0);
  expect(await tenant.jwksFetches()).toBe(2);
});
