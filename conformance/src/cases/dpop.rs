//! DPoP (RFC 9449): the suite's own DPoP requests, and one case per proof defect of the forge.
//! They run only under a DPoP profile.

use crate::case::{Case, Category, DpopCase, Expect, Knob, Policy, Recipe, Severity, Threat};
use Severity::{Critical, High, Low, Medium};
use mock_tenant::forge::{DpopAnswer, DpopDefect, ProofForger, dpop_defects};

/// One DPoP request the suite makes; `BIND`. A knob makes the sender constraint the policy at
/// stake.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    severity: Severity,
    /// The catalogue row.
    source: &'static str,
    about: &'static str,
    sends: DpopCase,
    expect: Expect,
    threat: Threat,
    knob: Option<Knob>,
    why: &'static str,
}

/// Why a stolen token with a proof that breaks this rule is a stranger getting in.
const CAPTURED: &str = "whoever stole the bound token (and saw one proof, for another request or time) can send this: accepting it voids the binding DPoP exists for (RFC 9449 §11.1)";

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "dpop-valid", severity: Critical, source: "dpop", spec: "RFC 9449 §7.1", about: "the bound token (`cnf.jkt` of the suite's key) as `Authorization: DPoP`, with a fresh proof", sends: DpopCase::Valid, expect: Expect::Ok, threat: Threat::Client, knob: None, why: "the valid DPoP request: a refusal breaks every DPoP client" },
    Row { id: "dpop-proof-absent", severity: Critical, source: "dpop", spec: "RFC 9449 §7.1", about: "the bound token as `Authorization: DPoP`, no `DPoP` header", sends: DpopCase::NoProof, expect: Expect::Malformed, threat: Threat::Anyone, knob: None, why: "a bound token without a proof is what a thief holds: RFC 9449 §7.1 needs the proof" },
    Row { id: "dpop-bearer-downgrade", severity: Critical, source: "dpop", spec: "RFC 9449 §7.2", about: "the bound token as `Authorization: Bearer`, no proof", sends: DpopCase::BearerDowngrade, expect: Expect::Malformed, threat: Threat::Anyone, knob: None, why: "a bound token sent as a bearer token carries no proof: accepting it lets a thief in (RFC 9449 §7.2)" },
    Row { id: "dpop-key-other", severity: Critical, source: "dpop", spec: "RFC 9449 §6.1, §7.1", about: "a token bound to another key (`cnf.jkt`), with a valid proof of the suite's key", sends: DpopCase::OtherKey, expect: Expect::Invalid, threat: Threat::Anyone, knob: None, why: "a thief proves possession of their own key: the proof key must be the token's `cnf.jkt` (RFC 9449 §7.1)" },
    Row { id: "dpop-two-proofs", severity: Low, source: "dpop", spec: "RFC 9449 §4.3 (1)", about: "two valid proofs in two `DPoP` headers", sends: DpopCase::TwoProofs, expect: Expect::Malformed, threat: Threat::Client, knob: None, why: "RFC 9449 §4.3 (1): one `DPoP` header; only the key holder can make two valid proofs, so accepting is `warn strict`" },
    Row { id: "dpop-replay", severity: Medium, source: "dpop", spec: "RFC 9449 §11.1", about: "the same valid proof twice: the second answer is judged", sends: DpopCase::Replay, expect: Expect::Discouraged, threat: Threat::Anyone, knob: None, why: "RFC 9449 §11.1 leaves the replay cache to the server, and neither Auth0 SDK keeps one: a replay accepted within the proof's lifetime is a warning" },
    Row { id: "dpop-unbound", severity: Medium, source: "dpop", spec: "RFC 9449 §7.1", about: "an unbound token (no `cnf`) as `Authorization: DPoP`, with a valid proof", sends: DpopCase::Unbound, expect: Expect::Invalid, threat: Threat::Client, knob: Some(Knob::DpopRequired { optional: Expect::Invalid }), why: "the DPoP scheme is for bound tokens (RFC 9449 §7.1); under `required` an unbound token skips the binding the API demands, under `optional` its holder could send it as Bearer anyway (`warn strict`)" },
    Row { id: "dpop-bearer-unbound", severity: High, source: "dpop", spec: "RFC 9449 §7.2", about: "an unbound token as `Authorization: Bearer`", sends: DpopCase::BearerUnbound, expect: Expect::Malformed, threat: Threat::Client, knob: Some(Knob::DpopRequired { optional: Expect::Ok }), why: "under `required` a bearer token skips the binding the API demands; under `optional` it is the plain valid request" },
    Row { id: "dpop-host-injection", severity: High, source: "dpop", spec: "RFC 9449 §4.3 (`htu`); express-oauth2-jwt-bearer 1.9.1", about: "a proof for `/admin` on the API, replayed to `/api/private` with `Host: <authority>/admin#`: the URL a server builds from Host ends in a fragment", sends: DpopCase::HostInjection, expect: Expect::Malformed, threat: Threat::Anyone, knob: None, why: "a Host header with a path in it moves `htu` to another path (express-oauth2-jwt-bearer 1.9.1 fixed it): a proof captured for another endpoint is accepted here" },
    Row { id: "dpop-host-spoof", severity: Medium, source: "dpop", spec: "RFC 9449 §4.3 (`htu`); RFC 9110 §7.1", about: "a proof for `evil.example`, replayed with `Host: evil.example`", sends: DpopCase::HostSpoof, expect: Expect::Discouraged, threat: Threat::Anyone, knob: None, why: "RFC 9110 §7.1 builds the target URI from Host, so a server that does is within the letter; one that pins its public URL refuses proofs captured at another server: a 2xx is a warning" },
    Row { id: "dpop-forwarded-host", severity: Medium, source: "dpop", spec: "RFC 9449 §4.3 (`htu`); RFC 7239", about: "a proof for `https://evil.example`, replayed with `X-Forwarded-Host: evil.example` and `X-Forwarded-Proto: https` to an API with no proxy in front", sends: DpopCase::ForwardedHost, expect: Expect::Discouraged, threat: Threat::Anyone, knob: None, why: "forwarded headers are for a proxy the API trusts; with none in front, anyone sets them: a 2xx is a warning (a proxy setup may make it right)" },
    Row { id: "dpop-nonce-missing", severity: High, source: "dpop-nonce", spec: "RFC 9449 §9", about: "to an API that demands DPoP nonces: a valid proof without the nonce (n/a when it demanded none)", sends: DpopCase::NonceMissing, expect: Expect::Malformed, threat: Threat::Anyone, knob: None, why: "an API that demands nonces does so to stop proofs made in advance by whoever once held the key (RFC 9449 §9, §11.2): a proof without the nonce must be refused, `use_dpop_nonce`" },
    Row { id: "dpop-nonce-stale", severity: High, source: "dpop-nonce", spec: "RFC 9449 §9", about: "to an API that demands DPoP nonces: a valid proof with a nonce it never issued", sends: DpopCase::NonceStale, expect: Expect::Malformed, threat: Threat::Anyone, knob: None, why: "a nonce the API never issued (or one it has retired) proves nothing about when the proof was made (RFC 9449 §9)" },
];

/// The suite's own DPoP requests, in table order.
pub(super) fn requests() -> impl Iterator<Item = Case> {
    ROWS.iter().map(|row| Case {
        id: row.id.to_owned(),
        spec: row.spec,
        category: Category::Bind,
        severity: row.severity,
        source: row.source,
        about: row.about.to_owned(),
        recipe: Recipe::Dpop(row.sends),
        expect: row.expect,
        threat: row.threat,
        policy: row.knob.map(|_| Policy::SenderConstraint),
        knob: row.knob,
        post: None,
        why: row.why,
    })
}

/// One case per proof defect of the forge, in its order. Who could send it is the forge's
/// column; severity and reason follow from it.
pub(super) fn proofs() -> impl Iterator<Item = Case> {
    dpop_defects().iter().map(proof_case)
}

fn proof_case(defect: &DpopDefect) -> Case {
    const HOLDER: &str =
        "a proof only the key holder can sign, odd in form: accepting it is `warn strict`";
    const LEGAL: &str = "a legal variant (RFC 9449 §4.3, as its source says), so this proof is valid: refusing it breaks a correct client";
    let (threat, severity, why) = match (defect.forger, defect.answer) {
        (ProofForger::Anyone, _) => (Threat::Anyone, Critical, CAPTURED),
        (ProofForger::KeyHolder, DpopAnswer::Refuse) => (Threat::Client, Low, HOLDER),
        (ProofForger::KeyHolder, DpopAnswer::Accept) => (Threat::Client, Low, LEGAL),
    };
    Case {
        id: defect.name.to_owned(),
        category: Category::Bind,
        severity,
        source: "dpop-proof",
        spec: defect.source,
        about: format!(
            "the bound token with a proof: {} ({})",
            defect.about, defect.source
        ),
        recipe: Recipe::Dpop(DpopCase::Proof(defect.id)),
        expect: match defect.answer {
            DpopAnswer::Refuse => Expect::Invalid,
            DpopAnswer::Accept => Expect::Ok,
        },
        threat,
        policy: None,
        knob: None,
        post: None,
        why,
    }
}
