//! The DPoP cases (RFC 9449): a token bound to the suite's key, sent with a proof that breaks
//! one rule, or without one, or twice, or with a request that moves the URL the proof names.

use super::Ctx;
use super::judge::judge;
use crate::case::{Case, DpopCase, Endpoint, Expect};
use crate::report::Outcome;
use crate::verdict::Verdict;
use mock_tenant::forge::{DpopKey, DpopProof};

/// The host a spoofed `Host` or `X-Forwarded-Host` names, and the proofs captured there.
const OTHER_HOST: &str = "evil.example";

/// A nonce the API never issued.
const STALE_NONCE: &str = "conformance-stale-nonce";

/// Runs one DPoP case.
pub(super) async fn run(
    ctx: &Ctx<'_>,
    case: &Case,
    expect: Expect,
    which: DpopCase,
) -> Result<Outcome, String> {
    let jkt = ctx.dpop_key.thumbprint();
    let bound = ctx.tenant.bound_to(Some(&jkt)).valid().await?;
    let url = ctx.url(Endpoint::Private);
    let path = ctx.path(Endpoint::Private).to_owned();
    let dpop = |token: &str| vec![format!("DPoP {token}")];
    let proof = |token: &str| ctx.proof("GET", &url, token);
    let send = |authorization: Vec<String>,
                extra: Vec<(&'static str, String)>,
                proof: Option<DpopProof>| async move {
        ctx.send_with(Endpoint::Private, &authorization, &extra, proof.as_ref())
            .await
    };
    let (token, exchanges) = match which {
        DpopCase::Valid => (
            bound.clone(),
            vec![send(dpop(&bound), vec![], Some(proof(&bound))).await],
        ),
        DpopCase::Proof(name) => (
            bound.clone(),
            vec![send(dpop(&bound), vec![], Some(proof(&bound).with(name))).await],
        ),
        DpopCase::NoProof => (bound.clone(), vec![send(dpop(&bound), vec![], None).await]),
        DpopCase::BearerDowngrade => (
            bound.clone(),
            vec![send(vec![format!("Bearer {bound}")], vec![], None).await],
        ),
        DpopCase::OtherKey => {
            let other = DpopKey::generate().thumbprint();
            let token = ctx.tenant.bound_to(Some(&other)).valid().await?;
            let exchange = send(dpop(&token), vec![], Some(proof(&token))).await;
            (token, vec![exchange])
        }
        DpopCase::TwoProofs => {
            let (first, second) = (ctx.sign(&proof(&bound)), ctx.sign(&proof(&bound)));
            (
                bound.clone(),
                vec![send(dpop(&bound), vec![("dpop", first), ("dpop", second)], None).await],
            )
        }
        DpopCase::Replay => {
            let signed = ctx.sign(&proof(&bound));
            let first = send(dpop(&bound), vec![("dpop", signed.clone())], None).await;
            if first.status != Some(200) {
                return Ok(Outcome::new(
                    case,
                    Verdict::NotApplicable,
                    format!(
                        "not run: the first use of the proof was refused ({}), see dpop-valid",
                        first.status.map_or("no answer".into(), |s| s.to_string())
                    ),
                    vec![first],
                ));
            }
            let second = send(dpop(&bound), vec![("dpop", signed)], None).await;
            let mut outcome = judge(ctx, case, expect, vec![second], &bound);
            outcome.exchanges.insert(0, first);
            return Ok(outcome);
        }
        DpopCase::NonceMissing | DpopCase::NonceStale => {
            if ctx.api_nonce().is_none() {
                return Ok(Outcome::new(
                    case,
                    Verdict::NotApplicable,
                    "not run: the API demanded no DPoP nonce (RFC 9449 §9) during the run".into(),
                    vec![],
                ));
            }
            let signed = if which == DpopCase::NonceMissing {
                proof(&bound).sign()
            } else {
                proof(&bound).nonce(STALE_NONCE).sign()
            };
            (
                bound.clone(),
                vec![send(dpop(&bound), vec![("dpop", signed)], None).await],
            )
        }
        DpopCase::Unbound | DpopCase::BearerUnbound => {
            let token = ctx.tenant.bound_to(None).valid().await?;
            let exchange = if which == DpopCase::Unbound {
                send(dpop(&token), vec![], Some(proof(&token))).await
            } else {
                send(vec![format!("Bearer {token}")], vec![], None).await
            };
            (token, vec![exchange])
        }
        DpopCase::HostInjection => {
            // A proof for /admin on the same API, and a Host that makes the URL a server
            // builds from it (`http://` + Host + path) end in a fragment.
            let Some((scheme, authority)) = ctx.api.split_once("://") else {
                return Err(format!("the API URL {} has no scheme", ctx.api));
            };
            let authority = authority.split('/').next().unwrap_or(authority);
            let other = ctx.proof("GET", &format!("{scheme}://{authority}/admin"), &bound);
            let host = format!("{authority}/admin#");
            (
                bound.clone(),
                vec![send(dpop(&bound), vec![("host", host)], Some(other)).await],
            )
        }
        DpopCase::HostSpoof | DpopCase::ForwardedHost => {
            let scheme = if which == DpopCase::HostSpoof {
                ctx.api.split("://").next().unwrap_or("http")
            } else {
                "https"
            };
            let other = ctx.proof("GET", &format!("{scheme}://{OTHER_HOST}{path}"), &bound);
            let extra = if which == DpopCase::HostSpoof {
                vec![("host", OTHER_HOST.to_owned())]
            } else {
                vec![
                    ("x-forwarded-host", OTHER_HOST.to_owned()),
                    ("x-forwarded-proto", "https".to_owned()),
                ]
            };
            (
                bound.clone(),
                vec![send(dpop(&bound), extra, Some(other)).await],
            )
        }
    };
    Ok(judge(ctx, case, expect, exchanges, &token))
}
