// jose validators over a vector pack, chosen by JOSE_CONFIG: `correct` (issuer, audience, RS256
// only, exp required), `no-audience`, `no-issuer`, `open-algorithms` (no `algorithms` option).
import { createLocalJWKSet, jwtVerify } from 'jose';

const configs = {
  correct: (pack) => ({ issuer: pack.issuer, audience: pack.audience, algorithms: pack.algorithms, requiredClaims: ['exp'] }),
  'no-audience': (pack) => ({ issuer: pack.issuer, algorithms: pack.algorithms, requiredClaims: ['exp'] }),
  'no-issuer': (pack) => ({ audience: pack.audience, algorithms: pack.algorithms, requiredClaims: ['exp'] }),
  'open-algorithms': (pack) => ({ issuer: pack.issuer, audience: pack.audience, requiredClaims: ['exp'] }),
};

export async function validate(token, pack) {
  const options = configs[process.env.JOSE_CONFIG || 'correct'](pack);
  const { payload } = await jwtVerify(token, createLocalJWKSet(pack.jwks), {
    ...options,
    currentDate: new Date(pack.now * 1000),
    clockTolerance: pack.leeway,
  });
  return payload;
}

export function hasScope(claims) {
  return typeof claims.scope === 'string' && claims.scope.split(' ').includes('read:messages');
}
