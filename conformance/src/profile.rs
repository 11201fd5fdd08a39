//! Profiles: what the suite expects beyond the catalogue's hard rules, and the knobs real APIs
//! need (paths, scope, leeway, JWKS cooldown and cache lifetime, timeouts).

use crate::Error;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Expectations and knobs for one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// `auth0-quickstart` (the default), `rfc6750-strict`, or an SDK's defaults
    /// (`express-oauth2-jwt-bearer`, `auth0-api-python`, `auth0-fastapi-api`, `pyjwt`).
    pub name: String,
    /// Whether a 401/403 without `WWW-Authenticate: Bearer` is a warning (strict) or tolerated.
    pub require_challenge: bool,
    /// Clock skew the API is declared to allow, in seconds.
    pub leeway_secs: u64,
    /// Longest the API may take to accept a key it has never seen (its refetch cooldown).
    pub jwks_cooldown_secs: u64,
    /// Longest the API may keep using a key the tenant re-bound (its JWKS cache lifetime).
    pub jwks_ttl_secs: u64,
    /// Longest the suite waits for one answer before calling it a hang.
    pub timeout_secs: u64,
    /// The public endpoint.
    pub public_path: String,
    /// The endpoint that needs a valid token.
    pub private_path: String,
    /// The endpoint that needs the scope.
    pub scoped_path: String,
    /// The scope it needs.
    pub scope: String,
    /// Whether the API's owner declares that a token without a readable `exp` must be refused
    /// (`--exp-required`). Only the tenant can sign such a token and Auth0 never does, so by
    /// default accepting one is `warn strict`; declared, it is `FAIL unsafe`.
    pub exp_required: bool,
    /// Where the API reads scopes from: decides whether `permissions` or `scp` alone grant the
    /// scope.
    pub scope_source: ScopeSource,
    /// Where the API accepts tokens: decides what the query, form and two-methods cases expect.
    pub transports: Transports,
    /// Whether the API takes DPoP-bound tokens (RFC 9449): decides whether the DPoP cases run
    /// and, under `required`, turns every request into a bound token with a fresh proof.
    pub dpop: Dpop,
    /// Whether the API also trusts the tenant's custom-domain issuers (Auth0 Multiple Custom
    /// Domains: an allow-list of issuers). Decides what `iss-custom-domain` expects.
    pub custom_domains: bool,
    /// The Auth0 organization the API serves (`org_...`, `--organization`): every token the
    /// suite mints carries it in `org_id`, and the Organizations cases run: another
    /// organization's token, none, its name or its id in another case must all be refused.
    pub organization: Option<String>,
    /// The team's policy (`--strict`): every `warn strict` (a token only the issuer could sign,
    /// or a request only a holder of a valid token could send, accepted) fails the run as
    /// `FAIL strict`. Off by default.
    pub strict: bool,
}

/// What an API does with DPoP (RFC 9449).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Dpop {
    /// Bearer tokens only: the DPoP cases do not run (the default).
    #[default]
    Off,
    /// Bearer tokens, and DPoP-bound tokens with their proofs (auth0-api-python's and
    /// express-oauth2-jwt-bearer's mixed mode): every Bearer case runs as it is, and the DPoP
    /// cases besides.
    Optional,
    /// DPoP only: every case sends a token bound to the suite's key, as `Authorization: DPoP`
    /// with a fresh proof for its own method and URL; a Bearer token must be refused.
    Required,
}

impl std::str::FromStr for Dpop {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| format!("unknown DPoP mode {s:?}: off, optional or required"))
    }
}

/// Where an API reads scopes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ScopeSource {
    /// The `scope` string only (Auth0's quickstarts).
    #[default]
    #[serde(rename = "scope")]
    Scope,
    /// `scope`, or `permissions` (Auth0 RBAC, "Add Permissions in the Access Token").
    #[serde(rename = "scope+permissions")]
    ScopeAndPermissions,
    /// `scope`, or `scp` (Spring and Microsoft defaults).
    #[serde(rename = "scope+scp")]
    ScopeAndScp,
}

impl std::str::FromStr for ScopeSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
            format!("unknown scope source {s:?}: scope, scope+permissions or scope+scp")
        })
    }
}

/// Where an API accepts tokens (RFC 6750 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Transports {
    /// The `Authorization` header only (Flask, Spring).
    #[default]
    Header,
    /// The header, `?access_token=` and a form body (express-oauth2-jwt-bearer); a request
    /// using two of them must get 400 `invalid_request` (RFC 6750 §3.1).
    HeaderQueryBody,
}

impl std::str::FromStr for Transports {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| format!("unknown transports {s:?}: header or header-query-body"))
    }
}

/// A profile the suite knows by name.
#[derive(Debug, Clone, Copy)]
pub struct NamedProfile {
    /// The name `--profile` takes.
    pub name: &'static str,
    /// One line: what it stands for.
    pub about: &'static str,
    /// Makes the profile.
    pub make: fn() -> Profile,
}

impl Default for Profile {
    fn default() -> Self {
        Self::auth0_quickstart()
    }
}

impl Profile {
    /// What Auth0's quickstarts do: challenge headers are welcome but not required.
    pub fn auth0_quickstart() -> Self {
        Self {
            name: "auth0-quickstart".into(),
            require_challenge: false,
            leeway_secs: 60,
            jwks_cooldown_secs: 30,
            jwks_ttl_secs: 20,
            timeout_secs: 10,
            public_path: "/api/public".into(),
            private_path: "/api/private".into(),
            scoped_path: "/api/private-scoped".into(),
            scope: "read:messages".into(),
            exp_required: false,
            scope_source: ScopeSource::Scope,
            transports: Transports::Header,
            dpop: Dpop::Off,
            custom_domains: false,
            organization: None,
            strict: false,
        }
    }

    /// RFC 6750 to the letter: challenges required, exact statuses.
    pub fn rfc6750_strict() -> Self {
        Self {
            name: "rfc6750-strict".into(),
            require_challenge: true,
            ..Self::auth0_quickstart()
        }
    }

    /// express-oauth2-jwt-bearer's documented defaults: `clockTolerance` 5 s, `cooldownDuration`
    /// 30 s, `cacheMaxAge` 600 s, `timeoutDuration` 5 s; tokens in the header, the query or a
    /// form body (RFC 6750 §2, two at once is 400); RFC 6750 challenges on every refusal.
    pub fn express_oauth2_jwt_bearer() -> Self {
        Self {
            name: "express-oauth2-jwt-bearer".into(),
            require_challenge: true,
            leeway_secs: 5,
            jwks_cooldown_secs: 30,
            jwks_ttl_secs: 600,
            transports: Transports::HeaderQueryBody,
            ..Self::auth0_quickstart()
        }
    }

    /// auth0-api-python's (and so auth0-fastapi-api's) documented defaults: discovery and JWKS
    /// cached `cache_ttl_seconds` = 600 s with no refetch for an unknown kid before then, so the
    /// cooldown is the cache lifetime; header tokens only; RFC 6750 challenges.
    pub fn auth0_api_python() -> Self {
        Self {
            name: "auth0-api-python".into(),
            require_challenge: true,
            leeway_secs: 0,
            jwks_cooldown_secs: 600,
            jwks_ttl_secs: 600,
            ..Self::auth0_quickstart()
        }
    }

    /// A DPoP-only API (RFC 9449) in the quickstart's shape: bound tokens with proofs, RFC 6750
    /// challenges (`WWW-Authenticate: DPoP`) on every refusal.
    pub fn dpop() -> Self {
        Self {
            name: "dpop".into(),
            require_challenge: true,
            dpop: Dpop::Required,
            ..Self::auth0_quickstart()
        }
    }

    /// PyJWT's `PyJWKClient` defaults (2.15): the key set cached 300 s (`lifespan`), refetched
    /// for an unknown kid at most every 30 s (`cooldown_duration`), no leeway; header tokens only.
    pub fn pyjwt() -> Self {
        Self {
            name: "pyjwt".into(),
            leeway_secs: 0,
            jwks_cooldown_secs: 30,
            jwks_ttl_secs: 300,
            ..Self::auth0_quickstart()
        }
    }

    /// auth0-fastapi-api's defaults: auth0-api-python's, which it is built on.
    pub fn auth0_fastapi_api() -> Self {
        Self {
            name: "auth0-fastapi-api".into(),
            ..Self::auth0_api_python()
        }
    }

    /// panva/jose's documented defaults, for an API that verifies with `jwtVerify` and
    /// `createRemoteJWKSet` (the library under express-oauth2-jwt-bearer): `cacheMaxAge` 600 s,
    /// `cooldownDuration` 30 s, `clockTolerance` 0; header tokens only. jose answers no HTTP,
    /// so challenges are the application's: welcome, not required.
    pub fn jose() -> Self {
        Self {
            name: "jose".into(),
            leeway_secs: 0,
            jwks_cooldown_secs: 30,
            jwks_ttl_secs: 600,
            ..Self::auth0_quickstart()
        }
    }

    /// Every profile the suite knows by name: the one table behind [`named`](Self::named),
    /// `--profile`'s list in `--help` and the profiles' table in `docs/cases.md`.
    pub const NAMED: &'static [NamedProfile] = &[
        NamedProfile {
            name: "auth0-quickstart",
            about: "Auth0's API quickstarts: challenges welcome, not required; 60 s leeway",
            make: Self::auth0_quickstart,
        },
        NamedProfile {
            name: "rfc6750-strict",
            about: "RFC 6750 to the letter: a challenge on every 401 and 403",
            make: Self::rfc6750_strict,
        },
        NamedProfile {
            name: "express-oauth2-jwt-bearer",
            about: "Auth0's Express SDK: 5 s leeway, 30 s cooldown, 600 s cache, header, query and body tokens",
            make: Self::express_oauth2_jwt_bearer,
        },
        NamedProfile {
            name: "auth0-api-python",
            about: "Auth0's Python API SDK: 600 s cache and no earlier refetch, no leeway",
            make: Self::auth0_api_python,
        },
        NamedProfile {
            name: "auth0-fastapi-api",
            about: "Auth0's FastAPI SDK, on auth0-api-python: the same defaults",
            make: Self::auth0_fastapi_api,
        },
        NamedProfile {
            name: "pyjwt",
            about: "PyJWT's PyJWKClient: 300 s cache, 30 s refetch cooldown, no leeway",
            make: Self::pyjwt,
        },
        NamedProfile {
            name: "jose",
            about: "panva/jose's createRemoteJWKSet and jwtVerify: 600 s cache, 30 s cooldown, no leeway",
            make: Self::jose,
        },
        NamedProfile {
            name: "dpop",
            about: "a DPoP-only API (RFC 9449): bound tokens with a proof on every request",
            make: Self::dpop,
        },
    ];

    /// A profile by name (see [`NAMED`](Self::NAMED)).
    pub fn named(name: &str) -> Result<Self, Error> {
        Self::NAMED
            .iter()
            .find(|n| n.name == name)
            .map(|n| (n.make)())
            .ok_or_else(|| Error::UnknownProfile {
                name: name.to_owned(),
                known: Self::NAMED
                    .iter()
                    .map(|n| n.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Reads a profile file: JSON, any subset of the fields; the rest from the profile named by
    /// `"extends"` (`{"extends": "pyjwt", "jwks_cooldown_secs": 2}`), or `auth0-quickstart`.
    pub fn from_file(path: &std::path::Path) -> Result<Self, Error> {
        let invalid = |reason: String| Error::ProfileFile {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let mut fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let base = match fields.remove("extends") {
            None => Self::auth0_quickstart(),
            Some(serde_json::Value::String(name)) => {
                Self::named(&name).map_err(|e| invalid(format!("extends: {e}")))?
            }
            Some(other) => return Err(invalid(format!("extends: {other} is not a profile name"))),
        };
        let mut merged = match serde_json::to_value(base) {
            Ok(serde_json::Value::Object(merged)) => merged,
            _ => return Err(invalid("the base profile is not an object".into())),
        };
        merged.extend(fields);
        serde_json::from_value(serde_json::Value::Object(merged))
            .map_err(|e| invalid(e.to_string()))
    }

    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_named_profile_carries_its_name() {
        for named in Profile::NAMED {
            assert_eq!((named.make)().name, named.name);
            assert_eq!(Profile::named(named.name).unwrap().name, named.name);
        }
        let error = Profile::named("nope").unwrap_err().to_string();
        assert!(
            error.starts_with("unknown profile \"nope\": one of auth0-quickstart,"),
            "{error}"
        );
    }

    #[test]
    fn a_profile_file_extends_a_named_profile() {
        let dir = std::env::temp_dir().join(format!("profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("profile.json");
        std::fs::write(&path, r#"{"extends": "pyjwt", "jwks_cooldown_secs": 2}"#).unwrap();
        let profile = Profile::from_file(&path).unwrap();
        assert_eq!(
            profile,
            Profile {
                jwks_cooldown_secs: 2,
                ..Profile::pyjwt()
            }
        );
        std::fs::write(&path, r#"{"jwks_ttl_secs": 5}"#).unwrap();
        assert_eq!(
            Profile::from_file(&path).unwrap(),
            Profile {
                jwks_ttl_secs: 5,
                ..Profile::auth0_quickstart()
            }
        );
        for (text, says) in [
            (
                r#"{"extends": "nope"}"#,
                "extends: unknown profile \"nope\"",
            ),
            (r#"{"extends": 3}"#, "extends: 3 is not a profile name"),
            (r#"{"leeway": 3}"#, "unknown field `leeway`"),
            ("{", "EOF"),
            ("[1]", "expected a map"),
        ] {
            std::fs::write(&path, text).unwrap();
            let error = Profile::from_file(&path).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("profile {}: ", path.display())),
                "{error}"
            );
            assert!(error.contains(says), "{text}: {error}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
