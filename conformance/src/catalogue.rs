//! `docs/cases.md`, generated from the table: every case with who could send it, what a correct
//! API answers, what accepting it means, and why. A test keeps the file in step with the table.

use crate::case::{Case, Expect, Knob, Policy, Threat};
use crate::cases::cases;
use std::fmt::Write;

fn expect_text(expect: Expect) -> &'static str {
    match expect {
        Expect::Ok => "200",
        Expect::Challenge => "401 with a bare `Bearer` challenge",
        Expect::Invalid => "401 `invalid_token`",
        Expect::Malformed => "400 or 401",
        Expect::Scope => "403 `insufficient_scope`",
        Expect::Tolerated => "anything but a 5xx",
        Expect::FailClosed => "401 or 503",
        Expect::ClientError => "any 4xx",
        Expect::HeaderOnly => "401 (a 2xx is a warning)",
        Expect::Discouraged => "a refusal (a 2xx is a warning)",
        Expect::Preferred => "200 (a refusal is a warning)",
    }
}

/// What a 2xx means for a case that must be refused, in words.
fn if_accepted(case: &Case) -> String {
    if matches!(
        case.expect,
        Expect::Ok
            | Expect::Tolerated
            | Expect::HeaderOnly
            | Expect::Discouraged
            | Expect::Preferred
    ) {
        return "-".into();
    }
    let policy = |p: Policy| match p {
        Policy::Audience => "aud",
        Policy::Issuer => "iss",
        Policy::Expiry => "exp",
        Policy::NotBefore => "nbf",
        Policy::Scope => "scope",
        Policy::SenderConstraint => "DPoP binding",
        Policy::Organization => "org_id",
    };
    match (case.threat, case.policy, case.knob) {
        (Threat::Anyone, ..) => "FAIL unsafe".into(),
        (_, Some(Policy::Expiry), Some(Knob::ExpRequired)) => {
            "FAIL unsafe under `exp_required` (policy: exp), else warn strict".into()
        }
        (_, Some(Policy::SenderConstraint), Some(Knob::DpopRequired { optional })) => {
            if optional == Expect::Ok {
                "FAIL unsafe under `--dpop required` (policy: DPoP binding); the valid request under `optional`".into()
            } else {
                "FAIL unsafe under `--dpop required` (policy: DPoP binding), else warn strict"
                    .into()
            }
        }
        (_, Some(p), _) => format!("FAIL unsafe (policy: {})", policy(p)),
        _ => "warn strict".into(),
    }
}

fn threat_text(threat: Threat) -> &'static str {
    match threat {
        Threat::Anyone => "anyone",
        Threat::Issuer => "issuer only",
        Threat::Client => "token holder",
    }
}

/// The whole of `docs/cases.md`.
pub fn cases_markdown() -> String {
    let mut out = String::from(
        "# The cases\n\n\
         Generated from the suite's tables (`conformance/src/cases/`, one file per family, the forge's \
         defects in `mock-tenant/src/forge/defects.rs` and the profiles in `conformance/src/profile.rs`) by `cargo test -p auth0-offline-conformance --test it cases_md`; \
         do not edit by hand (`UPDATE_DOCS=1` rewrites it).\n\n\
         **Who could send it** decides what accepting a case that must be refused means:\n\n\
         - *anyone*: no credentials, a forged or unsigned token, an attacker's key, injected keys \
         or URLs. Accepting it is `FAIL unsafe`.\n\
         - *issuer only*: signed by the tenant's own key, odd but parseable. Accepting it is \
         `warn strict` (reported, exit 0), unless a policy the API owns was skipped (`aud`, \
         `iss`, `exp` in the past, `nbf` in the future, a missing `exp` under `exp_required`, \
         the scope): then it is `FAIL unsafe`. The time rows say this per token (a test reads each \
         token back to prove it): if a lenient reading of `exp` (a number, or a string that parses as one) is a past instant, \
         the policy was skipped (CVE-2026-25537); an odd form of a future instant is only an \
         oddity.\n\
         - *token holder*: the valid token in an odd request shape (two headers, quotes, an \
         unknown scheme). Accepting it is `warn strict`.\n\n\
         A 5xx, a hang or a contact with the attacker's host is `FAIL robustness` whoever could \
         send the case. Refusing stays the best answer everywhere.\n\n\
         Where this differs from the catalogue (`jwt-cases.md`): `json-bad`, `crit`, `kid-type`, \
         `alg-garbage`, `alg-swap-legit`, `sig-noncanon` and `jwks-poisoned` are signed by the \
         tenant, so accepting them is `warn strict`, not a forgery; `multi-authz` carries the \
         valid token, so it is `warn strict`; `disc-mismatch` is the issuer variant of OIDC \
         Discovery §4.3 (a `jwks_uri` on another host is legal and not tested); `kid-sqli` and \
         `kid-cmdi` fail on behaviour (an injected sleep that ran, a request to the attacker's \
         host), not on the status of a tenant-signed token.\n\n\
         **Source** is the section of the standard (RFC 6750, 7515-7519, 8725 and 8725bis, 9068, \
         9110, 9449, OIDC) or the advisory each case comes from. **Advisories** names the \
         published advisories whose exact shape a case sends, with the releases they hit; a \
         finding's note names them too. `--strict` fails every `warn strict`.\n\n\
         | case | row | who could send it | a correct API answers | if accepted | knob | source | advisories | why |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for case in cases() {
        let knob = case.knob.map_or("-".to_owned(), |k| match k {
            Knob::Leeway { .. } => "leeway: any answer if `exp` passed within it".into(),
            other => format!("{other:?}"),
        });
        let source = case.spec;
        let advisories: Vec<String> = case.advisories().iter().map(|a| a.to_string()).collect();
        let advisories = if advisories.is_empty() {
            "-".to_owned()
        } else {
            advisories.join("; ")
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            case.id,
            case.source,
            threat_text(case.threat),
            expect_text(case.expect),
            if_accepted(&case),
            knob,
            source.replace('|', "\\|"),
            advisories.replace('|', "\\|"),
            format!("{}: {}", case.about, case.why)
                .replace('|', "\\|")
                .replace('\n', " "),
        );
    }
    out.push_str(
        "\n## Profiles\n\n\
         `--profile NAME` starts from one of these; `--profile-file` reads JSON that names one in \
         `\"extends\"` and changes any field; flags change fields last.\n\n\
         | profile | what it stands for | leeway | JWKS cooldown | JWKS cache | challenges | token in | DPoP |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for named in crate::Profile::NAMED {
        let p = (named.make)();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} s | {} s | {} s | {} | {} | {:?} |",
            named.name,
            named.about,
            p.leeway_secs,
            p.jwks_cooldown_secs,
            p.jwks_ttl_secs,
            if p.require_challenge {
                "required"
            } else {
                "welcome"
            },
            match p.transports {
                crate::Transports::Header => "header",
                crate::Transports::HeaderQueryBody => "header, query, body",
            },
            p.dpop,
        );
    }
    out
}
