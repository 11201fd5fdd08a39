//! The discovery document naming another issuer.

use super::{bearer, foreign_discovery};
use crate::case::{Case, Endpoint};
use crate::driver::Ctx;
use crate::driver::judge::judge;
use crate::report::Outcome;
use crate::verdict::Verdict;
use mock_tenant::forge::DefectId;

/// `disc-mismatch`: discovery names another issuer; a token of that issuer must be refused.
pub(super) async fn issuer_mismatch(
    ctx: &mut Ctx<'_>,
    case: &Case,
    _t0: &str,
) -> Result<Outcome, String> {
    let private = Endpoint::Private;
    const DISCOVERY: &str = "/.well-known/openid-configuration";
    // On a fresh pair the document was altered before the API started, so an API that
    // reads it once at start reads the altered one: every read counts.
    let before = if ctx.fresh {
        0
    } else {
        ctx.tenant.requests(DISCOVERY).await?
    };
    ctx.tenant.set_discovery(foreign_discovery()).await?;
    // Signed by the tenant, issued by the issuer the altered document names.
    let token = ctx
        .tenant
        .mint(Some(DefectId::IssWrongOtherTenant), None)
        .await?;
    let exchange = ctx.send(private, &bearer(&token)).await;
    let read = ctx.tenant.requests(DISCOVERY).await? > before;
    ctx.tenant.set_discovery(serde_json::json!({})).await?;
    if !read {
        let why = if ctx.fresh {
            "not applicable: the API never read the discovery document (it is configured \
             with its JWKS URL)"
        } else {
            "not applicable: the API did not read the discovery document during the case \
             (it is configured with its JWKS URL, or it keeps the document it read earlier)"
        };
        return Ok(Outcome::new(
            case,
            Verdict::NotApplicable,
            why.into(),
            vec![exchange],
        ));
    }
    Ok(judge(ctx, case, case.expect, vec![exchange], &token))
}
