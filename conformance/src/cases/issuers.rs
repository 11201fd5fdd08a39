//! Custom domains: the tenant answering as a second issuer (Auth0 custom domains, Multiple
//! Custom Domains), and the `Host` header naming an attacker's.

use crate::case::{Case, Category, Expect, IssuerCase, Knob, Policy, Recipe, Severity, Threat};
use Severity::{Critical, High};

/// One custom-domain case; `ISS`, catalogue row `custom-domain`, refused by a correct API
/// unless its knob says otherwise.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    severity: Severity,
    about: &'static str,
    sends: IssuerCase,
    threat: Threat,
    /// The policy a 2xx skips.
    policy: Option<Policy>,
    knob: Option<Knob>,
    why: &'static str,
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "iss-custom-domain", spec: "RFC 9068 §4; Auth0 custom domains", severity: High, about: "a token of the tenant's custom domain (`iss` = `https://127.0.0.1:PORT/`, an issuer the tenant answers as too, same keys), signed by the tenant", sends: IssuerCase::CustomDomain, threat: Threat::Issuer, policy: Some(Policy::Issuer), knob: Some(Knob::CustomDomains), why: "Auth0 tenants answer on a custom domain and the canonical one, each its own issuer: an API configured for one must refuse the other (policy: iss) unless it allow-lists both (`--custom-domains`: Multiple Custom Domains, auth0-api-python `domains`), and then accept it" },
    Row { id: "iss-custom-domain-foreign-key", spec: "RFC 8725 §3.8", severity: Critical, about: "a token of the tenant's custom domain signed by a key that is not the tenant's, under the tenant's `kid`", sends: IssuerCase::CustomDomainForeignKey, threat: Threat::Anyone, policy: None, knob: None, why: "an allowed issuer does not make any signature good: the keys are the tenant's, whichever of its domains the token names" },
    Row { id: "iss-host-spoof", spec: "RFC 8725 §3.8; RFC 9110 §7.2 (Host is the client's)", severity: Critical, about: "`iss-wrong-attacker-host`'s token (the attacker's issuer and key) with `Host` naming the attacker's host", sends: IssuerCase::HostSpoof, threat: Threat::Anyone, policy: None, knob: None, why: "an API that derives the issuer it trusts from the request's `Host` trusts whoever sends the request: it fetches the attacker's discovery and keys (the attacker host must see no request)" },
];

/// The family's cases, in table order.
pub(super) fn cases() -> impl Iterator<Item = Case> {
    ROWS.iter().map(|row| Case {
        id: row.id.to_owned(),
        spec: row.spec,
        category: Category::Iss,
        severity: row.severity,
        source: "custom-domain",
        about: row.about.to_owned(),
        recipe: Recipe::Issuer(row.sends),
        expect: Expect::Invalid,
        threat: row.threat,
        policy: row.policy,
        knob: row.knob,
        post: None,
        why: row.why,
    })
}
