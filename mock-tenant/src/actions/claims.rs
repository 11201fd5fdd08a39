//! The claims an Action may not set: Auth0's restricted names and namespaces.

/// Claims no Action may set, Auth0's list ("Create Custom Claims"): setting one is ignored (and
/// logged), as Auth0 drops it without failing the login. `scope` throws at the call instead.
pub(crate) const RESTRICTED_CLAIMS: &[&str] = &[
    "acr",
    "act",
    "active",
    "amr",
    "at_hash",
    "ath",
    "attest",
    "aud",
    "auth_time",
    "authorization_details",
    "azp",
    "c_hash",
    "client_id",
    "cnf",
    "cty",
    "dest",
    "entitlements",
    "events",
    "exp",
    "groups",
    "gty",
    "htm",
    "htu",
    "iat",
    "internalService",
    "iss",
    "jcard",
    "jku",
    "jti",
    "jwe",
    "jwk",
    "kid",
    "may_act",
    "mky",
    "nbf",
    "nonce",
    "object_id",
    "org_id",
    "org_name",
    "orig",
    "origid",
    "permissions",
    "roles",
    "rph",
    "s_hash",
    "sid",
    "sip_callid",
    "sip_cseq_num",
    "sip_date",
    "sip_from_tag",
    "sip_via_branch",
    "sub",
    "sub_jwk",
    "toe",
    "txn",
    "typ",
    "uuid",
    "vot",
    "vtm",
    "x5t#S256",
];

/// Whether an Action may set claim `name`: not a restricted one, and not in Auth0's own
/// namespaces (`https://*.auth0.com/...`, `webtask.io`, `webtask.run`, `urn:auth0`).
pub(crate) fn claim_allowed(name: &str) -> bool {
    if RESTRICTED_CLAIMS.contains(&name) || name.to_ascii_lowercase().starts_with("urn:auth0") {
        return false;
    }
    let host = name
        .strip_prefix("https://")
        .or_else(|| name.strip_prefix("http://"))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("")
        .to_ascii_lowercase();
    !["auth0.com", "webtask.io", "webtask.run"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}
