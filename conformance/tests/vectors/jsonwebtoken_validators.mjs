// jsonwebtoken (npm) over a vector pack, `jwt.verify(token, publicKeyPem, { audience, issuer })`
// with `algorithms` left open, as its README long showed. 4.2.1 lets the header's `alg` choose,
// so HS256 keyed with the public key's PEM passes (CVE-2015-9235); 4.2.2 derives the allowed
// algorithms from the key. NODE_PATH is ignored by ES modules: the test links node_modules.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';

export function validate(token, pack) {
  const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
  const key = pack.manifest.keys.find((k) => k.kid === header.kid) || pack.manifest.keys[0];
  const pem = readFileSync(path.join(pack.folder, key.pem), 'utf8');
  // jsonwebtoken reads the time from Date.now and has no clock option in 4.x.
  const realNow = Date.now;
  Date.now = () => pack.now * 1000;
  try {
    return jwt.verify(token, pem, { audience: pack.audience, issuer: pack.issuer });
  } finally {
    Date.now = realNow;
  }
}
