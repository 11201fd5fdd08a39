//! The JWKS scenarios: what the API does when the tenant's key set fails, changes or lies.
//! Each scenario ([`JwksOp`]) owns its expectation and its reason.

use crate::case::{Case, Category, JwksOp, Recipe, Severity, Threat};
use Severity::{Critical, High, Medium};

/// One scenario.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    severity: Severity,
    /// The catalogue row.
    source: &'static str,
    about: &'static str,
    op: JwksOp,
    /// Who could send the scenario's tokens.
    threat: Threat,
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "jwks-down-cold", severity: Critical, source: "jwks-down-cold", spec: "RFC 6750 §3.1; RFC 9110 §15.6.4 (503)", about: "the JWKS answers 503 before the API's first fetch: fail closed, then recover", op: JwksOp::DownCold, threat: Threat::Client },
    Row { id: "jwks-down-warm", severity: Medium, source: "jwks-down-warm", spec: "RFC 6750 §3.1; RFC 9110 §15.6.4 (503)", about: "the JWKS answers 503 after the API cached it: T0 still passes, a forged token under a new kid does not", op: JwksOp::DownWarm, threat: Threat::Anyone },
    Row { id: "jwks-slow", severity: Medium, source: "jwks-slow", spec: "RFC 6750 §3.1; RFC 9110 §15.6.4 (503)", about: "the JWKS answers after 10 s: the API gives up within its own timeout, 401 or 503", op: JwksOp::Slow, threat: Threat::Anyone },
    Row { id: "jwks-junk", severity: Medium, source: "jwks-junk", spec: "RFC 7517 §5 (a JWK Set)", about: "the JWKS serves junk (HTML, bad JSON, no keys, an oct key): never 2xx, never 5xx", op: JwksOp::Junk, threat: Threat::Anyone },
    Row { id: "jwks-poisoned", severity: High, source: "jwks-junk", spec: "RFC 7517 §4.2 (`use`); RFC 8725 §3.1", about: "`use: enc` and EC keys published and signing tokens: never used", op: JwksOp::PoisonedKey, threat: Threat::Issuer },
    Row { id: "jwks-storm", severity: Medium, source: "jwks-storm", spec: "RFC 8725 §3.10 (`kid` is input)", about: "100 random kids and 100 garbage tokens: JWKS fetches must not grow with them (at most a burst of 10, then one per declared cooldown)", op: JwksOp::Storm, threat: Threat::Anyone },
    Row { id: "rot-add", severity: High, source: "rot-add", spec: "OIDC Core §10.1.1 (signing key rotation)", about: "a key the API never saw signs (two rotations): accepted within the declared cooldown", op: JwksOp::RotateAdd, threat: Threat::Issuer },
    Row { id: "jwks-odd-keys", severity: Medium, source: "jwks-odd-keys", spec: "RFC 7517 §5 (ignore keys of an unknown `kty`)", about: "two rotations, and the key set also holds an `AKP` (ML-DSA-44) key, a made-up `kty` and an RSA key with a custom `use`: the new key is still accepted within the declared cooldown", op: JwksOp::OddKeys, threat: Threat::Issuer },
    Row { id: "jwks-no-alg", severity: High, source: "jwks-no-alg", spec: "RFC 7517 §4.4 (`alg` optional); RFC 8725 §3.1; GHSA-f67f-6cw9-8mq4 (Hono)", about: "two rotations, and the key set's keys carry no `alg`: the new key's RS256 token is accepted, HS256 tokens keyed with its public key (modulus, PEM, JWK text) are refused", op: JwksOp::NoAlg, threat: Threat::Anyone },
    Row { id: "rot-lag", severity: Medium, source: "rot-lag", spec: "OIDC Core §10.1.1 (signing key rotation)", about: "two rotations, but the API's next fetch gets the key set from before them: after its declared cooldown it fetches again and accepts the new key", op: JwksOp::RotateLag, threat: Threat::Issuer },
    Row { id: "rot-remove", severity: Medium, source: "rot-remove", spec: "OIDC Core §10.1.1 (signing key rotation)", about: "a kid new to this run is re-bound to a new key: once the API fetches the key set again (within the declared cache lifetime), the old token is refused", op: JwksOp::RotateRemove, threat: Threat::Anyone },
    Row { id: "rot-revoke", severity: High, source: "rot-remove", spec: "OIDC Core §10.1.1; Auth0 signing key revocation", about: "the key of a kid new to this run is revoked: the tenant rotates and drops it from the key set; once the API fetches the key set again (within the declared cache lifetime), the old token is refused and the new key's accepted", op: JwksOp::RotateRevoke, threat: Threat::Anyone },
    Row { id: "disc-mismatch", severity: Medium, source: "disc-mismatch", spec: "OIDC Discovery §4.3", about: "discovery names another issuer (OIDC Discovery §4.3) and a tenant-signed token carries it: the document must not be trusted", op: JwksOp::DiscoveryIssuerMismatch, threat: Threat::Issuer },
];

/// The scenario's case.
fn case(row: &Row) -> Case {
    Case {
        id: row.id.to_owned(),
        spec: row.spec,
        category: Category::Jwks,
        severity: row.severity,
        source: row.source,
        about: row.about.to_owned(),
        recipe: Recipe::Jwks(row.op),
        expect: row.op.expect(),
        threat: row.threat,
        policy: None,
        knob: None,
        post: None,
        why: row.op.why(),
    }
}

/// The scenarios that match `which`, in table order.
pub(super) fn cases(which: impl Fn(JwksOp) -> bool) -> impl Iterator<Item = Case> {
    ROWS.iter().filter(move |row| which(row.op)).map(case)
}
