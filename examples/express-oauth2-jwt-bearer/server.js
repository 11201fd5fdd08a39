// An API in the shape of Auth0's Express API quickstart, on express-oauth2-jwt-bearer (the SDK
// the quickstart uses), with the SDK's defaults. A correct API: the conformance suite must find
// nothing unsafe in it (see examples/README.md for the warnings it reports, and why).
//
// Configuration: AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT, DPOP (`required`: DPoP only),
// MCD (`1`: the tenant's custom domains too). The tenant's CA comes from
// NODE_EXTRA_CA_CERTS, which `conformance --exec` sets. JWKS_COOLDOWN_MS and JWKS_CACHE_MAX_AGE_MS
// shorten the SDK's cooldown (30 s) and cache lifetime (600 s) so that test runs stay short.
const express = require('express');
const { auth, requiredScopes } = require('express-oauth2-jwt-bearer');

const options = {
  audience: process.env.API_IDENTIFIER,
  issuerBaseURL: `https://${process.env.AUTH0_DOMAIN}/`,
  tokenSigningAlg: 'RS256',
};
// MCD=1: Multiple Custom Domains (1.8+), a static list of issuers: the tenant's and its custom
// domains' (AUTH0_CUSTOM_DOMAINS, which `conformance --exec` sets from the tenant).
if (process.env.MCD === '1') {
  const domains = [process.env.AUTH0_DOMAIN, ...(process.env.AUTH0_CUSTOM_DOMAINS || '').split(',').filter(Boolean)];
  delete options.issuerBaseURL;
  options.mcd = { issuers: domains.map((d) => `https://${d}/`) };
}
if (process.env.JWKS_COOLDOWN_MS) options.cooldownDuration = Number(process.env.JWKS_COOLDOWN_MS);
if (process.env.JWKS_CACHE_MAX_AGE_MS) options.cacheMaxAge = Number(process.env.JWKS_CACHE_MAX_AGE_MS);
// DPoP: the SDK's default (1.7+) takes Bearer and DPoP tokens; DPOP=required takes DPoP only.
if (process.env.DPOP === 'required') options.dpop = { enabled: true, required: true };
const checkJwt = auth(options);

const app = express();

app.get('/api/public', (req, res) => {
  res.json({ message: 'Hello from a public endpoint! You don\'t need to be authenticated to see this.' });
});

app.get('/api/private', checkJwt, (req, res) => {
  res.json({ message: 'Hello from a private endpoint! You need to be authenticated to see this.' });
});

app.get('/api/private-scoped', checkJwt, requiredScopes('read:messages'), (req, res) => {
  res.json({ message: 'Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.' });
});

// As the quickstart's sample does: the SDK's errors carry their status and WWW-Authenticate.
app.use((err, req, res, next) => {
  if (err.headers) res.set(err.headers);
  res.status(err.status || 500).json({ message: err.message });
});

// HOST: 0.0.0.0 in a container (docker-compose.example.yml); loopback otherwise.
app.listen(Number(process.env.PORT || 3010), process.env.HOST || '127.0.0.1');
