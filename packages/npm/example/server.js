// A small API on Express and panva/jose, the way its documentation shows (createRemoteJWKSet,
// jwtVerify with issuer, audience and RS256 only), configured from the environment the mock
// tenant prints: AUTH0_DOMAIN, AUTH0_AUDIENCE, NODE_EXTRA_CA_CERTS; PORT.
// PLANTED_FLAW=no-scope makes /api/private-scoped forget its scope check (a real mistake: any
// valid token then reads what only read:messages may).
const express = require('express');
const { createRemoteJWKSet, jwtVerify } = require('jose');

const issuer = `https://${process.env.AUTH0_DOMAIN}/`;
const audience = process.env.AUTH0_AUDIENCE;
const jwks = createRemoteJWKSet(new URL(`${issuer}.well-known/jwks.json`), {
  cooldownDuration: 2000,
  cacheMaxAge: 5000,
});

function refuse(res, status, error, description) {
  res.set('WWW-Authenticate', error ? `Bearer error="${error}"` : 'Bearer');
  res.status(status).json(error ? { error, error_description: description } : {});
}

function authenticate(scope) {
  return async (req, res, next) => {
    const values = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() === 'authorization') values.push(req.rawHeaders[i + 1]);
    }
    if (values.length === 0) return refuse(res, 401);
    const [scheme, ...rest] = values[0].split(' ');
    const token = rest.join(' ').trim();
    if (values.length > 1 || scheme.toLowerCase() !== 'bearer' || !token || token.includes(' ')) {
      return refuse(res, 400, 'invalid_request', 'malformed Authorization header');
    }
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'], requiredClaims: ['exp'] }));
    } catch {
      return refuse(res, 401, 'invalid_token', 'the access token is not valid');
    }
    const skip = process.env.PLANTED_FLAW === 'no-scope';
    if (scope && !skip && !(typeof claims.scope === 'string' && claims.scope.split(' ').includes(scope))) {
      return refuse(res, 403, 'insufficient_scope', `${scope} is required`);
    }
    return next();
  };
}

const app = express();
app.get('/api/public', (req, res) => res.json({ message: 'Hello from a public endpoint!' }));
app.get('/api/private', authenticate(), (req, res) => res.json({ message: 'Hello from a private endpoint!' }));
app.get('/api/private-scoped', authenticate('read:messages'), (req, res) => res.json({ message: 'Hello from a scoped endpoint!' }));
app.listen(Number(process.env.PORT), '127.0.0.1');
