//! DPoP at the sample API (`AUTH0_DPOP`), with proofs and bound tokens from the mock tenant's
//! forge: every proof defect gets the answer it declares, a bound token needs its proof, and the
//! challenges name `DPoP` with its algorithms.

use crate::{api_for, http};
use mock_tenant::MockTenant;
use mock_tenant::forge::{DpopAnswer, DpopKey, DpopProof, dpop_defects};
use reqwest::Response;

async fn call(url: &str, authorization: &str, proofs: &[String]) -> Response {
    let mut req = http().get(url).header("authorization", authorization);
    for p in proofs {
        req = req.header("DPoP", p);
    }
    req.send().await.unwrap()
}

fn challenges(res: &Response) -> Vec<String> {
    res.headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_bound_token_with_its_proof_passes_and_every_proof_defect_gets_its_answer() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("AUTH0_DPOP", "allowed")]).await;
    let url = format!("{}/api/private", api.url());
    let key = DpopKey::fixture();
    let token = tenant.token().dpop_bound(&key).sign();
    let valid = || DpopProof::new(&key, "GET", &url).ath(&token);
    let res = call(&url, &format!("DPoP {token}"), &[valid().sign()]).await;
    assert_eq!(res.status(), 200);
    for defect in dpop_defects() {
        let proof = valid().defect(defect.name).sign();
        let res = call(&url, &format!("DPoP {token}"), &[proof]).await;
        match defect.answer {
            DpopAnswer::Accept => assert_eq!(res.status(), 200, "{}", defect.name),
            DpopAnswer::Refuse => {
                assert_eq!(res.status(), 401, "{}", defect.name);
                let c = challenges(&res).join(" | ");
                assert!(
                    c.contains("DPoP error=\"invalid_dpop_proof\"") && c.contains("algs=\"ES256\""),
                    "{}: {c}",
                    defect.name
                );
            }
        }
    }
}

#[tokio::test]
async fn replays_two_proofs_downgrades_and_foreign_keys_are_refused() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("AUTH0_DPOP", "allowed")]).await;
    let url = format!("{}/api/private", api.url());
    let key = DpopKey::fixture();
    let token = tenant.token().dpop_bound(&key).sign();
    let proof = DpopProof::new(&key, "GET", &url).ath(&token).sign();
    let dpop = format!("DPoP {token}");
    assert_eq!(
        call(&url, &dpop, std::slice::from_ref(&proof))
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&url, &dpop, &[proof]).await.status(),
        401,
        "a replayed jti"
    );
    let two = [
        DpopProof::new(&key, "GET", &url).ath(&token).sign(),
        DpopProof::new(&key, "GET", &url).ath(&token).sign(),
    ];
    assert_eq!(
        call(&url, &dpop, &two).await.status(),
        401,
        "two DPoP headers"
    );
    assert_eq!(call(&url, &dpop, &[]).await.status(), 401, "no proof");
    let res = call(&url, &format!("Bearer {token}"), &[]).await;
    assert_eq!(res.status(), 401, "a bound token as Bearer (RFC 9449 §7.2)");
    // A proof of another key than the token's cnf.jkt.
    let other = DpopKey::generate();
    let proof = DpopProof::new(&other, "GET", &url).ath(&token).sign();
    assert_eq!(call(&url, &dpop, &[proof]).await.status(), 401);
    // An unbound token with the DPoP scheme: there is no key to match.
    let unbound = tenant.token().sign();
    let proof = DpopProof::new(&key, "GET", &url).ath(&unbound).sign();
    let res = call(&url, &format!("DPoP {unbound}"), &[proof]).await;
    assert_eq!(res.status(), 401);
    // htu is checked against the API's own URL, whatever Host says.
    let spoofed = "http://spoofed.example/api/private";
    let proof = DpopProof::new(&key, "GET", spoofed).ath(&token).sign();
    let res = http()
        .get(&url)
        .header("authorization", &dpop)
        .header("DPoP", proof)
        .header("host", "spoofed.example")
        .header("x-forwarded-host", "spoofed.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // Under `allowed`, an unbound bearer token still passes, with both challenges on refusals.
    assert_eq!(
        call(&url, &format!("Bearer {unbound}"), &[]).await.status(),
        200
    );
    let res = call(&url, "Bearer garbage", &[]).await;
    let c = challenges(&res);
    assert!(
        c.iter().any(|c| c.starts_with("Bearer")) && c.iter().any(|c| c.starts_with("DPoP")),
        "{c:?}"
    );
}

#[tokio::test]
async fn required_refuses_bearer_and_challenges_dpop_only_and_off_keeps_bearer() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("AUTH0_DPOP", "required")]).await;
    let url = format!("{}/api/private", api.url());
    let unbound = tenant.token().sign();
    let res = call(&url, &format!("Bearer {unbound}"), &[]).await;
    assert_eq!(res.status(), 401);
    assert_eq!(challenges(&res), ["DPoP algs=\"ES256\""]);
    let key = DpopKey::fixture();
    let token = tenant.token().dpop_bound(&key).sign();
    let proof = DpopProof::new(&key, "GET", &url).ath(&token).sign();
    assert_eq!(
        call(&url, &format!("DPoP {token}"), &[proof])
            .await
            .status(),
        200
    );
    // Off (the default): `DPoP` is another scheme, and a bound token is a bearer token.
    let off = api_for(&tenant, &[]).await;
    let url = format!("{}/api/private", off.url());
    let res = call(&url, &format!("DPoP {token}"), &[]).await;
    assert_eq!(res.status(), 401);
    assert_eq!(challenges(&res), ["Bearer realm=\"api\""]);
    assert_eq!(
        call(&url, &format!("Bearer {token}"), &[]).await.status(),
        200
    );
}
