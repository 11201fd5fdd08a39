//! The Organizations cases: valid tokens of the tenant whose `org_id` is the API's
//! organization, another, none, its name, or its id in another case.

use super::Ctx;
use super::judge::judge;
use crate::case::{Case, Endpoint, Expect, OrgCase};
use crate::report::Outcome;
use crate::verdict::Verdict;
use serde_json::{Value, json};

/// An organization id no tenant has.
const OTHER: &str = "org_0therOrganizat1on";

/// Runs one Organizations case (the profile names the organization: [`Case::applies`]).
pub(super) async fn run(
    ctx: &Ctx<'_>,
    case: &Case,
    expect: Expect,
    which: OrgCase,
) -> Result<Outcome, String> {
    let Some(org) = ctx.profile.organization.clone() else {
        return Ok(not_run(
            case,
            "the profile names no organization (--organization)",
        ));
    };
    let org_id: Value = match which {
        OrgCase::Expected => json!(org),
        OrgCase::Other => json!(OTHER),
        OrgCase::Missing => Value::Null,
        OrgCase::NameAsId => match ctx.tenant.organization_name(&org).await? {
            Some(name) => json!(name),
            None => {
                return Ok(not_run(
                    case,
                    &format!("the tenant's configuration has no organization {org}, so no name"),
                ));
            }
        },
        OrgCase::IdCase => {
            let flipped = flip_case(&org);
            if flipped == org {
                return Ok(not_run(case, &format!("{org} has no letter to flip")));
            }
            json!(flipped)
        }
    };
    let mut request = mock_tenant::MintRequest::default();
    request.claims.insert("org_id".into(), org_id);
    let token = ctx.tenant.mint_with(request).await?;
    let exchange = ctx
        .send(Endpoint::Private, &[format!("Bearer {token}")])
        .await;
    Ok(judge(ctx, case, expect, vec![exchange], &token))
}

fn not_run(case: &Case, why: &str) -> Outcome {
    Outcome::new(
        case,
        Verdict::NotApplicable,
        format!("not run: {why}"),
        vec![],
    )
}

/// `id` with the case of every letter after `org_` flipped.
fn flip_case(id: &str) -> String {
    let (prefix, rest) = id.split_at(id.find('_').map_or(0, |i| i + 1));
    let flipped: String = rest
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    format!("{prefix}{flipped}")
}
