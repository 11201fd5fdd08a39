// An API on jsonwebtoken (9.x) with jwks-rsa (4.x), the pair most Node APIs use, as their
// documentation shows: jwks-rsa's client with its cache and its rate limit (`cache: true`,
// `rateLimit: true`, `jwksRequestsPerMinute`), and `jwt.verify` with a key callback that asks it
// for the token's `kid`, `issuer`, `audience` and RS256 only (it checks `exp` and `nbf` with no
// leeway); the scope split on spaces. A correct API: examples/README.md lists what the suite
// reports on it, and why.
//
// JWKS_CACHE_MAX_AGE_MS shortens jwks-rsa's `cacheMaxAge` (600 s) for test runs. The rest of
// the app: examples/common/quickstart.js.
const path = require('path');
const jwt = require('jsonwebtoken');
const jwksRsa = require('jwks-rsa');
const { issuer, audience, quickstartApp, serve } = require(path.join(__dirname, '..', 'common', 'quickstart.js'));

const client = jwksRsa({
  jwksUri: `${issuer}.well-known/jwks.json`,
  cache: true,
  cacheMaxAge: Number(process.env.JWKS_CACHE_MAX_AGE_MS || 600000),
  rateLimit: true,
  jwksRequestsPerMinute: 5,
  timeout: 5000,
});

function getKey(header, callback) {
  client.getSigningKey(header.kid, (err, key) => callback(err, key && key.getPublicKey()));
}

serve(quickstartApp((token) => new Promise((resolve, reject) => {
  jwt.verify(token, getKey, { issuer, audience, algorithms: ['RS256'] }, (err, claims) => {
    if (err) reject(err); else resolve(claims);
  });
})));
