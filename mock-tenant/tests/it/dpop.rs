//! DPoP at the tenant (RFC 9449): proofs checked at `/oauth/token` for every grant, tokens bound
//! with `cnf.jkt` and `token_type: DPoP`, refresh tokens bound to the key, nonces on demand,
//! `/userinfo` with `Authorization: DPoP`, and Auth0's errors for each broken proof.

use crate::now;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mock_tenant::MockTenant;
use serde_json::{Value, json};

/// A client's DPoP key, making proofs: written here apart from the forge's `DpopProof` on
/// purpose, so the tenant's checks are proven against a client that does not share its code.
struct Key(EcdsaKeyPair);

impl Key {
    fn new() -> Self {
        Self(EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap())
    }

    fn jwk(&self) -> Value {
        let point = self.0.public_key().as_ref();
        json!({"kty": "EC", "crv": "P-256", "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..])})
    }

    /// RFC 7638: the required members in order, no whitespace.
    fn jkt(&self) -> String {
        let jwk = self.jwk();
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            jwk["x"].as_str().unwrap(),
            jwk["y"].as_str().unwrap()
        );
        B64.encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            canonical.as_bytes(),
        ))
    }

    /// A proof for `htm` `htu`, then `header` and `claims` merged over the valid ones (`null`
    /// removes a field).
    fn proof_with(&self, htm: &str, htu: &str, header: Value, claims: Value) -> String {
        let mut h = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk()});
        let mut c = json!({"jti": mock_id(), "htm": htm, "htu": htu, "iat": now()});
        merge(&mut h, header);
        merge(&mut c, claims);
        let input = format!(
            "{}.{}",
            B64.encode(h.to_string()),
            B64.encode(c.to_string())
        );
        let sig = self.0.sign(&SystemRandom::new(), input.as_bytes()).unwrap();
        format!("{input}.{}", B64.encode(sig.as_ref()))
    }

    fn proof(&self, htm: &str, htu: &str) -> String {
        self.proof_with(htm, htu, json!({}), json!({}))
    }
}

fn merge(target: &mut Value, over: Value) {
    for (k, v) in over.as_object().unwrap() {
        if v.is_null() {
            target.as_object_mut().unwrap().remove(k);
        } else {
            target[k] = v.clone();
        }
    }
}

fn mock_id() -> String {
    use aws_lc_rs::rand::SecureRandom;
    let mut b = [0u8; 12];
    SystemRandom::new().fill(&mut b).unwrap();
    B64.encode(b)
}

fn token_url(tenant: &MockTenant) -> String {
    format!("{}/oauth/token", tenant.url())
}

/// A client_credentials request with these `DPoP` header values.
async fn m2m(tenant: &MockTenant, proofs: &[String]) -> reqwest::Response {
    let mut req = crate::client(tenant).post(token_url(tenant)).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", "quickstart-m2m-read"),
        ("client_secret", "test-only-secret-m2m-read"),
        ("audience", fixtures::QUICKSTART_AUDIENCE),
    ]);
    for p in proofs {
        req = req.header("DPoP", p);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_valid_proof_binds_the_token_to_its_key() {
    let tenant = MockTenant::start().await;
    let key = Key::new();
    let res = m2m(&tenant, &[key.proof("POST", &token_url(&tenant))]).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "DPoP");
    let claims = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["cnf"], json!({"jkt": key.jkt()}));
    // Without a proof: a bearer token, as before.
    let body: Value = m2m(&tenant, &[]).await.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    // htu with a query or fragment: ignored (RFC 9449 §4.3).
    let htu = format!("{}?x=1#frag", token_url(&tenant));
    assert_eq!(m2m(&tenant, &[key.proof("POST", &htu)]).await.status(), 200);
}

#[tokio::test]
async fn every_broken_proof_gets_invalid_dpop_proof() {
    let tenant = MockTenant::start().await;
    let key = Key::new();
    let other = Key::new();
    let url = token_url(&tenant);
    let replayed = key.proof("POST", &url);
    assert_eq!(
        m2m(&tenant, std::slice::from_ref(&replayed)).await.status(),
        200
    );
    let mut private = key.jwk();
    private["d"] = json!("c2VjcmV0");
    let valid_other_key_signed = {
        // The header names `key`, the signature is `other`'s.
        let mine = key.proof("POST", &url);
        let theirs = other.proof_with("POST", &url, json!({"jwk": key.jwk()}), json!({}));
        let p: Vec<&str> = mine.split('.').collect();
        let t: Vec<&str> = theirs.split('.').collect();
        format!("{}.{}.{}", p[0], p[1], t[2])
    };
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "typ missing",
            vec![key.proof_with("POST", &url, json!({"typ": null}), json!({}))],
        ),
        (
            "typ jwt",
            vec![key.proof_with("POST", &url, json!({"typ": "JWT"}), json!({}))],
        ),
        (
            "alg none",
            vec![key.proof_with("POST", &url, json!({"alg": "none"}), json!({}))],
        ),
        (
            "alg HS256",
            vec![key.proof_with("POST", &url, json!({"alg": "HS256"}), json!({}))],
        ),
        (
            "private jwk",
            vec![key.proof_with("POST", &url, json!({"jwk": private}), json!({}))],
        ),
        ("jwk of another key", vec![valid_other_key_signed]),
        ("htm", vec![key.proof("GET", &url)]),
        (
            "htu path",
            vec![key.proof("POST", &format!("{}/oauth/revoke", tenant.url()))],
        ),
        (
            "htu host",
            vec![key.proof("POST", "https://evil.example/oauth/token")],
        ),
        (
            "htu scheme",
            vec![key.proof("POST", &url.replacen("https:", "http:", 1))],
        ),
        (
            "iat old",
            vec![key.proof_with("POST", &url, json!({}), json!({"iat": now() - 3600}))],
        ),
        (
            "iat future",
            vec![key.proof_with("POST", &url, json!({}), json!({"iat": now() + 3600}))],
        ),
        (
            "iat string",
            vec![key.proof_with("POST", &url, json!({}), json!({"iat": now().to_string()}))],
        ),
        (
            "jti missing",
            vec![key.proof_with("POST", &url, json!({}), json!({"jti": null}))],
        ),
        ("jti replayed", vec![replayed]),
        (
            "two proofs",
            vec![key.proof("POST", &url), key.proof("POST", &url)],
        ),
        ("not a JWT", vec!["not-a-jwt".into()]),
    ];
    for (what, proofs) in cases {
        let res = m2m(&tenant, &proofs).await;
        assert_eq!(res.status(), 400, "{what}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_dpop_proof", "{what}: {body}");
    }
}

#[tokio::test]
async fn a_demanded_nonce_is_asked_for_with_use_dpop_nonce_and_can_rotate() {
    let tenant = MockTenant::start().await;
    let http = crate::client(&tenant);
    let control = format!("{}/_mock/dpop", tenant.url());
    let on: Value = crate::json_of(http.put(&control).json(&json!({"require_nonce": true}))).await;
    let nonce = on["nonce"].as_str().unwrap().to_owned();
    let key = Key::new();
    let url = token_url(&tenant);
    let res = m2m(&tenant, &[key.proof("POST", &url)]).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["dpop-nonce"], nonce.as_str());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "use_dpop_nonce");
    let with = |n: &str| key.proof_with("POST", &url, json!({}), json!({"nonce": n}));
    assert_eq!(m2m(&tenant, &[with(&nonce)]).await.status(), 200);
    // Rotated: the old nonce is stale, and the answer names the new one.
    let rotated: Value = crate::json_of(http.post(format!("{control}/nonce/rotate"))).await;
    let fresh = rotated["nonce"].as_str().unwrap();
    assert_ne!(fresh, nonce);
    let res = m2m(&tenant, &[with(&nonce)]).await;
    assert_eq!(res.headers()["dpop-nonce"], fresh);
    assert_eq!(m2m(&tenant, &[with(fresh)]).await.status(), 200);
    // The nonce is part of the saved state, and a reset forgets it.
    let state: Value = crate::json_of(http.get(format!("{}/_mock/state", tenant.url()))).await;
    assert_eq!(state["dpop_nonce"], fresh);
    tenant.reset();
    let off: Value = crate::json_of(http.get(&control)).await;
    assert_eq!(off, json!({"nonce": null}));
    assert_eq!(m2m(&tenant, &[key.proof("POST", &url)]).await.status(), 200);
    // The same from Rust.
    assert_eq!(tenant.dpop_nonce(), None);
    let n = tenant.rotate_dpop_nonce();
    assert_eq!(tenant.dpop_nonce(), Some(n.clone()));
    assert_eq!(tenant.require_dpop_nonce(true), Some(n));
    assert_eq!(tenant.require_dpop_nonce(false), None);
}

#[tokio::test]
async fn a_client_that_requires_dpop_gets_no_bearer_token() {
    let tenant = MockTenant::start().await;
    let mut config = tenant.config();
    let m2m_client = config
        .clients
        .iter_mut()
        .find(|c| c.client_id == "quickstart-m2m-read")
        .unwrap();
    m2m_client.require_proof_of_possession = true;
    tenant.set_config(config);
    let res = m2m(&tenant, &[]).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    let key = Key::new();
    assert_eq!(
        m2m(&tenant, &[key.proof("POST", &token_url(&tenant))])
            .await
            .status(),
        200
    );
}

/// A code for Alice from the public SPA client (no redirects followed), with PKCE `plain`.
async fn spa_code(tenant: &MockTenant, audience: Option<&str>) -> String {
    let http = crate::browser(tenant);
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", "quickstart-spa"),
        ("redirect_uri", "http://localhost:3000"),
        ("scope", "openid profile offline_access"),
        (
            "code_challenge",
            "verifier-verifier-verifier-verifier-verifier-1",
        ),
        ("code_challenge_method", "plain"),
        ("login_hint", "alice@example.com"),
    ];
    if let Some(aud) = audience {
        query.push(("audience", aud));
    }
    let res = http
        .get(format!("{}/authorize", tenant.url()))
        .query(&query)
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    reqwest::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned()
}

async fn spa_token(
    tenant: &MockTenant,
    form: &[(&str, &str)],
    proof: Option<String>,
) -> reqwest::Response {
    let mut all = vec![("client_id", "quickstart-spa")];
    all.extend_from_slice(form);
    let mut req = crate::client(tenant).post(token_url(tenant)).form(&all);
    if let Some(p) = proof {
        req = req.header("DPoP", p);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn the_code_flow_binds_access_and_refresh_tokens_to_the_key() {
    let tenant = MockTenant::start().await;
    let key = Key::new();
    let url = token_url(&tenant);
    let code = spa_code(&tenant, Some(fixtures::QUICKSTART_AUDIENCE)).await;
    let res = spa_token(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:3000"),
            (
                "code_verifier",
                "verifier-verifier-verifier-verifier-verifier-1",
            ),
        ],
        Some(key.proof("POST", &url)),
    )
    .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "DPoP");
    let claims = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["cnf"]["jkt"], key.jkt());
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
    ];
    // The refresh token works only with a proof of the same key.
    let res = spa_token(&tenant, &form, None).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_dpop_proof"
    );
    let res = spa_token(&tenant, &form, Some(Key::new().proof("POST", &url))).await;
    assert_eq!(res.status(), 400);
    let res = spa_token(&tenant, &form, Some(key.proof("POST", &url))).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "DPoP");
    let claims = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["cnf"]["jkt"], key.jkt());
}

#[tokio::test]
async fn userinfo_takes_a_bound_token_only_with_its_proof() {
    let tenant = MockTenant::start().await;
    let key = Key::new();
    let code = spa_code(&tenant, None).await;
    let body: Value = spa_token(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:3000"),
            (
                "code_verifier",
                "verifier-verifier-verifier-verifier-verifier-1",
            ),
        ],
        Some(key.proof("POST", &token_url(&tenant))),
    )
    .await
    .json()
    .await
    .unwrap();
    let at = body["access_token"].as_str().unwrap().to_owned();
    let userinfo = format!("{}/userinfo", tenant.url());
    let ath = B64.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        at.as_bytes(),
    ));
    let call = |scheme: &str, proof: Option<String>| {
        let mut req = crate::client(&tenant)
            .get(&userinfo)
            .header("authorization", format!("{scheme} {at}"));
        if let Some(p) = proof {
            req = req.header("DPoP", p);
        }
        req.send()
    };
    let good = key.proof_with("GET", &userinfo, json!({}), json!({"ath": ath}));
    let res = call("DPoP", Some(good)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["sub"],
        "auth0|65f0c0ffee0000000000a11c"
    );
    // A downgrade to Bearer, a proof without `ath`, a proof of another key: refused.
    assert_eq!(call("Bearer", None).await.unwrap().status(), 401);
    let no_ath = key.proof("GET", &userinfo);
    assert_eq!(call("DPoP", Some(no_ath)).await.unwrap().status(), 401);
    let other = Key::new().proof_with("GET", &userinfo, json!({}), json!({"ath": ath}));
    let res = call("DPoP", Some(other)).await.unwrap();
    assert_eq!(res.status(), 401);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token"),
        "Auth0's challenge"
    );
}

#[tokio::test]
async fn the_forges_proofs_and_bound_tokens_from_rust_http_and_the_cli() {
    use mock_tenant::forge::{DpopKey, dpop_defects};
    let tenant = MockTenant::start().await;
    let fixture = DpopKey::fixture();
    let http = crate::client(&tenant);
    // Rust: the tenant's proof builder.
    let res = m2m(&tenant, &[tenant.dpop_proof(&fixture).sign()]).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let claims = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["cnf"]["jkt"], fixture.thumbprint());
    // HTTP: POST /_mock/dpop/proof, signed by the fixture key unless fresh_key.
    let made: Value = crate::json_of(
        http.post(format!("{}/_mock/dpop/proof", tenant.url()))
            .json(&json!({"htm": "POST", "htu": token_url(&tenant)})),
    )
    .await;
    assert_eq!(made["jkt"], fixture.thumbprint());
    let res = m2m(&tenant, &[made["proof"].as_str().unwrap().to_owned()]).await;
    assert_eq!(res.status(), 200);
    let fresh: Value = crate::json_of(
        http.post(format!("{}/_mock/dpop/proof", tenant.url()))
            .json(&json!({"htm": "POST", "htu": token_url(&tenant), "fresh_key": true, "defect": "dpop-typ-jwt"})),
    )
    .await;
    assert_ne!(fresh["jkt"], fixture.thumbprint());
    let res = m2m(&tenant, &[fresh["proof"].as_str().unwrap().to_owned()]).await;
    assert_eq!(res.status(), 400, "the defect reaches the tenant");
    // CLI: `mock-tenant dpop-proof`, offline.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
        .args(["dpop-proof", "--htm", "POST", "--htu", &token_url(&tenant)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let proof = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(m2m(&tenant, &[proof]).await.status(), 200);
    // Bound tokens from the forge: `dpop_bound` over HTTP, `--dpop-bound` offline.
    let minted: Value = crate::json_of(
        http.post(format!("{}/_mock/token", tenant.url()))
            .json(&json!({"dpop_bound": true})),
    )
    .await;
    let claims = crate::verify(&tenant, minted["token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["cnf"]["jkt"], fixture.thumbprint());
    let other = DpopKey::generate().thumbprint();
    let minted: Value = crate::json_of(
        http.post(format!("{}/_mock/token", tenant.url()))
            .json(&json!({"dpop_jkt": other})),
    )
    .await;
    let claims = crate::verify(&tenant, minted["token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["cnf"]["jkt"], other.as_str());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
        .args(["mint", "--dpop-bound", "--issuer", tenant.issuer()])
        .output()
        .unwrap();
    let offline = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let claims = crate::verify(&tenant, &offline).await.unwrap();
    assert_eq!(claims["cnf"]["jkt"], fixture.thumbprint());
    // The defect table over HTTP and in `mock-tenant defects`.
    let listed: Value =
        crate::json_of(http.get(format!("{}/_mock/dpop/defects", tenant.url()))).await;
    assert_eq!(listed.as_array().unwrap().len(), dpop_defects().len());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
        .arg("defects")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        dpop_defects().iter().all(|d| text.contains(d.name)),
        "{text}"
    );
    // An unknown defect name is a clear 400.
    let res = http
        .post(format!("{}/_mock/dpop/proof", tenant.url()))
        .json(&json!({"htm": "GET", "htu": "https://x/", "defect": "dpop-nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}
