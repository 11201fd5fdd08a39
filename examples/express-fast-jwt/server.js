// An API on fast-jwt with get-jwks, as their documentation shows: `createVerifier` with an
// async `key` that asks get-jwks for the token's `kid` and `alg` on the tenant's domain,
// `allowedIss`, `allowedAud` and RS256 only (it checks `exp` and `nbf` with no leeway), and
// `requiredClaims` (without it, fast-jwt passes a token that has no `iss` or `aud`); the scope
// split on spaces. A correct API on fast-jwt 6: examples/README.md lists what the suite reports
// on it, and why. scripts/test also runs it on fast-jwt 5.0.5 (CVE-2025-30144: an `iss` array
// passes when any element is allowed) beside 5.0.6, its fix.
//
// JWKS_CACHE_MAX_AGE_MS shortens get-jwks' `ttl` (60 s) for test runs. The rest of the app:
// examples/common/quickstart.js.
const path = require('path');
const { createVerifier } = require('fast-jwt');
const buildGetJwks = require('get-jwks');
const { issuer, audience, quickstartApp, serve } = require(path.join(__dirname, '..', 'common', 'quickstart.js'));

const getJwks = buildGetJwks({
  ttl: Number(process.env.JWKS_CACHE_MAX_AGE_MS || 60000),
  issuersWhitelist: [issuer],
});

const verify = createVerifier({
  key: async ({ header }) => getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: issuer }),
  algorithms: ['RS256'],
  allowedIss: issuer,
  allowedAud: audience,
  requiredClaims: ['iss', 'aud', 'exp'],
});

serve(quickstartApp(verify));
