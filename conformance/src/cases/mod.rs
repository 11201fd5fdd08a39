//! Every case, as typed rows: one file per family, each a table of named-field rows that
//! carry their columns themselves. Token cases are the forge's defects
//! ([`mock_tenant::forge::defects`]), joined by [`mock_tenant::forge::DefectId`]; DPoP proof cases are its
//! proof defects, joined by [`mock_tenant::forge::DpopDefectId`]. Where each kind of addition goes:
//! `CONTRIBUTING.md`.

mod dpop;
mod headers;
mod issuers;
mod jwks;
mod login;
mod organizations;
mod raw;
mod responses;
mod tokens;
mod transports;

use crate::case::{Case, Expect, JwksOp, Threat};
use crate::profile::Profile;

/// The cases that run under `profile`: every case, less the DPoP ones when the profile does
/// not use DPoP.
pub fn cases_for(profile: &Profile) -> Vec<Case> {
    cases().into_iter().filter(|c| c.applies(profile)).collect()
}

/// Every case, in the order a run on one pair fires them (`--no-isolation`): jwks-down-cold
/// before anything warms the API's key cache; the stateless cases; then the stateful JWKS
/// scenarios (the runner puts the tenant's state back after each and checks that T0 still
/// passes); disc-mismatch after them, where a document the API caches cannot reach another
/// case; the checks over every answer last. With isolation the JWKS scenarios run on fresh
/// pairs alongside, and the report keeps this order.
pub fn cases() -> Vec<Case> {
    let cold = |op| op == JwksOp::DownCold;
    let last = |op| op == JwksOp::DiscoveryIssuerMismatch;
    let mut cases: Vec<Case> = jwks::cases(cold).collect();
    cases.extend(headers::cases());
    cases.extend(raw::cases());
    cases.extend(transports::cases());
    cases.extend(tokens::cases());
    cases.extend(dpop::requests());
    cases.extend(dpop::proofs());
    cases.extend(login::cases());
    cases.extend(issuers::cases());
    cases.extend(organizations::cases());
    cases.push(responses::persistence());
    cases.extend(jwks::cases(|op| !cold(op) && !last(op)));
    cases.extend(jwks::cases(last));
    // Last: they look at every answer above.
    cases.extend(responses::checks());
    cases
}

/// Why a request-shape row has its verdicts.
pub(super) fn request_why(threat: Threat, expect: Expect) -> &'static str {
    match (threat, expect) {
        (_, Expect::Ok | Expect::Tolerated) => {
            "a legal request: it must not be refused (or either answer is fine)"
        }
        (Threat::Anyone, _) => {
            "no valid token in it: anyone can send it, so a 2xx lets a stranger in"
        }
        _ => {
            "it carries the valid token in an odd shape: only its holder can send it, so a 2xx is `warn strict`"
        }
    }
}
