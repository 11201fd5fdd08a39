//! The DPoP cases (RFC 9449): a token bound to the suite's key, sent with a proof that breaks
//! one rule, or without one, or twice, or with a request that moves the URL the proof names.

use super::Ctx;
use super::judge::judge;
use crate::case::{Case, DpopCase, Endpoint, Expect};
use crate::report::Outcome;
use crate::verdict::Verdict;
use mock_tenant::DpopKey;

/// The host a spoofed `Host` or `X-Forwarded-Host` names, and the proofs captured there.
const OTHER_HOST: &str = "evil.example";

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
    let send = |authorization: Vec<String>, extra: Vec<(&'static str, String)>| async move {
        ctx.send_with(Endpoint::Private, &authorization, &extra)
            .await
    };
    let (token, exchanges) = match which {
        DpopCase::Valid => {
            let proof = proof(&bound).sign();
            (
                bound.clone(),
                vec![send(dpop(&bound), vec![("dpop", proof)]).await],
            )
        }
        DpopCase::Proof(name) => {
            let proof = proof(&bound).defect(name).sign();
            (
                bound.clone(),
                vec![send(dpop(&bound), vec![("dpop", proof)]).await],
            )
        }
        DpopCase::NoProof => (bound.clone(), vec![send(dpop(&bound), vec![]).await]),
        DpopCase::BearerDowngrade => (
            bound.clone(),
            vec![send(vec![format!("Bearer {bound}")], vec![]).await],
        ),
        DpopCase::OtherKey => {
            let other = DpopKey::generate().thumbprint();
            let token = ctx.tenant.bound_to(Some(&other)).valid().await?;
            let proof = proof(&token).sign();
            (
                token.clone(),
                vec![send(dpop(&token), vec![("dpop", proof)]).await],
            )
        }
        DpopCase::TwoProofs => {
            let (first, second) = (proof(&bound).sign(), proof(&bound).sign());
            (
                bound.clone(),
                vec![send(dpop(&bound), vec![("dpop", first), ("dpop", second)]).await],
            )
        }
        DpopCase::Replay => {
            let proof = proof(&bound).sign();
            let first = send(dpop(&bound), vec![("dpop", proof.clone())]).await;
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
            let second = send(dpop(&bound), vec![("dpop", proof)]).await;
            let mut outcome = judge(ctx, case, expect, vec![second], &bound);
            outcome.exchanges.insert(0, first);
            return Ok(outcome);
        }
        DpopCase::Unbound | DpopCase::BearerUnbound => {
            let token = ctx.tenant.bound_to(None).valid().await?;
            let exchange = if which == DpopCase::Unbound {
                let proof = proof(&token).sign();
                send(dpop(&token), vec![("dpop", proof)]).await
            } else {
                send(vec![format!("Bearer {token}")], vec![]).await
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
            let other = format!("{scheme}://{authority}/admin");
            let proof = ctx.proof("GET", &other, &bound).sign();
            let host = format!("{authority}/admin#");
            (
                bound.clone(),
                vec![send(dpop(&bound), vec![("dpop", proof), ("host", host)]).await],
            )
        }
        DpopCase::HostSpoof | DpopCase::ForwardedHost => {
            let scheme = if which == DpopCase::HostSpoof {
                ctx.api.split("://").next().unwrap_or("http")
            } else {
                "https"
            };
            let other = format!("{scheme}://{OTHER_HOST}{path}");
            let proof = ctx.proof("GET", &other, &bound).sign();
            let mut extra = vec![("dpop", proof)];
            if which == DpopCase::HostSpoof {
                extra.push(("host", OTHER_HOST.to_owned()));
            } else {
                extra.push(("x-forwarded-host", OTHER_HOST.to_owned()));
                extra.push(("x-forwarded-proto", "https".to_owned()));
            }
            (bound.clone(), vec![send(dpop(&bound), extra).await])
        }
    };
    Ok(judge(ctx, case, expect, exchanges, &token))
}
