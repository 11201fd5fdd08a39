//! The offline test-vector pack (`conformance --vectors DIR`): the tenant's JWKS and key PEMs,
//! one file per token case of the catalogue, what a correctly configured validator does with
//! each under the profile (the suite's own judgement, so the pack and a live run never
//! disagree), a frozen "now", and harnesses for pytest and node:test. A team can then unit-test
//! its validator configuration with no network and no server.
//!
//! The same options give the same bytes, except the few tokens whose signature or encryption
//! draws fresh randomness (ECDSA, RSA-PSS, a JWE): the manifest marks those
//! `"reproducible": false`.

use crate::case::{Case, Expect, Recipe};
use crate::profile::Profile;
use mock_tenant::forge::TokenBuilder;
use serde::Serialize;
use serde_json::{Value, json};

/// The default frozen "now": 2026-01-01T00:00:00Z.
pub const VECTORS_NOW: i64 = 1_767_225_600;

/// The version of the manifest's shape.
pub const VECTORS_FORMAT_VERSION: u32 = 1;

const PYTHON_HARNESS: &str = include_str!("../vectors/vectors.py");
const NODE_HARNESS: &str = include_str!("../vectors/vectors.mjs");
const PACK_README: &str = include_str!("../vectors/README.md");

/// What a validator must do with a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    /// Return its claims.
    Accept,
    /// Raise.
    Refuse,
    /// Either is defensible; the row's `why` says which is preferred.
    Either,
}

/// The pack: each file's path relative to the output folder and its bytes, in a fixed order,
/// and the manifest (also among the files, as `manifest.json`).
#[derive(Debug, Clone)]
pub struct VectorPack {
    /// `(relative path, bytes)`.
    pub files: Vec<(String, Vec<u8>)>,
    /// The manifest.
    pub manifest: Value,
}

/// The pack for a validator configured as `profile` says (leeway, `exp` required, scope), for
/// a tenant with this issuer, its tokens minted at `now` (UNIX seconds).
pub fn vector_pack(cases: &[Case], profile: &Profile, issuer: &str, now: i64) -> VectorPack {
    let mut base = TokenBuilder::offline_at(issuer, now);
    if profile.scope != "read:messages" {
        base = base.scope_name(&profile.scope);
    }
    // An API that serves one organization takes only its tokens (`--organization`).
    if let Some(org) = &profile.organization {
        base = base.claim("org_id", org.as_str());
    }
    let mut files = Vec::new();
    let keys = base.published_keys();
    let jwks: Vec<&Value> = keys.iter().map(|k| &k.jwk).collect();
    files.push(("jwks.json".to_owned(), pretty(&json!({ "keys": jwks }))));
    let mut key_rows = Vec::new();
    for key in &keys {
        let path = format!("keys/{}.pem", key.kid);
        files.push((path.clone(), key.public_pem.clone().into_bytes()));
        key_rows.push(json!({"kid": key.kid, "status": key.status, "pem": path}));
    }
    // The valid token first: what the tenant issues, the one every validator must accept.
    files.push(("tokens/valid.jwt".into(), base.sign().into_bytes()));
    let mut vectors = vec![json!({
        "name": "valid",
        "file": "tokens/valid.jwt",
        "expect": Expectation::Accept,
        "why": "the token the tenant issues: RS256, this issuer and audience, the scope",
        "scope": "granted",
        "reproducible": true,
        "breaks": [],
    })];
    for case in cases {
        let Recipe::Token {
            defect: Some(id), ..
        } = case.recipe
        else {
            continue;
        };
        let token = base.clone().with(id);
        let (expect, scope, why) = expectation(case, profile);
        let file = format!("tokens/{}.jwt", case.id);
        files.push((file.clone(), token.sign().into_bytes()));
        let mut row = json!({
            "name": case.id,
            "file": file,
            "expect": expect,
            "why": why,
            "threat": case.threat,
            "source": case.spec,
            "reproducible": !token.is_randomized(),
            "breaks": id.defect().breaks,
        });
        if let Some(scope) = scope {
            row["scope"] = json!(scope);
        }
        vectors.push(row);
    }
    let manifest = json!({
        "format_version": VECTORS_FORMAT_VERSION,
        "generator": format!("conformance {}", env!("CARGO_PKG_VERSION")),
        "warning": "TEST-ONLY: the keys are public test keys; trust them nowhere else",
        "profile": profile.name,
        "leeway_secs": profile.leeway_secs,
        "exp_required": profile.exp_required,
        "now": now,
        "issuer": issuer,
        "audience": fixtures::QUICKSTART_AUDIENCE,
        "scope": profile.scope,
        "algorithms": ["RS256"],
        "jwks": "jwks.json",
        "keys": key_rows,
        "vectors": vectors,
        "harness": {"python": "harness/vectors.py", "node": "harness/vectors.mjs"},
    });
    files.push(("harness/vectors.py".into(), PYTHON_HARNESS.into()));
    files.push(("harness/vectors.mjs".into(), NODE_HARNESS.into()));
    files.push(("README.md".into(), PACK_README.into()));
    files.push(("manifest.json".into(), pretty(&manifest)));
    VectorPack { files, manifest }
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// What a validator configured as the profile says must do with the case's token, whether a
/// scope check must then grant it, and why: the case's expectation under the profile, and for
/// a token that must not pass, whether accepting it would fail a live run or only warn.
fn expectation(case: &Case, profile: &Profile) -> (Expectation, Option<&'static str>, String) {
    let about = &case.about;
    match case.expectation(profile) {
        Expect::Ok => (Expectation::Accept, Some("granted"), about.clone()),
        Expect::Scope => (
            Expectation::Accept,
            Some("missing"),
            format!(
                "{about}: signed and valid, so the validator accepts it; the scope check must refuse it"
            ),
        ),
        Expect::Tolerated => (
            Expectation::Either,
            None,
            format!("{about}: either answer is defensible under this profile"),
        ),
        Expect::Preferred | Expect::HeaderOnly => (
            Expectation::Either,
            None,
            format!("{about}: legal; accepting it is preferred"),
        ),
        Expect::Discouraged => (
            Expectation::Either,
            None,
            format!("{about}: refusing it is preferred"),
        ),
        Expect::Challenge
        | Expect::Invalid
        | Expect::Malformed
        | Expect::FailClosed
        | Expect::ClientError => {
            if case.if_accepted(profile).is_failure() {
                (
                    Expectation::Refuse,
                    None,
                    format!(
                        "{about}: accepting it is {}",
                        case.if_accepted(profile).label()
                    ),
                )
            } else {
                (
                    Expectation::Either,
                    None,
                    format!(
                        "{about}: refusing it is preferred; only the issuer could sign it, and \
                         it skips no check the API owns"
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(pack: &VectorPack, name: &str) -> String {
        pack.manifest["vectors"]
            .as_array()
            .and_then(|rows| rows.iter().find(|v| v["name"] == name))
            .map(|v| v["expect"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|| panic!("no vector {name}"))
    }

    #[test]
    fn the_profile_moves_the_verdicts_it_governs_and_no_other() {
        let cases = crate::cases();
        let issuer = "https://localhost:8443/";
        let lenient = Profile::named("auth0-quickstart").unwrap();
        let strict = Profile::named("pyjwt").unwrap();
        let mut exp_required = strict.clone();
        exp_required.exp_required = true;
        let [lenient, strict, required] =
            [&lenient, &strict, &exp_required].map(|p| vector_pack(&cases, p, issuer, VECTORS_NOW));
        // Clock skew: a token a few seconds late is either under any leeway; past a minute, it
        // is refused under every one (the suite caps leeway at 60 s).
        for pack in [&lenient, &strict] {
            assert_eq!(expect(pack, "exp-past-6s"), "either");
            assert_eq!(expect(pack, "exp-past-61s"), "refuse");
        }
        // No `exp`: only the issuer signs that, so either, unless the profile demands `exp`.
        assert_eq!(expect(&strict, "exp-absent"), "either");
        assert_eq!(expect(&required, "exp-absent"), "refuse");
        // What anyone could send is refused under every profile; legal variants accepted.
        for pack in [&lenient, &strict, &required] {
            assert_eq!(expect(pack, "valid"), "accept");
            assert_eq!(expect(pack, "alg-none"), "refuse");
            assert_eq!(expect(pack, "hs-pubkey-pem"), "refuse");
            assert_eq!(expect(pack, "aud-array"), "accept");
            assert_eq!(expect(pack, "scope-missing"), "accept");
        }
        let scope = |pack: &VectorPack, name: &str| {
            pack.manifest["vectors"]
                .as_array()
                .and_then(|rows| rows.iter().find(|v| v["name"] == name))
                .map(|v| v["scope"].clone())
        };
        assert_eq!(scope(&strict, "scope-missing"), Some(json!("missing")));
        assert_eq!(scope(&strict, "valid"), Some(json!("granted")));
    }

    #[test]
    fn under_an_organization_every_token_carries_its_org_id() {
        let mut profile = Profile::named("pyjwt").unwrap();
        profile.organization = Some("org_Acme0Test1Org2Id".into());
        let pack = vector_pack(
            &crate::cases(),
            &profile,
            "https://localhost:8443/",
            VECTORS_NOW,
        );
        let payload = |name: &str| {
            let (_, bytes) = pack.files.iter().find(|(p, _)| p == name).unwrap();
            let token = String::from_utf8(bytes.clone()).unwrap();
            let part = token.split('.').nth(1).unwrap().to_owned();
            let json =
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, part)
                    .unwrap();
            serde_json::from_slice::<Value>(&json).unwrap()
        };
        assert_eq!(
            payload("tokens/valid.jwt")["org_id"],
            "org_Acme0Test1Org2Id"
        );
        assert_eq!(
            payload("tokens/aud-array.jwt")["org_id"],
            "org_Acme0Test1Org2Id"
        );
    }

    #[test]
    fn every_token_of_the_pack_is_a_file_and_every_file_is_listed_once() {
        let pack = vector_pack(
            &crate::cases(),
            &Profile::default(),
            "https://localhost:8443/",
            VECTORS_NOW,
        );
        let files: std::collections::BTreeSet<&str> =
            pack.files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(files.len(), pack.files.len(), "a file written twice");
        for v in pack.manifest["vectors"].as_array().unwrap() {
            assert!(files.contains(v["file"].as_str().unwrap()), "{v}");
        }
        for key in pack.manifest["keys"].as_array().unwrap() {
            assert!(files.contains(key["pem"].as_str().unwrap()), "{key}");
        }
    }
}
