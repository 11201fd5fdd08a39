//! The `conformance` command line. Exit codes: 0 nothing failed, 1 a case failed, 2 usage or
//! set-up error.

mod progress;
mod routes;
mod select;
mod vectors;

use clap::Parser;
use conformance::{Exec, ExecOptions, ExecStarter, Isolation, Profile, Report, Target, Tenant};
use mock_tenant::{CertificateAuthority, MockTenant};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Fires good and deliberately bad tokens at an API implementing Auth0's API quickstart and
/// reports, case by case, what it gets wrong.
///
/// With no target, runs against the embedded mock tenant and the reference sample API.
#[derive(Debug, Parser)]
#[command(
    name = "conformance",
    version,
    after_help = "Exit codes: 0 no case failed (warnings allowed), 1 a case failed, the run was \
                  contaminated or snapshots changed (with --expect: 0 when the findings are exactly the \
                  expected ones, 1 otherwise), 2 usage or set-up error (including an --only \
                  that matches no case), 130 Ctrl-C, 143 SIGTERM (the tenant's state is put back \
                  and every API the run started is stopped first).\nEvery option can also be set by the environment \
                  variable shown with it."
)]
pub struct Cli {
    /// The API to test (base URL), already running and configured for the tenant.
    #[arg(long, env = "CONFORMANCE_API", conflicts_with = "exec")]
    api: Option<String>,
    /// A command that starts the API; it gets AUTH0_DOMAIN, AUTH0_AUDIENCE, API_IDENTIFIER, PORT,
    /// SSL_CERT_FILE, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS.
    #[arg(long, env = "CONFORMANCE_EXEC")]
    exec: Option<String>,
    /// Keep the --exec API's output in this file (by default it is shown only when the API dies
    /// or never answers).
    #[arg(long, env = "CONFORMANCE_EXEC_LOG", requires = "exec")]
    exec_log: Option<PathBuf>,
    /// The port the --exec API listens on, for APIs that ignore PORT (Auth0's Express sample
    /// listens on 3010). Default: a free port, passed as PORT.
    #[arg(long, env = "CONFORMANCE_EXEC_PORT", requires = "exec")]
    exec_port: Option<u16>,
    /// An already running mock-tenant (base URL) instead of the embedded one.
    #[arg(long, env = "CONFORMANCE_TENANT", requires = "tenant_ca")]
    tenant: Option<String>,
    /// The CA certificate of --tenant.
    #[arg(long, env = "CONFORMANCE_TENANT_CA")]
    tenant_ca: Option<PathBuf>,
    /// The control token of --tenant (started with `mock-tenant --control-token`).
    #[arg(long, env = "MOCK_TENANT_CONTROL_TOKEN", hide_env_values = true)]
    tenant_control_token: Option<String>,
    /// Port of the embedded tenant with --api (its environment is printed for your API).
    #[arg(long, env = "CONFORMANCE_TENANT_PORT", default_value_t = 8443)]
    tenant_port: u16,
    /// The embedded tenant's CA certificate (PEM), so an API started before the run can already
    /// trust it (make one with `mock-tenant --ca-out CERT --ca-key-out KEY`); needs --ca-key.
    #[arg(
        long,
        env = "CONFORMANCE_CA_CERT",
        requires = "ca_key",
        conflicts_with = "tenant"
    )]
    ca_cert: Option<PathBuf>,
    /// The embedded tenant's CA private key (PKCS#8 PEM); needs --ca-cert.
    #[arg(long, env = "CONFORMANCE_CA_KEY", requires = "ca_cert")]
    ca_key: Option<PathBuf>,
    /// Run the stateful JWKS scenarios one after another on the one --exec API, instead of each
    /// on a fresh embedded tenant and a fresh instance of the command, in parallel with the
    /// other cases. For APIs that cannot run twice at once; with --api, --tenant or
    /// --exec-port they always run on the one API.
    #[arg(long, env = "CONFORMANCE_NO_ISOLATION")]
    no_isolation: bool,
    /// How long to wait for the API to answer before starting, in seconds.
    #[arg(long, env = "CONFORMANCE_WAIT", default_value_t = 60)]
    wait: u64,
    /// What the API is configured like: a spec, or an SDK's documented defaults.
    #[arg(long, env = "CONFORMANCE_PROFILE", default_value = "auth0-quickstart", value_parser = profile_names())]
    profile: String,
    /// A profile file (JSON; any subset of the profile's fields, the rest from the profile
    /// named by `"extends"`). Flags below override it.
    #[arg(long, env = "CONFORMANCE_PROFILE_FILE")]
    profile_file: Option<PathBuf>,
    /// Clock skew the API allows, in seconds [default: the profile's].
    #[arg(long, env = "CONFORMANCE_LEEWAY")]
    leeway: Option<u64>,
    /// Longest the API takes to accept a new key (its refetch cooldown), in seconds [default:
    /// the profile's].
    #[arg(long, env = "CONFORMANCE_JWKS_COOLDOWN")]
    jwks_cooldown: Option<u64>,
    /// Longest the API keeps a re-bound key (its JWKS cache lifetime), in seconds [default: the
    /// profile's].
    #[arg(long, env = "CONFORMANCE_JWKS_TTL")]
    jwks_ttl: Option<u64>,
    /// Longest wait for one answer, in seconds [default: the profile's, 10].
    #[arg(long, env = "CONFORMANCE_TIMEOUT")]
    timeout: Option<u64>,
    /// The API's owner requires `exp`: a token without a readable `exp` accepted is `FAIL
    /// unsafe`, not `warn strict` (only the tenant can sign one, and Auth0 never does).
    #[arg(
        long,
        env = "CONFORMANCE_EXP_REQUIRED",
        conflicts_with = "exp_optional"
    )]
    exp_required: bool,
    /// Tokens without `exp` accepted are `warn strict` (the default; kept for old command lines).
    #[arg(long, env = "CONFORMANCE_EXP_OPTIONAL", hide = true)]
    exp_optional: bool,
    /// Every `warn strict` fails the run as `FAIL strict`: tokens only the issuer could sign
    /// (`crit` extensions, odd algorithms, a missing `exp`) must be refused too.
    #[arg(long, env = "CONFORMANCE_STRICT")]
    strict: bool,
    /// Where the API reads scopes: scope, scope+permissions (Auth0 RBAC) or scope+scp [default:
    /// the profile's].
    #[arg(long, env = "CONFORMANCE_SCOPE_SOURCE")]
    scope_source: Option<conformance::ScopeSource>,
    /// Where the API accepts tokens: header, or header-query-body (RFC 6750 §2.2, §2.3)
    /// [default: the profile's].
    #[arg(long, env = "CONFORMANCE_TRANSPORTS")]
    transports: Option<conformance::Transports>,
    /// Whether the API takes DPoP-bound tokens: off, optional (Bearer and DPoP) or required
    /// (DPoP only; every request goes with a bound token and a fresh proof) [default: the
    /// profile's, off; `--profile dpop` is required].
    #[arg(long, env = "CONFORMANCE_DPOP")]
    dpop: Option<conformance::Dpop>,
    /// The API trusts the tenant's custom-domain issuers too (Multiple Custom Domains: the
    /// embedded tenant also answers as `https://127.0.0.1:PORT/`), so `iss-custom-domain` must
    /// pass.
    #[arg(long, env = "CONFORMANCE_CUSTOM_DOMAINS")]
    custom_domains: bool,
    /// The Auth0 organization the API serves (its id, `org_...`): every token minted carries
    /// it in `org_id`, and the Organizations cases run (another organization, none, its name,
    /// its id in another case: all must be refused).
    #[arg(long, env = "CONFORMANCE_ORGANIZATION")]
    organization: Option<String>,
    /// The scope the scoped endpoint needs [default: read:messages].
    #[arg(long, env = "CONFORMANCE_SCOPE")]
    scope: Option<String>,
    /// Path of the public endpoint [default: /api/public].
    #[arg(long, env = "CONFORMANCE_PUBLIC_PATH")]
    public_path: Option<String>,
    /// Path of the endpoint needing a valid token [default: /api/private].
    #[arg(long, env = "CONFORMANCE_PRIVATE_PATH")]
    private_path: Option<String>,
    /// Path of the endpoint needing the scope [default: /api/private-scoped].
    #[arg(long, env = "CONFORMANCE_SCOPED_PATH")]
    scoped_path: Option<String>,
    /// Print the report as JSON instead of the table.
    #[arg(long, env = "CONFORMANCE_JSON")]
    json: bool,
    /// Also write a JUnit XML report here.
    #[arg(long, env = "CONFORMANCE_JUNIT")]
    junit: Option<PathBuf>,
    /// Also write a self-contained HTML report here.
    #[arg(long, env = "CONFORMANCE_HTML")]
    html: Option<PathBuf>,
    /// Also write the findings (failures and warnings) as SARIF 2.1.0 here, for code scanning.
    #[arg(long, env = "CONFORMANCE_SARIF")]
    sarif: Option<PathBuf>,
    /// The file, relative to the repository, that SARIF results are attached to (GitHub code
    /// scanning shows only results with one) [default: --openapi or --routes when a file, else
    /// --profile-file; else none].
    #[arg(long, env = "CONFORMANCE_SARIF_ARTIFACT")]
    sarif_artifact: Option<String>,
    /// Also write the findings as a Markdown table here (a CI job summary).
    #[arg(long, env = "CONFORMANCE_MARKDOWN")]
    markdown: Option<PathBuf>,
    /// List every case in the table, not only the ones that did not pass.
    #[arg(long, env = "CONFORMANCE_ALL")]
    all: bool,
    /// Keep each case's answers as snapshot files here; report the ones that changed.
    #[arg(long, env = "CONFORMANCE_SNAPSHOTS")]
    snapshots: Option<PathBuf>,
    /// With --snapshots: accept the changed answers as the new snapshots.
    #[arg(long, env = "CONFORMANCE_UPDATE", requires = "snapshots")]
    update: bool,
    /// Run only the cases whose id starts with one of these prefixes (comma-separated); a
    /// prefix that matches no case is an error (exit 2).
    #[arg(long, env = "CONFORMANCE_ONLY", value_delimiter = ',')]
    only: Vec<String>,
    /// Audit every operation of the API's OpenAPI 3.0 or 3.1 document (JSON or YAML): a file,
    /// a URL, or a path on the API (`/openapi.json`, read once the API answers). Each
    /// operation gets the tokens anyone could send, a valid token short of each scope it
    /// needs, and exactly its scopes. The catalogue runs on a public GET and a GET one scope
    /// opens, unless --public-path, --private-path or --scoped-path say otherwise.
    #[arg(long, env = "CONFORMANCE_OPENAPI", conflicts_with = "routes")]
    openapi: Option<String>,
    /// Audit the operations of a routes table (JSON; for APIs without an OpenAPI document):
    /// `[{"method": "GET", "path": "/orders/{id}", "scopes": ["read:orders"]}, {"method":
    /// "GET", "path": "/health", "public": true}]` (see the README).
    #[arg(long, env = "CONFORMANCE_ROUTES")]
    routes: Option<PathBuf>,
    /// With --openapi or --routes: only operations whose path template matches this glob
    /// (`*` within a segment, `**` across); repeatable.
    #[arg(long = "route-path")]
    route_path: Vec<String>,
    /// With --openapi: only operations with this tag; repeatable.
    #[arg(long)]
    tag: Vec<String>,
    /// With --openapi or --routes: only operations with this method; repeatable.
    #[arg(long)]
    method: Vec<String>,
    /// With --openapi or --routes: audit the routes only, without the catalogue's cases (and
    /// so without restarting an --exec API for the JWKS scenarios).
    #[arg(long)]
    no_catalogue: bool,
    /// Never send an unsafe operation (POST, PUT, PATCH, DELETE) a request that may pass: its
    /// exactly-its-scopes check is n/a. The audit is meant for a test instance.
    #[arg(long)]
    no_mutate: bool,
    /// Judge the run by this list of the cases it is expected to fail (one id a line, `#`
    /// comments, `?id` either way; a missing file is an empty list): exit 0 only when the
    /// failures are exactly these, 1 when one is new or gone. For snapshot-testing an API's
    /// known weaknesses in CI.
    #[arg(long, env = "CONFORMANCE_EXPECT")]
    expect: Option<PathBuf>,
    /// With --expect: also the list of cases expected to warn (`warn`, `warn strict`).
    #[arg(long, env = "CONFORMANCE_EXPECT_WARNINGS", requires = "expect")]
    expect_warnings: Option<PathBuf>,
    /// Print the cases (id, catalogue row, category, severity, who could send it, what a
    /// correct API answers, what is sent) and exit; with --only, the selected ones.
    #[arg(long)]
    list: bool,
    /// Write the offline test-vector pack here and exit: the JWKS and key PEMs, one token per
    /// token case (with --only, the selected ones), what a validator configured as the profile
    /// says must do with each, a frozen "now", and harnesses for pytest and node:test
    /// (README.md in the pack).
    #[arg(long, value_name = "DIR")]
    vectors: Option<PathBuf>,
    /// With --vectors: the frozen "now", UNIX seconds [default: 1767225600,
    /// 2026-01-01T00:00:00Z].
    #[arg(long, requires = "vectors", value_name = "UNIX")]
    vectors_now: Option<i64>,
    /// With --vectors: the issuer the tokens name.
    #[arg(long, requires = "vectors", default_value = "https://localhost:8443/")]
    vectors_issuer: String,
}

/// Parses the arguments, runs, and maps the result to an exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return usage(&format!("cannot start the async runtime: {e}")),
    };
    if cli.list {
        return match select::selected(conformance::cases(), &cli.only) {
            Ok(cases) => {
                use std::io::Write;
                // A closed pipe (`| head`) ends the listing quietly.
                let _ = write!(std::io::stdout().lock(), "{}", select::list(&cases));
                ExitCode::SUCCESS
            }
            Err(e) => usage(&e),
        };
    }
    if let Some(out) = &cli.vectors {
        let written = profile(&cli).and_then(|profile| {
            let cases = select::selected(conformance::cases(), &cli.only)?;
            let now = cli.vectors_now.unwrap_or(conformance::VECTORS_NOW);
            vectors::write(out, &cases, &profile, &cli.vectors_issuer, now)
        });
        return match written {
            Ok(count) => {
                println!("wrote {count} vectors to {}", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => usage(&e),
        };
    }
    let expected = match expected(&cli) {
        Ok(expected) => expected,
        Err(e) => return usage(&e),
    };
    match runtime.block_on(main(cli)) {
        Ok((report, _)) if report.unsteady.is_some() => {
            usage(report.unsteady.as_deref().unwrap_or_default())
        }
        Ok((report, changed)) if !expected.is_empty() => {
            let mut holds = !changed;
            if let Some(by) = &report.contaminated_by {
                eprintln!("conformance: the run was contaminated by {by}");
            }
            for (list, findings) in &expected {
                let check = list.check(&report, *findings);
                eprintln!("conformance: {check}");
                holds &= check.holds();
            }
            if holds {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Ok((report, changed)) if !report.is_failure() && !changed => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => usage(&e),
    }
}

/// The named profiles, each with its line, for `--profile` and its `--help`.
fn profile_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        Profile::NAMED
            .iter()
            .map(|n| clap::builder::PossibleValue::new(n.name).help(n.about)),
    )
}

/// The lists `--expect` and `--expect-warnings` name, read before the run so a typo costs
/// no run.
fn expected(cli: &Cli) -> Result<Vec<(conformance::Expected, conformance::Findings)>, String> {
    let mut lists = Vec::new();
    if let Some(path) = &cli.expect {
        lists.push((
            conformance::Expected::read(path)?,
            conformance::Findings::Failures,
        ));
    }
    if let Some(path) = &cli.expect_warnings {
        lists.push((
            conformance::Expected::read(path)?,
            conformance::Findings::Warnings,
        ));
    }
    Ok(lists)
}

fn usage(message: &str) -> ExitCode {
    eprintln!("conformance: {message}");
    ExitCode::from(2)
}

fn profile(cli: &Cli) -> Result<Profile, String> {
    let mut p = match &cli.profile_file {
        Some(path) => Profile::from_file(path)?,
        None => Profile::named(&cli.profile)?,
    };
    if let Some(v) = cli.leeway {
        p.leeway_secs = v;
    }
    if let Some(v) = cli.jwks_cooldown {
        p.jwks_cooldown_secs = v;
    }
    if let Some(v) = cli.jwks_ttl {
        p.jwks_ttl_secs = v;
    }
    if let Some(v) = cli.timeout {
        p.timeout_secs = v;
    }
    if cli.exp_required {
        p.exp_required = true;
    }
    if cli.exp_optional {
        p.exp_required = false;
    }
    if cli.strict {
        p.strict = true;
    }
    if let Some(v) = cli.scope_source {
        p.scope_source = v;
    }
    if let Some(v) = cli.transports {
        p.transports = v;
    }
    if let Some(v) = cli.dpop {
        p.dpop = v;
    }
    if cli.custom_domains {
        p.custom_domains = true;
    }
    if let Some(org) = &cli.organization {
        p.organization = Some(org.clone());
    }
    for (field, value) in [
        (&mut p.public_path, &cli.public_path),
        (&mut p.private_path, &cli.private_path),
        (&mut p.scoped_path, &cli.scoped_path),
        (&mut p.scope, &cli.scope),
    ] {
        if let Some(v) = value {
            *field = v.clone();
        }
    }
    Ok(p)
}

/// Runs, reports, and says whether snapshots changed (without `--update`).
async fn main(cli: Cli) -> Result<(Report, bool), String> {
    let profile = profile(&cli)?;
    let source = routes::source(&cli)?;
    // With routes and no path given, the catalogue runs on operations the audit found open.
    let mut audit = conformance::AuditOptions {
        mutate: !cli.no_mutate,
        aim: cli.public_path.is_none() && cli.private_path.is_none() && cli.scoped_path.is_none(),
    };
    let mut operations = Vec::new();
    if let routes::Source::File(ops) = &source {
        operations = ops.clone();
    }
    let chosen = if cli.no_catalogue {
        if matches!(source, routes::Source::None) {
            return Err(
                "--no-catalogue needs --openapi or --routes: nothing else would run".into(),
            );
        }
        Vec::new()
    } else {
        select::selected(conformance::cases_for(&profile), &cli.only)?
    };
    let terminal = std::io::stderr().is_terminal();
    let observer = move |event: conformance::RunEvent<'_>| progress::show(terminal, event);
    let report = if cli.api.is_none() && cli.exec.is_none() && cli.tenant.is_none() {
        if cli.ca_cert.is_some() {
            return Err("--ca-cert and --ca-key are for the embedded tenant with --api".into());
        }
        // The demo's sample-api gets the cooldown and cache lifetime the run declares: short
        // ones unless the flags say otherwise.
        let mut profile = profile;
        if cli.jwks_cooldown.is_none() {
            profile.jwks_cooldown_secs = conformance::EMBEDDED_JWKS_COOLDOWN_SECS;
        }
        if cli.jwks_ttl.is_none() {
            profile.jwks_ttl_secs = conformance::EMBEDDED_JWKS_TTL_SECS;
        }
        eprintln!(
            "# the embedded sample-api refetches keys for an unknown kid after {} s and keeps a \
             key set {} s, as declared to the run (--jwks-cooldown and --jwks-ttl set both)",
            profile.jwks_cooldown_secs, profile.jwks_ttl_secs
        );
        match &source {
            // The demo audits sample-api from its own document, as it serves it.
            routes::Source::None if cli.only.is_empty() => {
                operations = conformance::routes::from_openapi(
                    sample_api::OPENAPI,
                    "sample-api's /openapi.json",
                )
                .map_err(|e| e.to_string())?;
                // The catalogue's paths are sample-api's already.
                audit.aim = false;
            }
            routes::Source::Url(at) if at.as_str() != "/openapi.json" => {
                return Err(format!(
                    "--openapi {at}: the embedded sample-api serves its document at /openapi.json"
                ));
            }
            routes::Source::Url(_) => {
                operations = conformance::routes::from_openapi(
                    sample_api::OPENAPI,
                    "sample-api's /openapi.json",
                )
                .map_err(|e| e.to_string())?;
            }
            _ => {}
        }
        conformance::Run::new(&profile)
            .cases(&chosen)
            .routes(&operations, audit)
            .observed(&observer)
            .embedded()
            .await?
    } else {
        // The tenant: given, or embedded (and then kept alive for the whole run).
        let (embedded, tenant, env, builder) = match (&cli.tenant, &cli.tenant_ca) {
            (Some(url), Some(ca)) => {
                let pem = std::fs::read_to_string(ca)
                    .map_err(|e| format!("cannot read {}: {e}", ca.display()))?;
                let mut tenant = Tenant::new(url, Some(&pem))?;
                if let Some(token) = &cli.tenant_control_token {
                    tenant = tenant.with_control_token(token);
                }
                (None, tenant, exec_env(url, ca), None)
            }
            _ => {
                let port = if cli.exec.is_some() {
                    0
                } else {
                    cli.tenant_port
                };
                let mut builder = MockTenant::builder()
                    .port(port)
                    .custom_domain(conformance::CUSTOM_DOMAIN);
                if let (Some(cert), Some(key)) = (&cli.ca_cert, &cli.ca_key) {
                    builder =
                        builder.ca(CertificateAuthority::from_pem(&read(cert)?, &read(key)?)?);
                }
                let t = builder.clone().try_start().await?;
                let env = t.env();
                if cli.api.is_some() {
                    if cli.ca_cert.is_none() {
                        eprintln!(
                            "# a new CA for this run: an API started before it cannot trust it; \
                             give the tenant a CA the API already trusts with --ca-cert/--ca-key"
                        );
                    }
                    eprintln!("# the embedded mock tenant; configure the API under test with:");
                    for (k, v) in &env {
                        eprintln!("export {k}={v}");
                    }
                }
                let handle = Tenant::of(&t)?;
                (Some(t), handle, env, Some(builder))
            }
        };
        // Fresh pairs for the stateful scenarios: an embedded tenant and a command that can
        // listen on any port.
        let isolation = match (&cli.exec, builder) {
            (Some(command), Some(builder)) if cli.exec_port.is_none() && !cli.no_isolation => {
                let starter = ExecStarter {
                    command: command.clone(),
                    public_path: profile.public_path.clone(),
                    wait: Duration::from_secs(cli.wait),
                };
                Some(Isolation::new(builder, starter))
            }
            _ => None,
        };
        let (mut exec, api) = match (&cli.exec, &cli.api) {
            (Some(command), _) => {
                let options = ExecOptions {
                    log: cli.exec_log.clone(),
                    port: cli.exec_port,
                };
                let exec = Exec::start(
                    command,
                    &env,
                    &profile.public_path,
                    Duration::from_secs(cli.wait),
                    &options,
                )
                .await?;
                let url = exec.url.clone();
                (Some(exec), url)
            }
            (None, Some(api)) => {
                wait_for(api, &profile.public_path, Duration::from_secs(cli.wait)).await?;
                (None, api.clone())
            }
            (None, None) => return Err("--tenant needs --api or --exec".into()),
        };
        // Ctrl-C: put the tenant's state back (the driver does at the end of a run) and stop.
        let saved = tenant.state().await.ok();
        if let routes::Source::Url(at) = &source {
            operations = routes::fetch(&cli, at, &api).await?;
        }
        let target = Target {
            api,
            tenant: tenant.clone(),
            isolation,
        };
        let report = tokio::select! {
            report = conformance::Run::new(&profile).cases(&chosen).routes(&operations, audit).observed(&observer).against(&target) => report,
            // The run (and every fresh pair's API process in it) is dropped before this arm.
            signal = interrupted() => {
                if let Some(state) = &saved {
                    let _ = tenant.put_state(state).await;
                }
                drop(exec);
                eprintln!(
                    "conformance: {signal}; the tenant's state was put back and every API it \
                     started was stopped"
                );
                std::process::exit(if signal == "terminated" { 143 } else { 130 });
            }
        };
        if let Some(died) = exec.as_mut().and_then(Exec::died) {
            eprintln!("conformance: the API died during the run: {died}");
        }
        drop(exec);
        drop(embedded);
        report
    };
    if cli.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
        // The JSON goes to a file or a pipe: the log still gets the run's summary. Prefixed,
        // so that a CI log reader never takes it for the closing line of a test runner.
        eprintln!("conformance run: {}", report.summary_line());
    } else {
        print!(
            "{}",
            report.to_text(std::io::stdout().is_terminal(), cli.all)
        );
    }
    if let Some(path) = &cli.junit {
        std::fs::write(path, conformance::to_junit(&report))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &cli.html {
        std::fs::write(path, conformance::to_html(&report))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &cli.sarif {
        std::fs::write(
            path,
            conformance::to_sarif(&report, sarif_artifact(&cli).as_deref()),
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &cli.markdown {
        std::fs::write(path, conformance::to_markdown(&report, cli.all))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut changed = false;
    if let Some(dir) = &cli.snapshots {
        let check = conformance::check_snapshots(&report, dir, cli.update)
            .map_err(|e| format!("snapshots in {}: {e}", dir.display()))?;
        for (id, diff) in &check.changed {
            eprintln!("snapshot changed: {id}\n{diff}");
        }
        for name in &check.stale {
            let done = if cli.update {
                "removed"
            } else {
                "--update removes it"
            };
            eprintln!("snapshot stale: {name} (no such case any more; {done})");
        }
        eprintln!(
            "snapshots: {} unchanged, {} new, {} changed, {} stale{}",
            check.unchanged,
            check.new.len(),
            check.changed.len(),
            check.stale.len(),
            if cli.update { " (accepted)" } else { "" }
        );
        changed = !cli.update && (!check.changed.is_empty() || !check.stale.is_empty());
    }
    Ok((report, changed))
}

/// Waits for Ctrl-C or SIGTERM (a CI job's timeout), and says which.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "interrupted",
                _ = term.recv() => "terminated",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "interrupted"
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The environment an `--exec` command gets for an external tenant.
fn exec_env(url: &str, ca: &std::path::Path) -> Vec<(String, String)> {
    let domain = mock_tenant::Issuer::new(url).domain().to_owned();
    let ca = ca.display().to_string();
    let aud = fixtures::QUICKSTART_AUDIENCE.to_owned();
    vec![
        ("AUTH0_DOMAIN".into(), domain),
        ("AUTH0_AUDIENCE".into(), aud.clone()),
        ("API_IDENTIFIER".into(), aud),
        ("SSL_CERT_FILE".into(), ca.clone()),
        ("REQUESTS_CA_BUNDLE".into(), ca.clone()),
        ("NODE_EXTRA_CA_CERTS".into(), ca),
    ]
}

async fn wait_for(api: &str, path: &str, wait: Duration) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| e.to_string())?;
    let deadline = std::time::Instant::now() + wait;
    loop {
        if client
            .get(format!("{}{path}", api.trim_end_matches('/')))
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            return Err(format!(
                "the API at {api} did not answer within {} s",
                wait.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The file SARIF results are attached to: `--sarif-artifact`, else the routes' document when
/// it is a local file, else the profile file.
fn sarif_artifact(cli: &Cli) -> Option<String> {
    if let Some(path) = &cli.sarif_artifact {
        return Some(path.clone());
    }
    let local = cli
        .openapi
        .as_deref()
        .filter(|spec| !spec.starts_with('/') || std::path::Path::new(spec).is_file())
        .filter(|spec| !spec.contains("://"))
        .map(str::to_owned);
    local
        .or_else(|| cli.routes.as_ref().map(|p| p.display().to_string()))
        .or_else(|| cli.profile_file.as_ref().map(|p| p.display().to_string()))
}
