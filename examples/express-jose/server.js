// An API on panva/jose (6.x) used as its documentation shows: `createRemoteJWKSet` on the
// tenant's JWKS and `jwtVerify` with `issuer`, `audience` and RS256 only (it checks `exp` and
// `nbf` with no leeway); the scope split on spaces. A correct API: examples/README.md lists
// what the suite reports on it, and why.
//
// JWKS_COOLDOWN_MS and JWKS_CACHE_MAX_AGE_MS shorten jose's `cooldownDuration` (30 s) and
// `cacheMaxAge` (600 s) for test runs. The rest of the app: examples/common/quickstart.js.
const path = require('path');
const { createRemoteJWKSet, jwtVerify } = require('jose');
const { issuer, audience, quickstartApp, serve } = require(path.join(__dirname, '..', 'common', 'quickstart.js'));

const options = {};
if (process.env.JWKS_COOLDOWN_MS) options.cooldownDuration = Number(process.env.JWKS_COOLDOWN_MS);
if (process.env.JWKS_CACHE_MAX_AGE_MS) options.cacheMaxAge = Number(process.env.JWKS_CACHE_MAX_AGE_MS);
const jwks = createRemoteJWKSet(new URL(`${issuer}.well-known/jwks.json`), options);

serve(quickstartApp(async (token) => {
  const { payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'], requiredClaims: ['exp'] });
  return payload;
}));
