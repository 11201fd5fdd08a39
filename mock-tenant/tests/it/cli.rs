use super::*;
use std::process::Command;

fn mock_tenant(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
        .args(args)
        .output()
        .expect("run mock-tenant")
}

#[tokio::test]
async fn mint_prints_a_token_that_verifies_against_a_tenant_with_the_same_issuer() {
    let tenant = MockTenant::start().await;
    let out = mock_tenant(&[
        "mint",
        "--issuer",
        tenant.issuer(),
        "--scope",
        "read:messages write:messages",
        "--claim",
        "sub=alice@clients",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let claims = verify(&tenant, token.trim())
        .await
        .expect("offline token verifies");
    assert_eq!(claims["sub"], "alice@clients");
    assert_eq!(claims["scope"], "read:messages write:messages");
}

#[test]
fn mint_applies_a_defect_and_refuses_unknown_names_with_exit_code_2() {
    let out = mock_tenant(&["mint", "--defect", "alg-none"]);
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap();
    let header = token.split('.').next().unwrap();
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "none");
    assert!(token.trim().ends_with('.'));

    let out = mock_tenant(&["mint", "--defect", "no-such-defect"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mock-tenant defects"));
}

#[test]
fn defects_lists_every_name_as_text_and_json() {
    let out = mock_tenant(&["defects"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), mock_tenant::defects().len());
    assert!(text.lines().any(|l| l.starts_with("hs-pubkey-pem ")));
    let out = mock_tenant(&["defects", "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), mock_tenant::defects().len());
}
