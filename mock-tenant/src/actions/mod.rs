//! Actions: the team's own JavaScript, run where Auth0 runs it: at login (`post-login`), at
//! `client_credentials` (`credentials-exchange`) and at Custom Token Exchange
//! (`custom-token-exchange`). Each is `exports.onExecutePostLogin = async (event, api) => {...}`
//! in the tenant file or put at run time (`PUT /_mock/actions/{trigger}`); the Actions of a
//! trigger run in order, each in a fresh QuickJS runtime bounded in time and memory
//! ([`engine`]). `docs/actions.md` has the `event` and `api` they get.

mod claims;
mod effects;
mod engine;
pub(crate) mod event;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use claims::claim_allowed;
pub(crate) use effects::{Effects, Metadata};
pub(crate) use engine::ActionError;

/// Where in Auth0's flows an Action runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// After a user logs in, before the code (or the password grant's tokens) is issued:
    /// `exports.onExecutePostLogin`.
    PostLogin,
    /// Before a `client_credentials` access token is issued: `exports.onExecuteCredentialsExchange`.
    CredentialsExchange,
    /// At Custom Token Exchange, to decide who the subject token stands for:
    /// `exports.onExecuteCustomTokenExchange`.
    CustomTokenExchange,
}

impl Trigger {
    /// Every trigger the tenant runs.
    pub const ALL: [Self; 3] = [
        Self::PostLogin,
        Self::CredentialsExchange,
        Self::CustomTokenExchange,
    ];

    /// The trigger's id, as Auth0 spells it (`post-login`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PostLogin => "post-login",
            Self::CredentialsExchange => "credentials-exchange",
            Self::CustomTokenExchange => "custom-token-exchange",
        }
    }

    /// The function an Action exports for it (`onExecutePostLogin`).
    pub const fn export_name(self) -> &'static str {
        match self {
            Self::PostLogin => "onExecutePostLogin",
            Self::CredentialsExchange => "onExecuteCredentialsExchange",
            Self::CustomTokenExchange => "onExecuteCustomTokenExchange",
        }
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Trigger {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|t| t.as_str()).collect();
                format!("unknown trigger {s:?}: one of {}", known.join(", "))
            })
    }
}

/// An Action in the tenant file: `{"name": "add roles", "trigger": "post-login", "code": "..."}`
/// (or `"code_file": "actions/roles.js"`, relative to the tenant file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Its id, which a token exchange profile's `action_id` may name (its name serves too).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Its name: the file name in its stack traces and the tenant's log.
    #[serde(default)]
    pub name: String,
    /// Where it runs.
    pub trigger: Trigger,
    /// The JavaScript source.
    #[serde(default)]
    pub code: String,
    /// A file holding the source, relative to the tenant file; read when the file is, and
    /// refused in a tenant sent over HTTP.
    #[serde(default, skip_serializing)]
    pub code_file: Option<PathBuf>,
    /// `event.secrets`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
}

impl Action {
    /// An Action named after its trigger, as `PUT /_mock/actions/{trigger}` makes one.
    pub fn new(trigger: Trigger, code: impl Into<String>) -> Self {
        Self {
            id: String::new(),
            name: trigger.as_str().to_owned(),
            trigger,
            code: code.into(),
            code_file: None,
            secrets: BTreeMap::new(),
        }
    }

    /// The name its stack shows: its own, or its trigger's.
    fn file_name(&self) -> String {
        if self.name.is_empty() {
            format!("{}.js", self.trigger)
        } else {
            self.name.clone()
        }
    }
}

/// How long and how much memory each Action run may take; over either, the run ends with
/// Auth0's error for a failed Action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionLimits {
    /// Milliseconds per run (Auth0 allows 20 s; tests want a runaway loop to end sooner).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Megabytes of JavaScript heap per run.
    #[serde(default = "default_memory_mb")]
    pub memory_mb: u64,
}

fn default_timeout_ms() -> u64 {
    5_000
}

fn default_memory_mb() -> u64 {
    64
}

impl Default for ActionLimits {
    fn default() -> Self {
        Self {
            timeout_ms: default_timeout_ms(),
            memory_mb: default_memory_mb(),
        }
    }
}

impl ActionLimits {
    /// Whether these are the defaults (left out of a serialized tenant).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// What is wrong with them, if anything.
    pub(crate) fn problem(&self) -> Option<String> {
        if !(1..=60_000).contains(&self.timeout_ms) {
            return Some(format!(
                "timeout_ms {} is not between 1 and 60000",
                self.timeout_ms
            ));
        }
        if !(1..=1024).contains(&self.memory_mb) {
            return Some(format!(
                "memory_mb {} is not between 1 and 1024",
                self.memory_mb
            ));
        }
        None
    }

    fn bounds(&self) -> engine::Bounds {
        engine::Bounds {
            time: Duration::from_millis(self.timeout_ms),
            memory: usize::try_from(self.memory_mb)
                .unwrap_or(1024)
                .saturating_mul(1024 * 1024),
        }
    }
}

/// What one Action run asked for, as the prelude writes it down.
#[derive(Debug, Default, Deserialize)]
struct Commands {
    id_token_claims: Map<String, Value>,
    access_token_claims: Map<String, Value>,
    add_scopes: Vec<String>,
    remove_scopes: Vec<String>,
    deny: Option<Denial>,
    user_id: Option<String>,
    reject_subject_token: Option<String>,
    app_metadata: Map<String, Value>,
    user_metadata: Map<String, Value>,
    logs: Vec<String>,
    error: Option<Thrown>,
}

/// An error the Action threw, with its stack.
#[derive(Debug, Deserialize)]
struct Thrown {
    message: String,
    stack: Option<String>,
}

/// `api.access.deny(...)`: the error code and the reason the caller gets.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Denial {
    /// `access_denied` for a login; the code the Action named elsewhere.
    pub(crate) code: String,
    /// `error_description`.
    pub(crate) reason: String,
}

/// How a flow ended without tokens.
#[derive(Debug)]
pub(crate) enum Stop {
    /// An Action called `api.access.deny`; the metadata the Actions set up to then is kept.
    Denied(Denial, Metadata),
    /// A Custom Token Exchange Action called `api.access.rejectInvalidSubjectToken`.
    InvalidSubjectToken(String),
    /// An Action threw, timed out or ran out of memory.
    Failed {
        /// What went wrong (the tenant's log has it with the Action's name and stack).
        error: ActionError,
    },
}

/// Runs the Actions of `trigger` in `actions`, in order, on `event`: what they did to the
/// tokens, or why there are none. No Action for the trigger: no effects, nothing run.
pub(crate) async fn run(
    actions: &[Action],
    limits: &ActionLimits,
    trigger: Trigger,
    mut event: Value,
) -> Result<Effects, Stop> {
    let mut effects = Effects::default();
    for action in actions.iter().filter(|a| a.trigger == trigger) {
        event["secrets"] = serde_json::to_value(&action.secrets).unwrap_or_default();
        let (name, code, bounds) = (action.file_name(), action.code.clone(), limits.bounds());
        let event_json = event.to_string();
        let ran = tokio::task::spawn_blocking(move || {
            let result = engine::run(&name, &code, trigger, &event_json, bounds);
            (name, result)
        })
        .await;
        let (name, result) = match ran {
            Ok(done) => done,
            Err(e) => {
                return Err(Stop::Failed {
                    error: ActionError {
                        message: format!("the Action's thread failed: {e}"),
                        stack: None,
                        logs: Vec::new(),
                    },
                });
            }
        };
        let commands = match result {
            Ok(commands) => commands,
            Err(error) => {
                log_lines(&name, &error.logs);
                eprintln!(
                    "mock-tenant: Action {name:?} ({trigger}) failed: {}{}",
                    error.message,
                    error
                        .stack
                        .as_deref()
                        .map(|s| format!("\n{}", s.trim_end()))
                        .unwrap_or_default()
                );
                return Err(Stop::Failed { error });
            }
        };
        log_lines(&name, &commands.logs);
        for (claims, into) in [
            (commands.id_token_claims, &mut effects.id_token_claims),
            (
                commands.access_token_claims,
                &mut effects.access_token_claims,
            ),
        ] {
            for (claim, value) in claims {
                if claim_allowed(&claim) {
                    into.insert(claim, value);
                } else {
                    eprintln!(
                        "mock-tenant: Action {name:?} ({trigger}) may not set claim {claim:?}: \
                         ignored, as Auth0 ignores it"
                    );
                }
            }
        }
        for (changes, into, key) in [
            (
                commands.app_metadata,
                &mut effects.metadata.app_metadata,
                "app_metadata",
            ),
            (
                commands.user_metadata,
                &mut effects.metadata.user_metadata,
                "user_metadata",
            ),
        ] {
            for (name, value) in changes {
                // Later Actions see the user as these changes leave it.
                if let Some(seen) = event["user"][key].as_object_mut() {
                    if value.is_null() {
                        seen.remove(&name);
                    } else {
                        seen.insert(name.clone(), value.clone());
                    }
                }
                into.insert(name, value);
            }
        }
        effects.add_scopes.extend(commands.add_scopes);
        effects.remove_scopes.extend(commands.remove_scopes);
        if commands.user_id.is_some() {
            effects.user_id = commands.user_id;
        }
        if let Some(reason) = commands.reject_subject_token {
            return Err(Stop::InvalidSubjectToken(reason));
        }
        if let Some(denial) = commands.deny {
            return Err(Stop::Denied(denial, effects.metadata));
        }
    }
    Ok(effects)
}

/// An Action's `console` output, in the tenant's log.
fn log_lines(name: &str, lines: &[String]) {
    for line in lines {
        eprintln!("mock-tenant: Action {name:?}: {line}");
    }
}

#[cfg(test)]
mod tests;
