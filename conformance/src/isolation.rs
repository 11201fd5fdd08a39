//! Isolation: the stateful JWKS scenarios each run against a fresh tenant and a fresh API of
//! their own, in parallel with the token cases, which keep the run's own pair.
//!
//! Two things follow. No scenario can leave state (a cached discovery document, a re-bound
//! `kid`, an API stuck in its refetch cooldown) where a later case meets it; and the scenarios'
//! declared waits (one refetch cooldown each, at most) overlap instead of adding up, so a run
//! against an API with a 30 s cooldown takes about one cooldown, not sixteen.

use crate::exec::{Exec, ExecOptions};
use mock_tenant::{MockTenant, MockTenantBuilder};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A future an [`ApiStarter`] returns.
pub type Starting<'a> = Pin<Box<dyn Future<Output = Result<RunningApi, String>> + Send + 'a>>;

/// Starts one more instance of the API under test, configured for `tenant` (its domain,
/// audience and CA), on a port of its own.
pub trait ApiStarter: Send + Sync {
    /// Starts it and returns once it answers.
    fn start<'a>(&'a self, tenant: &'a MockTenant) -> Starting<'a>;
}

/// An API instance started by an [`ApiStarter`]; it stops when dropped.
pub struct RunningApi {
    /// Its base URL, e.g. `http://127.0.0.1:PORT`.
    pub url: String,
    /// Whatever keeps it running (a process, a server handle): dropped to stop it.
    _guard: Box<dyn Send + Sync>,
}

impl RunningApi {
    /// An instance at `url`, kept running by `guard` until this is dropped.
    pub fn new(url: impl Into<String>, guard: impl Send + Sync + 'static) -> Self {
        Self {
            url: url.into(),
            _guard: Box::new(guard),
        }
    }
}

impl std::fmt::Debug for RunningApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningApi")
            .field("url", &self.url)
            .finish()
    }
}

/// How a run gets a fresh tenant and API for each stateful scenario: the tenant's builder
/// (each fresh tenant gets a port of its own, so an issuer of its own) and the API's starter.
#[derive(Clone)]
pub struct Isolation {
    pub(crate) tenant: MockTenantBuilder,
    pub(crate) api: Arc<dyn ApiStarter>,
    pub(crate) starts_at_once: usize,
}

impl Isolation {
    /// Fresh tenants from `tenant` (its port is replaced by a free one) and fresh APIs from
    /// `api`.
    pub fn new(tenant: MockTenantBuilder, api: impl ApiStarter + 'static) -> Self {
        Self {
            tenant: tenant.port(0),
            api: Arc::new(api),
            starts_at_once: 2,
        }
    }

    /// How many fresh APIs may be starting at the same moment (default 2, one per core here):
    /// many interpreters importing at once would slow the run's own API, whose answers are timed.
    pub fn starts_at_once(mut self, n: usize) -> Self {
        self.starts_at_once = n.max(1);
        self
    }
}

impl std::fmt::Debug for Isolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Isolation")
            .field("tenant", &self.tenant)
            .field("starts_at_once", &self.starts_at_once)
            .finish_non_exhaustive()
    }
}

/// Starts the reference `sample-api` in this process for each fresh tenant (the embedded run's
/// starter), with the DPoP mode, cooldown and cache lifetime of [`crate::start_sample_api`].
#[derive(Debug, Clone)]
pub struct SampleApiStarter {
    /// The profile whose DPoP mode the API takes.
    pub profile: crate::Profile,
}

impl ApiStarter for SampleApiStarter {
    fn start<'a>(&'a self, tenant: &'a MockTenant) -> Starting<'a> {
        Box::pin(async move {
            let api = crate::start_sample_api(tenant, &self.profile)
                .await
                .map_err(|e| e.to_string())?;
            Ok(RunningApi::new(api.url(), api))
        })
    }
}

/// Runs the `--exec` command once more for each fresh tenant, on a free port (`PORT`), with
/// that tenant's environment.
#[derive(Debug, Clone)]
pub struct ExecStarter {
    /// The command, run through `sh -c`.
    pub command: String,
    /// The path that must answer before the API counts as started.
    pub public_path: String,
    /// How long it may take to answer.
    pub wait: Duration,
}

impl ApiStarter for ExecStarter {
    fn start<'a>(&'a self, tenant: &'a MockTenant) -> Starting<'a> {
        Box::pin(async move {
            let exec = Exec::start(
                &self.command,
                &tenant.env(),
                &self.public_path,
                self.wait,
                &ExecOptions::default(),
            )
            .await?;
            Ok(RunningApi::new(exec.url.clone(), exec))
        })
    }
}
