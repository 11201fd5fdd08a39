//! The engine and the flow on their own: what an Action's `api` records, what it sees of
//! `event`, and how each way of failing ends (thrown, syntax, loop, memory, stack, a promise
//! that never settles), each within its bounds.

use super::*;
use serde_json::json;

fn bounds(ms: u64) -> engine::Bounds {
    ActionLimits {
        timeout_ms: ms,
        memory_mb: 16,
    }
    .bounds()
}

fn run_one(trigger: Trigger, code: &str, event: Value) -> Result<Commands, ActionError> {
    engine::run("test.js", code, trigger, &event.to_string(), bounds(2_000))
}

fn error_of(trigger: Trigger, code: &str) -> ActionError {
    run_one(trigger, code, json!({})).expect_err("the Action fails")
}

#[test]
fn a_post_login_action_sets_claims_scopes_and_sees_the_event() {
    let code = r#"
        exports.onExecutePostLogin = async (event, api) => {
          const ns = "https://app.example";
          api.idToken.setCustomClaim(`${ns}/email`, event.user.email)
             .accessToken.setCustomClaim(`${ns}/roles`, event.authorization.roles);
          api.accessToken.addScope("read:extra");
          api.accessToken.removeScope("write:messages");
          console.log("hello", { from: event.client.client_id });
        };"#;
    let event = json!({
        "user": {"email": "alice@example.com"},
        "authorization": {"roles": ["admin"]},
        "client": {"client_id": "web"},
    });
    let commands = run_one(Trigger::PostLogin, code, event).unwrap();
    assert_eq!(
        commands.id_token_claims["https://app.example/email"],
        "alice@example.com"
    );
    assert_eq!(
        commands.access_token_claims["https://app.example/roles"],
        json!(["admin"])
    );
    assert_eq!(commands.add_scopes, ["read:extra"]);
    assert_eq!(commands.remove_scopes, ["write:messages"]);
    assert_eq!(commands.logs, [r#"hello {"from":"web"}"#]);
    assert!(commands.deny.is_none());
}

#[test]
fn deny_is_recorded_and_the_rest_of_the_action_still_runs() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
        api.access.deny("no weekends");
        api.idToken.setCustomClaim("https://x/after", true);
    };"#;
    let commands = run_one(Trigger::PostLogin, code, json!({})).unwrap();
    assert_eq!(
        commands.deny,
        Some(Denial {
            code: "access_denied".into(),
            reason: "no weekends".into()
        })
    );
    assert_eq!(commands.id_token_claims["https://x/after"], true);
}

#[test]
fn a_thrown_error_names_its_line_and_keeps_the_logs_before_it() {
    let code = "exports.onExecutePostLogin = async (event, api) => {\n  console.log('before');\n  event.user.missing.field;\n};";
    let error = error_of(Trigger::PostLogin, code);
    assert!(error.message.starts_with("TypeError: "), "{error:?}");
    let stack = error.stack.expect("a stack");
    assert!(stack.contains("test.js:3"), "{stack}");
    assert_eq!(error.logs, ["before"]);
}

#[test]
fn a_syntax_error_is_reported_as_one() {
    let error = error_of(
        Trigger::PostLogin,
        "exports.onExecutePostLogin = async (event, api) => {",
    );
    assert!(error.message.starts_with("SyntaxError: "), "{error:?}");
}

#[test]
fn a_missing_handler_or_a_dependency_is_a_clear_error() {
    let error = error_of(
        Trigger::CredentialsExchange,
        "exports.onExecutePostLogin = () => {};",
    );
    assert_eq!(
        error.message,
        "TypeError: The Action does not export onExecuteCredentialsExchange"
    );
    let error = error_of(
        Trigger::PostLogin,
        "const axios = require('axios'); exports.onExecutePostLogin = () => {};",
    );
    assert!(
        error.message.contains("Cannot find module 'axios'"),
        "{error:?}"
    );
}

#[test]
fn a_loop_that_never_ends_is_stopped_at_the_deadline() {
    let started = std::time::Instant::now();
    let error = engine::run(
        "loop.js",
        "exports.onExecutePostLogin = async () => { for (;;) {} };",
        Trigger::PostLogin,
        "{}",
        bounds(300),
    )
    .unwrap_err();
    assert_eq!(
        error.message,
        "Action timed out: it ran for more than 300 ms"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn an_action_that_allocates_without_end_runs_out_of_memory() {
    let code = "exports.onExecutePostLogin = async () => { const a = []; for (;;) a.push('x'.repeat(1024)); };";
    let error = error_of(Trigger::PostLogin, code);
    assert_eq!(
        error.message,
        "Action ran out of memory: it used more than 16 MB"
    );
}

#[test]
fn endless_recursion_is_an_error_not_a_crash() {
    let code =
        "function f(n) { return f(n + 1) + 1; } exports.onExecutePostLogin = async () => f(0);";
    let error = error_of(Trigger::PostLogin, code);
    assert_eq!(
        error.message,
        "RangeError: Maximum call stack size exceeded"
    );
}

#[test]
fn a_promise_that_never_settles_ends_the_run() {
    let code = "exports.onExecutePostLogin = () => new Promise(() => {});";
    let error = error_of(Trigger::PostLogin, code);
    assert_eq!(
        error.message,
        "the Action awaited a promise that never settles"
    );
}

#[test]
fn the_scope_claim_throws_and_bad_scopes_are_refused_as_auth0_refuses_them() {
    let error = error_of(
        Trigger::PostLogin,
        "exports.onExecutePostLogin = async (e, api) => { api.accessToken.setCustomClaim('scope', 'admin'); };",
    );
    assert_eq!(error.message, "Error: The \"scope\" claim cannot be set.");
    let error = error_of(
        Trigger::PostLogin,
        "exports.onExecutePostLogin = async (e, api) => { api.accessToken.addScope('a b'); };",
    );
    assert_eq!(
        error.message,
        "Error: The value for the scope must not have whitespace."
    );
}

#[test]
fn credentials_exchange_deny_takes_only_auth0s_codes() {
    let ok = run_one(
        Trigger::CredentialsExchange,
        "exports.onExecuteCredentialsExchange = async (e, api) => { api.access.deny('invalid_scope', 'no'); };",
        json!({}),
    )
    .unwrap();
    assert_eq!(ok.deny.unwrap().code, "invalid_scope");
    let error = error_of(
        Trigger::CredentialsExchange,
        "exports.onExecuteCredentialsExchange = async (e, api) => { api.access.deny('unauthorized_client', 'no'); };",
    );
    assert!(
        error
            .message
            .starts_with("TypeError: The error code must be one of"),
        "{error:?}"
    );
}

#[test]
fn restricted_claims_and_auth0_namespaces_are_not_allowed() {
    for name in [
        "sub",
        "permissions",
        "roles",
        "org_id",
        "https://tenant.auth0.com/x",
        "urn:auth0:x",
    ] {
        assert!(!claim_allowed(name), "{name}");
    }
    for name in [
        "https://app.example/roles",
        "myClaim",
        "https://auth0.com.example/x",
    ] {
        assert!(claim_allowed(name), "{name}");
    }
}

#[tokio::test]
async fn a_flow_runs_in_order_drops_restricted_claims_and_stops_at_a_deny() {
    let actions = [
        Action::new(
            Trigger::PostLogin,
            "exports.onExecutePostLogin = async (e, api) => { api.accessToken.setCustomClaim('https://x/first', e.secrets.KEY).accessToken.setCustomClaim('sub', 'evil'); };",
        ),
        Action::new(
            Trigger::CredentialsExchange,
            "exports.onExecuteCredentialsExchange = async () => { throw new Error('not this trigger'); };",
        ),
        Action::new(
            Trigger::PostLogin,
            "exports.onExecutePostLogin = async (e, api) => { api.accessToken.setCustomClaim('https://x/second', 2); };",
        ),
    ];
    let mut with_secret = actions.clone();
    with_secret[0].secrets.insert("KEY".into(), "s3cret".into());
    let effects = run(
        &with_secret,
        &ActionLimits::default(),
        Trigger::PostLogin,
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(
        Value::Object(effects.access_token_claims),
        json!({"https://x/first": "s3cret", "https://x/second": 2})
    );

    let mut denying = actions.to_vec();
    denying.insert(
        0,
        Action::new(
            Trigger::PostLogin,
            "exports.onExecutePostLogin = async (e, api) => { api.access.deny('nope'); };",
        ),
    );
    match run(
        &denying,
        &ActionLimits::default(),
        Trigger::PostLogin,
        json!({}),
    )
    .await
    {
        Err(Stop::Denied(denial, _)) => assert_eq!(denial.reason, "nope"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn scopes_are_added_and_removed_in_order_each_once() {
    let effects = Effects {
        add_scopes: vec!["b".into(), "c".into(), "a".into()],
        remove_scopes: vec!["x".into()],
        ..Effects::default()
    };
    assert_eq!(effects.scope("openid a x"), "openid a b c");
}

#[test]
fn a_module_loads_once_per_thread_and_a_run_past_its_time_starts_it_afresh() {
    let code = r#"
        let runs = 0;
        console.log("loaded");
        exports.onExecutePostLogin = async (event, api) => {
          runs += 1;
          if (event.spin) for (;;) {}
          api.idToken.setCustomClaim("https://x/runs", runs);
        };"#;
    let once = |spin: bool| {
        engine::run(
            "counter.js",
            code,
            Trigger::PostLogin,
            &json!({ "spin": spin }).to_string(),
            bounds(300),
        )
    };
    let first = once(false).unwrap();
    assert_eq!(first.id_token_claims["https://x/runs"], 1);
    assert_eq!(
        first.logs,
        ["loaded"],
        "the module's own log reaches its first run"
    );
    let second = once(false).unwrap();
    assert_eq!(
        second.id_token_claims["https://x/runs"], 2,
        "module state lives on"
    );
    assert!(second.logs.is_empty());
    assert!(once(true).unwrap_err().message.contains("timed out"));
    let fresh = once(false).unwrap();
    assert_eq!(
        fresh.id_token_claims["https://x/runs"], 1,
        "a fresh runtime"
    );
}
