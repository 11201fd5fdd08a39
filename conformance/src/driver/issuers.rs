//! The custom-domain cases: tokens of the tenant's second issuer (an Auth0 custom domain),
//! signed by the tenant or by a key that is not the tenant's, and a spoofed `Host` that names
//! the attacker's host.

use super::Ctx;
use super::judge::judge;
use crate::case::{Case, Endpoint, Expect, IssuerCase};
use crate::report::Outcome;
use crate::verdict::Verdict;
use mock_tenant::forge::DefectId;
use serde_json::json;

/// Runs one custom-domain case.
pub(super) async fn run(
    ctx: &Ctx<'_>,
    case: &Case,
    expect: Expect,
    which: IssuerCase,
) -> Result<Outcome, String> {
    let token = match which {
        IssuerCase::CustomDomain | IssuerCase::CustomDomainForeignKey => {
            let Some(custom) = ctx.tenant.custom_issuers().await?.into_iter().next() else {
                return Ok(Outcome::new(
                    case,
                    Verdict::NotApplicable,
                    "not run: the tenant has no custom domain (`custom_domains` in its \
                     configuration; the embedded tenant has 127.0.0.1)"
                        .into(),
                    vec![],
                ));
            };
            let mut request = mock_tenant::MintRequest::default();
            request.claims.insert("iss".into(), json!(custom));
            if which == IssuerCase::CustomDomainForeignKey {
                request.defect = Some("other-tenant-key-under-kid".into());
            }
            ctx.tenant.mint_with(request).await?
        }
        IssuerCase::HostSpoof => {
            let token = ctx
                .tenant
                .mint(
                    Some(DefectId::IssWrongAttackerHost),
                    Some(&ctx.attacker.url()),
                )
                .await?;
            let url = ctx.attacker.url();
            let attacker = mock_tenant::Issuer::new(url.as_str());
            let authority = attacker.domain();
            let exchange = ctx
                .send_headers(
                    Endpoint::Private,
                    &[format!("Bearer {token}")],
                    &[("host", authority.to_owned())],
                )
                .await;
            return Ok(judge(ctx, case, expect, vec![exchange], &token));
        }
    };
    let exchange = ctx
        .send(Endpoint::Private, &[format!("Bearer {token}")])
        .await;
    Ok(judge(ctx, case, expect, vec![exchange], &token))
}
