// The same package under Jest (CommonJS): a tenant per file, a token, a rotation.
const { startTenant } = require('auth0-offline');

let tenant;
beforeAll(async () => { tenant = await startTenant(); });
afterAll(async () => { await tenant.stop(); });

test('mints a token for the tenant API, signed by the current key', async () => {
  const token = await tenant.token();
  const [header, payload] = token.split('.').slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  expect(payload.aud).toContain(tenant.audience);
  expect(payload.iss).toBe(tenant.issuer);
  const keys = await tenant.rotateKeys();
  const [rotated] = (await tenant.token()).split('.').slice(0, 1)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  expect(rotated.kid).toBe(keys.current);
  expect(rotated.kid).not.toBe(header.kid);
  await tenant.reset();
});
