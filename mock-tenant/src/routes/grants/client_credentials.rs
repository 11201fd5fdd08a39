//! `client_credentials`: a machine-to-machine token for the client's grant on an API, with
//! Auth0's checks (audience, client grant, scopes), claims and error bodies.

use super::GrantRequest;
use crate::OrganizationUsage;
use crate::actions::{self, Effects, Trigger, event};
use crate::claims::{AccessToken, Subject};
use crate::config::{Client, ClientGrant, TenantConfig};
use crate::jwt;
use crate::login::OrgRef;
use crate::routes::oauth::Params;
use crate::routes::oauth::{OAuthError, access_denied};
use serde_json::{Map, Value, json};

/// The token response, after the tenant's `credentials-exchange` Actions.
pub(super) async fn grant(request: &GrantRequest<'_>) -> Result<Value, OAuthError> {
    let GrantRequest {
        state,
        config,
        client,
        params,
        jkt,
        issuer,
        caller,
    } = request;
    let client_id = client.client_id.as_str();
    let jkt = jkt.as_deref();
    let audience = match params.get("audience").filter(|a| !a.is_empty()) {
        Some(aud) => aud.as_str(),
        None => config.default_audience.as_deref().ok_or_else(|| {
            access_denied(
                "No audience parameter was provided, and no default audience has been configured",
            )
        })?,
    };
    let api = config
        .api(audience)
        .ok_or_else(|| access_denied(&format!("Service not found: {audience}")))?;
    let grant = config.grant(client_id, audience).ok_or_else(|| {
        access_denied(&format!(
            "Client \"{client_id}\" is not authorized to access resource server \"{audience}\". \
             You need to create a \"client-grant\" associated to this API."
        ))
    })?;
    let scopes: Vec<&str> = match params.get("scope") {
        None => grant.scope.iter().map(String::as_str).collect(),
        Some(requested) => {
            let requested: Vec<&str> = requested.split_whitespace().collect();
            let missing: Vec<&str> = requested
                .iter()
                .copied()
                .filter(|s| !grant.scope.iter().any(|g| g == s))
                .collect();
            if !missing.is_empty() {
                return Err(access_denied(&format!(
                    "Client has not been granted scopes: {}",
                    missing.join(", ")
                )));
            }
            grant
                .scope
                .iter()
                .map(String::as_str)
                .filter(|g| requested.contains(g))
                .collect()
        }
    };

    let organization = organization(config, client, grant, params)?;
    let effects = if config
        .actions_for(Trigger::CredentialsExchange)
        .next()
        .is_some()
    {
        let org = organization
            .as_ref()
            .and_then(|o| config.organization(&o.id));
        let event = event::credentials_exchange(client, api, org, &scopes, caller, issuer);
        actions::run(
            &config.actions,
            &config.action_limits,
            Trigger::CredentialsExchange,
            event,
        )
        .await
        .map_err(|stop| super::action_stopped(Trigger::CredentialsExchange, stop))?
    } else {
        Effects::default()
    };

    let now = state.now();
    let scope = scopes.join(" ");
    let mut client_claims = Map::new();
    config.render_claims(&mut client_claims, None, Some(client));
    let claims = AccessToken {
        subject: Subject::Client,
        issuer,
        audience: json!(audience),
        issued_at: now,
        lifetime: api.token_lifetime,
        client_id,
        scope: &scope,
        permissions: api
            .rbac
            .then(|| scopes.iter().map(|s| (*s).to_owned()).collect()),
        jkt,
        organization: organization.as_ref(),
    }
    .claims();
    let claims = Effects::claims_first(
        &effects.access_token_claims,
        Effects::claims_first(&client_claims, claims),
    );
    let access_token = jwt::sign(&state.signing_key(), &Value::Object(claims));

    let mut body = Map::new();
    body.insert("access_token".into(), json!(access_token));
    if !scope.is_empty() {
        body.insert("scope".into(), json!(scope));
    }
    body.insert("expires_in".into(), json!(api.token_lifetime));
    body.insert(
        "token_type".into(),
        json!(if jkt.is_some() { "DPoP" } else { "Bearer" }),
    );
    Ok(Value::Object(body))
}

/// Organizations for M2M: the organization a request names (or the client's default, when its
/// grant requires one), checked against the grant's `organization_usage` and the organizations
/// it is associated with.
fn organization(
    config: &TenantConfig,
    client: &Client,
    grant: &ClientGrant,
    params: &Params,
) -> Result<Option<OrgRef>, OAuthError> {
    let named = params
        .get("organization")
        .filter(|o| !o.is_empty())
        .cloned();
    let default = || {
        client
            .default_organization
            .as_ref()
            .filter(|d| d.flows.iter().any(|f| f == "client_credentials"))
            .map(|d| d.organization_id.clone())
    };
    let wanted = match (grant.organization_usage, named) {
        (OrganizationUsage::Deny, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "parameter organization is not allowed for this client grant",
            ));
        }
        (OrganizationUsage::Require, None) => Some(default().ok_or_else(|| {
            OAuthError::invalid_request("parameter organization is required for this client grant")
        })?),
        (_, named) => named,
    };
    let Some(wanted) = wanted else {
        return Ok(None);
    };
    if !wanted.starts_with("org_") && !config.organization_names {
        return Err(OAuthError::invalid_request(
            "parameter organization must be an organization id",
        ));
    }
    let org = config.organization(&wanted).ok_or_else(|| {
        OAuthError::invalid_request(&format!("parameter organization is invalid: {wanted}"))
    })?;
    if !org.allows_grant(grant) {
        return Err(access_denied(&format!(
            "Client \"{}\" is not authorized to access organization \"{}\".",
            client.client_id, org.id
        )));
    }
    Ok(Some(OrgRef::of(org, config)))
}
