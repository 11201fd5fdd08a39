// What the Node examples on one JWT library each share: the quickstart's three routes with
// RFC 6750 answers around the example's own `verify(token) -> claims` (async, throws on a bad
// token). Each example's server.js holds only what its library documents; this is the Express
// around it, written once.
//
// Configuration: AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT. The tenant's CA comes from
// NODE_EXTRA_CA_CERTS, which `conformance --exec` sets.
const express = require('express');

const issuer = `https://${process.env.AUTH0_DOMAIN}/`;
const audience = process.env.API_IDENTIFIER;

// An RFC 6750 §3 answer: the challenge says why, the body repeats it.
function refuse(res, status, error, description) {
  res.set('WWW-Authenticate', error ? `Bearer error="${error}"` : 'Bearer');
  res.status(status).json(error ? { error, error_description: description } : {});
}

// The token of `Authorization: Bearer <token>`: null without credentials, '' if malformed.
function bearerToken(req) {
  const values = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'authorization') values.push(req.rawHeaders[i + 1]);
  }
  if (values.length === 0) return null;
  if (values.length > 1) return '';
  const space = values[0].indexOf(' ');
  if (space < 0 || values[0].slice(0, space).toLowerCase() !== 'bearer') return null;
  const token = values[0].slice(space + 1).replace(/^ +| +$/g, '');
  return token && !token.includes(' ') ? token : '';
}

// Whether the space-separated `scope` string of the claims holds `scope` exactly.
function granted(claims, scope) {
  return typeof claims.scope === 'string' && claims.scope.split(' ').includes(scope);
}

// The quickstart's routes around `verify`.
function quickstartApp(verify) {
  const authenticate = async (req, res, next) => {
    const token = bearerToken(req);
    if (token === null) return refuse(res, 401);
    if (token === '') return refuse(res, 400, 'invalid_request', 'malformed Authorization header');
    try {
      const claims = await verify(token);
      if (claims === null || typeof claims !== 'object') throw new Error('no claims');
      req.claims = claims;
    } catch (err) { // every failure to verify is the same answer: the token is not valid
      return refuse(res, 401, 'invalid_token', 'the access token is not valid');
    }
    return next();
  };
  const app = express();
  app.get('/api/public', (req, res) => {
    res.json({ message: 'Hello from a public endpoint! You don\'t need to be authenticated to see this.' });
  });
  app.get('/api/private', authenticate, (req, res) => {
    res.json({ message: 'Hello from a private endpoint! You need to be authenticated to see this.' });
  });
  app.get('/api/private-scoped', authenticate, (req, res) => {
    if (!granted(req.claims, 'read:messages')) {
      return refuse(res, 403, 'insufficient_scope', 'read:messages is required');
    }
    return res.json({ message: 'Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.' });
  });
  return app;
}

// Runs the app on loopback, on PORT (3010 by default).
function serve(app) {
  app.listen(Number(process.env.PORT || 3010), '127.0.0.1');
}

module.exports = { issuer, audience, quickstartApp, serve };
