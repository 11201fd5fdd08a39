//! Organizations at `/authorize`: the `organization` a login names (by id, or by name under the
//! tenant setting), whether the client may or must name one, the login page's prompt for it,
//! and whether the user may log in to it; in Auth0's words where Auth0 publishes them
//! (`docs/login-flows.md#organizations`).

use super::{Params, get};
use crate::config::{Client, TenantConfig};
use crate::login::{Authorization, OrgRef};
use crate::users::User;
use crate::{OrganizationRequireBehavior, OrganizationUsage};

/// A client whose `organization_usage` is `deny` named one.
const NOT_ALLOWED: &str = "parameter organization is not allowed for this client";
/// A client that requires one named none (`no_prompt`), or a prompt that may not be shown.
pub(super) const REQUIRED: &str = "parameter organization is required for this client";
/// A name, when the tenant takes ids only.
const ID_ONLY: &str = "authorization request parameter organization must be an organization id";

/// The login page's field for it, when the page must ask.
pub(super) const FIELD: &str =
    "<label>Organization (id or name)<input name=\"organization\" required></label>";

/// No organization has this id (or name).
fn unknown(wanted: &str) -> String {
    format!("parameter organization is invalid: {wanted}")
}

/// The organization (its id) an `/authorize` request names for `client`, or the
/// `invalid_request` description it gets.
pub(super) fn requested(
    config: &TenantConfig,
    client: &Client,
    params: &Params,
) -> Result<Option<String>, String> {
    match get(params, "organization") {
        Some(_) if client.organization_usage == OrganizationUsage::Deny => Err(NOT_ALLOWED.into()),
        Some(wanted) if !wanted.starts_with("org_") && !config.organization_names => {
            Err(ID_ONLY.into())
        }
        Some(wanted) => config
            .organization(wanted)
            .map(|org| Some(org.id.clone()))
            .ok_or_else(|| unknown(wanted)),
        None if client.organization_usage == OrganizationUsage::Require
            && client.organization_require_behavior == OrganizationRequireBehavior::NoPrompt =>
        {
            Err(REQUIRED.into())
        }
        None => Ok(None),
    }
}

/// Whether the login page must ask for an organization first: the client requires one and
/// none was named.
pub(super) fn asks(config: &TenantConfig, auth: &Authorization) -> bool {
    auth.organization.is_none()
        && config
            .client(&auth.client_id)
            .is_some_and(|c| c.organization_usage == OrganizationUsage::Require)
}

/// The organization the login page asked for, from its form (by id or name, as Auth0's prompt
/// takes it), into `auth`; a login that was not asked for one cannot add it here.
pub(super) fn from_form(
    config: &TenantConfig,
    auth: &mut Authorization,
    params: &Params,
) -> Result<(), String> {
    if !asks(config, auth) {
        return Ok(());
    }
    let Some(wanted) = get(params, "organization")
        .map(str::trim)
        .filter(|o| !o.is_empty())
    else {
        return Ok(());
    };
    let org = config.organization(wanted).ok_or_else(|| unknown(wanted))?;
    auth.organization = Some(org.id.clone());
    Ok(())
}

/// The organization `user` logs in to, checked: `(error, description)` for the callback when
/// the user is no member (or its connection is not enabled there) or the organization is gone.
pub(super) fn membership(
    config: &TenantConfig,
    auth: &Authorization,
    user: &User,
) -> Result<Option<OrgRef>, (&'static str, String)> {
    let Some(id) = auth.organization.as_deref() else {
        return Ok(None);
    };
    match config.organization(id) {
        Some(org) if org.admits(user) => Ok(Some(OrgRef::of(org, config))),
        Some(org) => Err((
            "access_denied",
            format!(
                "user {} is not part of the {} organization",
                user.user_id, org.id
            ),
        )),
        None => Err(("invalid_request", unknown(id))),
    }
}
