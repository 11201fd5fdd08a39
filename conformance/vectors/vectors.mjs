// Runs a token validator over an auth0-offline vector pack (`mock-tenant vectors --out DIR`),
// with no network and no server.
//
// Your validator is a module exporting `validate(token, pack)` (async or not) that returns the
// token's claims or throws. It must verify against `pack.jwks` (the JWKS object), allow
// `pack.algorithms`, demand `pack.issuer` and `pack.audience`, and read the time as `pack.now`
// (UNIX seconds, frozen: jose's `currentDate`, say). Optionally `hasScope(claims)`, your check
// for `pack.scope`.
//
// As node:test, one test per vector:
//   VECTORS_VALIDATOR=./my-validator.mjs node --test PACK/harness/vectors.mjs
// (VECTORS_PACK overrides the pack's folder, by default the one above this file.)
// As a library:
//   import { checkPack } from './PACK/harness/vectors.mjs';
//   const problems = await checkPack(validate, 'PACK');   // [] when every vector passes
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function loadPack(folder) {
  const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
  return {
    folder,
    manifest,
    now: manifest.now,
    issuer: manifest.issuer,
    audience: manifest.audience,
    scope: manifest.scope,
    algorithms: manifest.algorithms,
    leeway: manifest.leeway_secs,
    jwks: JSON.parse(readFileSync(path.join(folder, manifest.jwks), 'utf8')),
    vectors: manifest.vectors,
    token: (vector) => readFileSync(path.join(folder, vector.file), 'utf8'),
  };
}

// null when the validator treats the vector as it must, else why not (one line).
export async function judge(validate, pack, vector, hasScope) {
  let claims;
  let accepted = true;
  let error;
  try {
    claims = await validate(pack.token(vector), pack);
  } catch (e) {
    accepted = false;
    error = `${e && e.name}: ${e && e.message}`;
  }
  if (vector.expect === 'accept' && !accepted) {
    return `${vector.name}: refused (${error}), must be accepted: ${vector.why}`;
  }
  if (vector.expect === 'refuse' && accepted) {
    return `${vector.name}: accepted, must be refused: ${vector.why}`;
  }
  if (vector.expect === 'accept' && hasScope) {
    const granted = Boolean(await hasScope(claims));
    if (granted !== (vector.scope === 'granted')) {
      const want = vector.scope === 'granted' ? 'grant' : 'refuse';
      return `${vector.name}: the scope check must ${want} ${pack.scope}: ${vector.why}`;
    }
  }
  return null;
}

// Every vector the validator gets wrong, one line each.
export async function checkPack(validate, folder, { hasScope } = {}) {
  const pack = loadPack(folder);
  const problems = [];
  for (const vector of pack.vectors) {
    const problem = await judge(validate, pack, vector, hasScope);
    if (problem) problems.push(problem);
  }
  return problems;
}

if (process.env.VECTORS_VALIDATOR) {
  const { test } = await import('node:test');
  const assert = await import('node:assert/strict');
  const mod = await import(pathToFileURL(path.resolve(process.env.VECTORS_VALIDATOR)).href);
  const validate = mod.validate || mod.default;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const pack = loadPack(process.env.VECTORS_PACK || path.join(here, '..'));
  for (const vector of pack.vectors) {
    test(vector.name, async () => {
      assert.equal(await judge(validate, pack, vector, mod.hasScope), null);
    });
  }
}
