use super::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mock_tenant::forge::{Answer, Check, DEFAULT_ATTACKER, TokenBuilder, defects};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

const AUD: &str = fixtures::QUICKSTART_AUDIENCE;

/// Every token-level row of the catalogue (`jwt-cases.md`).
const TOKEN_ROWS: &[&str] = &[
    "sig-broken",
    "sig-strip",
    "tamper",
    "alg-none",
    "hs-pubkey",
    "hs-blank",
    "hs-weak",
    "es-psychic",
    "es-attacker",
    "alg-swap-legit",
    "alg-garbage",
    "sig-noncanon",
    "b64-garbage",
    "sig-huge",
    "jws-json",
    "jws-polyglot",
    "kid-unknown",
    "kid-absent",
    "kid-type",
    "kid-path",
    "kid-sqli",
    "kid-cmdi",
    "jwk-embed",
    "jku-attacker",
    "jku-lookalike",
    "x5-attacker",
    "hdr-urls-ignored",
    "other-tenant",
    "exp-past",
    "exp-absent",
    "exp-type",
    "nbf-future",
    "iat-odd",
    "aud-wrong",
    "aud-array",
    "aud-empty",
    "aud-near",
    "iss-wrong",
    "iss-near",
    "iss-array",
    "id-token",
    "typ-at",
    "typ-other",
    "cty-nested",
    "jwe",
    "jwe-p2c",
    "crit",
    "json-dup",
    "json-bad",
    "scope-missing",
    "scope-other",
    "scope-multi",
    "scope-substr",
    "scope-sep",
    "scope-type",
    "perm-claim",
    "scp-claim",
    "cnf-bearer",
    "many-dots",
    "oversize",
    "claim-sqli",
    "claim-inject",
    "claim-huge",
    "claim-sub-type",
    "claim-org-id-type",
];

/// Everything a correct RS256 API (exact issuer, audience, `exp` required, no leeway,
/// `read:messages` required) finds wrong with `token`. Independent of the forge: strict
/// base64url, serde_json, and jsonwebtoken's RS256 verification.
fn problems(jwks: &jsonwebtoken::jwk::JwkSet, issuer: &str, token: &str) -> BTreeSet<Check> {
    use Check::*;
    let mut found = BTreeSet::new();
    let parts: Vec<&str> = token.split('.').collect();
    let json = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .filter(Value::is_object)
    };
    let (Some(header), Some(claims), Some(_)) = (
        parts.first().and_then(|p| json(p)),
        parts.get(1).and_then(|p| json(p)),
        parts.get(2).and_then(|p| URL_SAFE_NO_PAD.decode(p).ok()),
    ) else {
        return BTreeSet::from([Format]);
    };
    if parts.len() != 3 {
        return BTreeSet::from([Format]);
    }
    let alg_ok = header["alg"] == "RS256";
    if !alg_ok {
        found.insert(Algorithm);
    }
    if header.get("crit").is_some() {
        found.insert(Header);
    }
    if let Some(typ) = header.get("typ") {
        let typ = typ.as_str().unwrap_or("").to_ascii_lowercase();
        if !matches!(
            typ.strip_prefix("application/").unwrap_or(&typ),
            "jwt" | "at+jwt"
        ) {
            found.insert(Header);
        }
    }
    let jwk = header["kid"]
        .as_str()
        .filter(|k| !k.is_empty())
        .and_then(|k| jwks.find(k));
    match jwk {
        None => {
            found.insert(Key);
        }
        Some(jwk) if alg_ok => {
            let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
            let message = format!("{}.{}", parts[0], parts[1]);
            let ok = jsonwebtoken::crypto::verify(
                parts[2],
                message.as_bytes(),
                &key,
                jsonwebtoken::Algorithm::RS256,
            )
            .unwrap_or(false);
            if !ok {
                found.insert(Signature);
            }
        }
        Some(_) => {}
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as f64;
    if !claims["exp"].as_f64().is_some_and(|exp| now < exp) {
        found.insert(Expiry);
    }
    if claims
        .get("nbf")
        .is_some_and(|nbf| !nbf.as_f64().is_some_and(|t| t <= now))
    {
        found.insert(NotBefore);
    }
    if claims
        .get("iat")
        .is_some_and(|iat| !iat.as_f64().is_some_and(|t| t <= now))
    {
        found.insert(IssuedAt);
    }
    if claims["iss"] != issuer {
        found.insert(Issuer);
    }
    let aud_ok = match &claims["aud"] {
        Value::String(a) => a == AUD,
        Value::Array(list) => list.iter().any(|a| a == AUD),
        _ => false,
    };
    if !aud_ok {
        found.insert(Audience);
    }
    if !claims["scope"]
        .as_str()
        .is_some_and(|s| s.split(' ').any(|s| s == "read:messages"))
    {
        found.insert(Scope);
    }
    found
}

#[tokio::test]
async fn the_valid_token_has_no_problem() {
    let tenant = MockTenant::start().await;
    let jwks = fetch_jwks(&tenant).await;
    assert_eq!(
        problems(&jwks, tenant.issuer(), &tenant.token().sign()),
        BTreeSet::new()
    );
}

#[tokio::test]
async fn every_defect_breaks_exactly_what_it_declares() {
    let tenant = MockTenant::start().await;
    let jwks = fetch_jwks(&tenant).await;
    let mut failures = Vec::new();
    for defect in defects() {
        let token = tenant
            .token()
            .attacker(DEFAULT_ATTACKER)
            .defect(defect.name)
            .sign();
        let found = problems(&jwks, tenant.issuer(), &token);
        let declared: BTreeSet<Check> = defect.breaks.iter().copied().collect();
        if found != declared {
            failures.push(format!(
                "{}: declares {declared:?}, breaks {found:?}",
                defect.name
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn jsonwebtoken_as_a_correct_api_refuses_what_must_be_refused_and_accepts_the_rest() {
    let tenant = MockTenant::start().await;
    let mut failures = Vec::new();
    for defect in defects() {
        let token = tenant.token().defect(defect.name).sign();
        let verified = verify(&tenant, &token).await;
        let scoped = verified.as_ref().is_ok_and(|c| {
            c["scope"]
                .as_str()
                .is_some_and(|s| s.split(' ').any(|s| s == "read:messages"))
        });
        let ok = match defect.answer {
            Answer::Refuse => verified.is_err(),
            Answer::InsufficientScope => verified.is_ok() && !scoped,
            Answer::Accept | Answer::Preferred => scoped,
            Answer::Tolerated => true,
        };
        if !ok {
            failures.push(format!(
                "{} ({:?}): {verified:?}",
                defect.name, defect.answer
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn defect_names_are_unique_start_with_their_row_and_cover_every_token_row() {
    let mut names = BTreeSet::new();
    for d in defects() {
        assert!(names.insert(d.name), "duplicate {}", d.name);
        assert!(
            d.name.starts_with(d.row.as_str()),
            "{} is not in row {}",
            d.name,
            d.row
        );
        assert!(
            TOKEN_ROWS.contains(&d.row.as_str()),
            "{}: unknown row {}",
            d.name,
            d.row
        );
        assert!(!d.about.is_empty() && !d.source.is_empty(), "{}", d.name);
        match d.answer {
            Answer::Accept | Answer::Preferred => assert!(d.breaks.is_empty(), "{}", d.name),
            Answer::InsufficientScope => assert_eq!(d.breaks, [Check::Scope], "{}", d.name),
            Answer::Refuse => assert!(!d.breaks.is_empty(), "{}", d.name),
            Answer::Tolerated => {}
        }
    }
    for row in TOKEN_ROWS {
        assert!(
            defects().iter().any(|d| d.row.as_str() == *row),
            "no defect for row {row}"
        );
    }
}

#[tokio::test]
async fn http_and_offline_minting_use_the_same_names_and_keys() {
    let tenant = MockTenant::start().await;
    let jwks = fetch_jwks(&tenant).await;
    let c = client(&tenant);
    let res: Value = json_of(c
        .post(format!("{}/_mock/token", tenant.url()))
        .json(&serde_json::json!({"defect": "exp-past", "claims": {"scope": "write:messages", "gty": null}}))).await;
    let token = res["token"].as_str().unwrap();
    assert_eq!(
        problems(&jwks, tenant.issuer(), token),
        BTreeSet::from([Check::Expiry, Check::Scope])
    );
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(token)
        .unwrap()
        .claims;
    assert!(claims.get("gty").is_none(), "null removes a claim");

    let res = c
        .post(format!("{}/_mock/token", tenant.url()))
        .json(&serde_json::json!({"defect": "no-such-defect"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let listed: Value = json_of(c.get(format!("{}/_mock/defects", tenant.url()))).await;
    assert_eq!(listed.as_array().unwrap().len(), defects().len());

    // Offline, with the fixture keys and the tenant's issuer: valid against the running tenant.
    let offline = TokenBuilder::offline(tenant.issuer()).sign();
    assert_eq!(problems(&jwks, tenant.issuer(), &offline), BTreeSet::new());
}

#[tokio::test]
async fn the_attacker_host_serves_its_jwks_and_counts_every_hit() {
    let tenant = MockTenant::start().await;
    let attacker = tenant.attacker_host().await;
    let token = tenant
        .token()
        .attacker(&attacker.url())
        .defect("jku-attacker")
        .sign();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    let jku = header["jku"].as_str().unwrap();
    assert!(jku.starts_with(&attacker.url()));
    assert_eq!(attacker.connections(), 0);
    // What a vulnerable API would do: fetch the jku and find the signing key there.
    let set: jsonwebtoken::jwk::JwkSet = client(&tenant)
        .get(jku)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(set.find(header["kid"].as_str().unwrap()).is_some());
    assert_eq!(attacker.connections(), 1);
    assert_eq!(attacker.requests(), ["/.well-known/jwks.json"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any single-character change to a signed token, not re-signed by the tenant, is refused.
    #[test]
    fn any_unsigned_change_to_a_token_is_refused(position in 0usize..4096, replacement in "[A-Za-z0-9_.=+/ -]") {
        let (issuer, jwks, token) = fixture();
        let position = position % token.len();
        let replacement = replacement.chars().next().unwrap();
        prop_assume!(token.as_bytes()[position] as char != replacement);
        let mut changed = token.clone();
        changed.replace_range(position..=position, &replacement.to_string());
        prop_assert!(!problems(jwks, issuer, &changed).is_empty(), "accepted: {changed}");
    }
}

/// A valid token and the JWKS that verifies it, made once, offline, from the fixture keys.
fn fixture() -> (
    &'static str,
    &'static jsonwebtoken::jwk::JwkSet,
    &'static String,
) {
    static FIXTURE: std::sync::OnceLock<(jsonwebtoken::jwk::JwkSet, String)> =
        std::sync::OnceLock::new();
    const ISSUER: &str = "https://localhost:8443/";
    let (jwks, token) = FIXTURE.get_or_init(|| {
        let token = TokenBuilder::offline(ISSUER).sign();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let jwks = runtime.block_on(async {
            let tenant = MockTenant::builder().issuer(ISSUER).start().await;
            fetch_jwks(&tenant).await
        });
        (jwks, token)
    });
    (ISSUER, jwks, token)
}

/// Every defect applied over the smallest overrides HTTP allows still mints (no panic).
#[tokio::test]
async fn every_defect_mints_even_when_overrides_empty_the_token() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    for defect in defects() {
        let body = serde_json::json!({
            "defect": defect.name,
            "claims": {"iss": null, "sub": null, "aud": null, "iat": null, "exp": null,
                       "azp": null, "scope": null, "gty": null},
            "header": {"typ": null, "kid": null, "alg": null},
        });
        let res = c
            .post(format!("{}/_mock/token", tenant.url()))
            .json(&body)
            .send()
            .await;
        let res = res.unwrap_or_else(|e| panic!("{}: no answer: {e}", defect.name));
        assert_eq!(res.status(), 200, "{}", defect.name);
    }
}
