//! The Rust `openidconnect` crate, as a relying party: discovery, the code flow with PKCE,
//! ID-token validation including `nonce`, and userinfo, against the mock tenant over HTTPS.

use mock_tenant::MockTenant;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, HttpRequest, HttpResponse, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use std::future::Future;
use std::time::Duration;

const CALLBACK: &str = "http://localhost:5000/callback";

/// The crate's HTTP client, made of our reqwest (trusting only the tenant's CA, no redirects).
fn http_client(
    tenant: &MockTenant,
) -> impl Fn(HttpRequest) -> std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, reqwest::Error>>>>
{
    let ca = reqwest::Certificate::from_pem(tenant.ca_pem().unwrap().as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    move |req: HttpRequest| {
        let client = client.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let res = client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let mut out = http::Response::builder().status(res.status());
            for (k, v) in res.headers() {
                out = out.header(k, v);
            }
            let body = res.bytes().await?.to_vec();
            Ok(out.body(body).expect("a response"))
        })
    }
}

#[tokio::test]
async fn openidconnect_completes_discovery_code_flow_with_pkce_nonce_and_userinfo() {
    let tenant = MockTenant::start().await;
    let http = http_client(&tenant);
    let issuer = IssuerUrl::new(tenant.issuer().to_owned()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("quickstart-web".into()),
        Some(ClientSecret::new("test-only-secret-web".into())),
    )
    .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .add_extra_param("login_hint", "bob@example.com")
        .set_pkce_challenge(challenge)
        .url();

    // The "browser": one GET, auto-login by login_hint, a redirect to the callback.
    let res = http(http::Request::get(url.as_str()).body(Vec::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let query: std::collections::HashMap<String, String> =
        form_urlencoded::parse(location.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(&query["state"], csrf.secret());

    let tokens = client
        .exchange_code(AuthorizationCode::new(query["code"].clone()))
        .expect("discovery gave a token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchange");
    let id_token = tokens.id_token().expect("an ID token");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("the ID token validates, nonce included");
    assert_eq!(claims.subject().as_str(), "auth0|65f0c0ffee0000000000b0b0");
    assert_eq!(claims.email().unwrap().as_str(), "bob@example.com");

    // A different nonce must fail: the check is real.
    assert!(
        id_token
            .claims(&client.id_token_verifier(), &Nonce::new("other".into()))
            .is_err()
    );

    let userinfo: CoreUserInfoClaims = client
        .user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .expect("discovery gave a userinfo endpoint")
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(
        userinfo.subject().as_str(),
        "auth0|65f0c0ffee0000000000b0b0"
    );
    assert_eq!(userinfo.email().unwrap().as_str(), "bob@example.com");
    assert_eq!(
        userinfo.nickname().unwrap().get(None).unwrap().as_str(),
        "bob"
    );
}
