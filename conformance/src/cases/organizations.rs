//! Auth0 Organizations: an API that serves one organization (`--organization`) must take only
//! tokens whose `org_id` is exactly that organization's id. Run only under such a profile.

use crate::case::{Case, Category, Expect, OrgCase, Policy, Recipe, Severity, Threat};
use Severity::{Critical, High, Medium};

/// One Organizations case: a valid token of the tenant for `/api/private`, its `org_id` as
/// `sends` says.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    severity: Severity,
    about: &'static str,
    sends: OrgCase,
    expect: Expect,
    threat: Threat,
    why: &'static str,
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "org-expected", spec: "Auth0 Organizations: Work with Tokens and Organizations", severity: High, about: "the valid token with `org_id` = the API's organization (every token the suite mints carries it under `--organization`)", sends: OrgCase::Expected, expect: Expect::Ok, threat: Threat::Issuer, why: "a member's token for the API's own organization: refusing it locks the organization out" },
    Row { id: "org-other", spec: "Auth0 Organizations: Work with Tokens and Organizations (validate org_id)", severity: Critical, about: "a valid token of the tenant whose `org_id` is another organization's", sends: OrgCase::Other, expect: Expect::Invalid, threat: Threat::Anyone, why: "any member of any other organization of the tenant gets such a token by logging in: an API that does not compare `org_id` serves every organization's users" },
    Row { id: "org-missing", spec: "Auth0 Organizations: Work with Tokens and Organizations (validate org_id)", severity: Critical, about: "a valid token of the tenant without `org_id`: a login as an individual", sends: OrgCase::Missing, expect: Expect::Invalid, threat: Threat::Anyone, why: "a client that allows organizations also logs in individuals, whose tokens carry no `org_id`: an API that checks `org_id` only when present lets anyone in" },
    Row { id: "org-name-as-id", spec: "Auth0 Organizations: Use Organization Names in Authentication API (prefer ids)", severity: Medium, about: "a valid token whose `org_id` is the organization's name (from the tenant's configuration), not its id", sends: OrgCase::NameAsId, expect: Expect::Invalid, threat: Threat::Issuer, why: "`org_id` is always an `org_...` id; an API that also takes the name there compares against names, which Auth0 lets organizations change and reuse" },
    Row { id: "org-id-case", spec: "Auth0 Organizations (ids are case-sensitive)", severity: Medium, about: "a valid token whose `org_id` is the organization's id with its letters' case flipped", sends: OrgCase::IdCase, expect: Expect::Invalid, threat: Threat::Issuer, why: "Auth0's ids are case-sensitive (`org_9ybsU1dN2dKfDkBi`): one that differs in case is another id, and an API that folds case may take another organization's" },
];

/// The family's cases, in table order.
pub(super) fn cases() -> impl Iterator<Item = Case> {
    ROWS.iter().map(|row| Case {
        id: row.id.to_owned(),
        spec: row.spec,
        category: Category::Org,
        severity: row.severity,
        source: "organizations",
        about: row.about.to_owned(),
        recipe: Recipe::Organization(row.sends),
        expect: row.expect,
        threat: row.threat,
        policy: (row.expect == Expect::Invalid).then_some(Policy::Organization),
        knob: None,
        post: None,
        why: row.why,
    })
}
