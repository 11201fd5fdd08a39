// An orders API on Express and express-oauth2-jwt-bearer, each route guarded the way the SDK's
// README shows: `auth()` for a valid token, `requiredScopes(...)` for its scopes (all of them),
// `auth({ authRequired: false })` where a token is optional. Its OpenAPI document is written by
// hand (openapi.json beside this file) and served at /openapi.json, for
// `conformance --openapi /openapi.json`. A correct API: the suite must find nothing unsafe.
//
// Configuration: AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT; JWKS_COOLDOWN_MS and
// JWKS_CACHE_MAX_AGE_MS shorten the SDK's cooldown and cache for test runs. The tenant's CA
// comes from NODE_EXTRA_CA_CERTS, which `conformance --exec` sets.
const path = require('path');
const express = require('express');
const { auth, requiredScopes } = require('express-oauth2-jwt-bearer');

const options = {
  audience: process.env.API_IDENTIFIER,
  issuerBaseURL: `https://${process.env.AUTH0_DOMAIN}/`,
  tokenSigningAlg: 'RS256',
};
if (process.env.JWKS_COOLDOWN_MS) options.cooldownDuration = Number(process.env.JWKS_COOLDOWN_MS);
if (process.env.JWKS_CACHE_MAX_AGE_MS) options.cacheMaxAge = Number(process.env.JWKS_CACHE_MAX_AGE_MS);
const checkJwt = auth(options);
const maybeJwt = auth({ ...options, authRequired: false });

const app = express();
app.use(express.json());
const orders = { 7: { id: 7, item: 'book', quantity: 2 } };

app.get('/openapi.json', (req, res) => res.sendFile(path.join(__dirname, 'openapi.json')));
app.get('/health', (req, res) => res.json({ up: true }));

app.get('/orders', checkJwt, requiredScopes('read:orders'), (req, res) => {
  const limit = Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1) return res.status(400).json({ message: 'limit' });
  res.json(Object.values(orders).slice(0, limit));
});

app.post('/orders', checkJwt, requiredScopes(['write:orders', 'admin']), (req, res) => {
  // Answers as if it stored it: a test instance keeps no state between requests.
  res.status(201).json({ id: 8, ...req.body });
});

app.get('/orders/:id', checkJwt, requiredScopes('read:orders'), (req, res) => {
  const order = orders[req.params.id];
  if (!order) return res.status(404).json({ message: 'no such order' });
  res.json(order);
});

app.put('/orders/:id', checkJwt, requiredScopes('write:orders'), (req, res) => {
  res.json({ id: Number(req.params.id), ...req.body });
});

app.delete('/orders/:id', checkJwt, requiredScopes('delete:orders'), (req, res) => {
  res.status(204).end();
});

// Anyone gets the public feed; a token with read:orders gets every order.
app.get('/feed', maybeJwt, (req, res) => {
  const scopes = (req.auth && typeof req.auth.payload.scope === 'string')
    ? req.auth.payload.scope.split(' ') : [];
  res.json(scopes.includes('read:orders') ? { items: Object.values(orders) } : { items: [] });
});

// As the SDK's README does: its errors carry their status and WWW-Authenticate.
app.use((err, req, res, next) => {
  if (err.headers) res.set(err.headers);
  res.status(err.status || 500).json({ message: err.message });
});

app.listen(Number(process.env.PORT || 3010), process.env.HOST || '127.0.0.1');
