//! The `mock-tenant` command line: starts the tenant, prints its environment, serves until
//! interrupted.

use clap::Parser;
use mock_tenant::{CertificateAuthority, MockTenant, TenantConfig};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// A mock Auth0 tenant on localhost, over HTTPS, that real Auth0 clients trust.
///
/// It mints VALID TOKENS FOR ANYONE who asks, signed with public TEST-ONLY keys: run it in tests
/// and CI only. On start it prints the environment to export for your API and your tests.
#[derive(Debug, Parser)]
#[command(
    name = "mock-tenant",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 usage or start-up error.\nEvery \
                  option of the server can also be set by the environment variable shown with it."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, short, env = "MOCK_TENANT_PORT", default_value_t = 8443)]
    port: u16,
    /// Address to bind. Anything but loopback exposes a token mint to the network.
    #[arg(long, env = "MOCK_TENANT_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Serve plain HTTP instead of HTTPS (Auth0 SDKs and quickstarts refuse it).
    #[arg(long, env = "MOCK_TENANT_HTTP")]
    http: bool,
    /// Issuer to use instead of https://localhost:PORT/ (a custom domain). Keep the trailing slash.
    #[arg(long, env = "MOCK_TENANT_ISSUER")]
    issuer: Option<String>,
    /// Tenant file, JSON: APIs, clients, grants, users (the format: docs/tenant-file.md in the
    /// source, <https://github.com/auth0-offline/auth0-offline>). Default: the quickstart tenant.
    #[arg(long, env = "MOCK_TENANT_FILE")]
    tenant: Option<PathBuf>,
    /// Sign with a fresh random key set instead of the TEST-ONLY fixture keys.
    #[arg(long, env = "MOCK_TENANT_RANDOM_KEYS")]
    random_keys: bool,
    /// Where to write the CA certificate clients must trust. Default: a file in the temp directory.
    #[arg(long, env = "MOCK_TENANT_CA_OUT")]
    ca_out: Option<PathBuf>,
    /// Load the CA certificate (PEM) instead of generating one; needs --ca-key.
    #[arg(long, env = "MOCK_TENANT_CA_CERT", requires = "ca_key")]
    ca_cert: Option<PathBuf>,
    /// Load the CA private key (PKCS#8 PEM); needs --ca-cert.
    #[arg(long, env = "MOCK_TENANT_CA_KEY", requires = "ca_cert")]
    ca_key: Option<PathBuf>,
    /// Also write the generated CA private key here, to reuse the CA later with --ca-key.
    #[arg(long, env = "MOCK_TENANT_CA_KEY_OUT")]
    ca_key_out: Option<PathBuf>,
    /// Write the environment as KEY=VALUE lines to this file once the tenant is ready (whole:
    /// written beside it, then renamed).
    #[arg(long, env = "MOCK_TENANT_ENV_OUT")]
    env_out: Option<PathBuf>,
    /// Log this user (id or email) in at once at /authorize, skipping the login page.
    #[arg(long, env = "MOCK_TENANT_AUTO_LOGIN")]
    auto_login: Option<String>,
    /// Share replay protection, sessions and control changes with other tenant processes through
    /// this Redis server (redis://[user:password@]host[:port][/db], or rediss:// for TLS).
    #[arg(long, env = "MOCK_TENANT_REDIS_URL")]
    redis: Option<String>,
    /// Close a connection whose request headers take longer than this (a slowloris), in seconds.
    #[arg(long, env = "MOCK_TENANT_HEADER_READ_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout: u64,
    /// Close a connection with no byte either way for this long while no request is in flight
    /// (a socket left open after its TLS handshake, say), in seconds.
    #[arg(long, env = "MOCK_TENANT_IDLE_TIMEOUT", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Most connections open at once; past it new clients wait until one closes. Default: the
    /// open-files limit less 64.
    #[arg(long, env = "MOCK_TENANT_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: Option<u64>,
    /// Require this token in the X-Mock-Control-Token header of every /_mock/ request (but
    /// GET /_mock/ca.pem). Required when --bind is not loopback, unless --insecure-control.
    #[arg(long, env = "MOCK_TENANT_CONTROL_TOKEN", hide_env_values = true)]
    control_token: Option<String>,
    /// Serve the control API without a token on a non-loopback bind: anyone who reaches the
    /// port can then mint tokens and replace the keys.
    #[arg(long, env = "MOCK_TENANT_INSECURE_CONTROL")]
    insecure_control: bool,
    /// On Ctrl-C or SIGTERM, wait this long for the requests in flight to be answered, in seconds.
    #[arg(long, env = "MOCK_TENANT_DRAIN_TIMEOUT", default_value_t = 5)]
    drain_timeout: u64,
}

/// What to do instead of serving.
#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print a token, offline, signed with the TEST-ONLY fixture keys: it verifies against any
    /// tenant with the same issuer and fixtures.
    Mint(MintArgs),
    /// List the defect names with what each one breaks (token defects, then DPoP proof
    /// defects).
    Defects {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a DPoP proof signed by the TEST-ONLY fixture DPoP key, offline.
    DpopProof(ProofArgs),
    /// Put or remove a running tenant's Action (`PUT`/`DELETE /_mock/actions/{trigger}`).
    Action(ActionArgs),
    /// Change a running tenant's user or client with a JSON merge patch (`PATCH
    /// /_mock/users/{id}`, `/_mock/clients/{id}`); prints the result.
    Patch(PatchArgs),
}

/// Options of `mock-tenant patch`.
#[derive(Debug, clap::Args)]
struct PatchArgs {
    #[command(subcommand)]
    what: PatchWhat,
    #[command(flatten)]
    remote: Remote,
}

/// What `mock-tenant patch` changes.
#[derive(Debug, clap::Subcommand)]
enum PatchWhat {
    /// A user, by id or email: `mock-tenant patch user alice@example.com '{"app_metadata":{"plan":"gold"}}'`.
    User {
        /// The user's id or email.
        id: String,
        /// The merge patch, JSON (`null` removes a field).
        patch: String,
    },
    /// A client, by id: `mock-tenant patch client m2m '{"client_metadata":{"tier":"gold"}}'`.
    Client {
        /// The client id.
        id: String,
        /// The merge patch, JSON (`null` removes a field).
        patch: String,
    },
}

/// Options of `mock-tenant action`.
#[derive(Debug, clap::Args)]
struct ActionArgs {
    #[command(subcommand)]
    change: ActionChange,
    #[command(flatten)]
    remote: Remote,
}

/// The running tenant a control command talks to.
#[derive(Debug, clap::Args)]
struct Remote {
    /// The running tenant (its issuer).
    #[arg(
        long,
        env = "AUTH0_ISSUER",
        default_value = "https://localhost:8443/",
        global = true
    )]
    url: String,
    /// The tenant's CA certificate (the file it wrote, --ca-out).
    #[arg(long, env = "MOCK_TENANT_CA_OUT", global = true)]
    ca: Option<PathBuf>,
    /// The tenant's control token, if it was started with one.
    #[arg(
        long,
        env = "MOCK_TENANT_CONTROL_TOKEN",
        hide_env_values = true,
        global = true
    )]
    control_token: Option<String>,
}

/// What `mock-tenant action` does.
#[derive(Debug, clap::Subcommand)]
enum ActionChange {
    /// Make FILE's JavaScript the only Action of TRIGGER (`-` reads standard input).
    Put {
        /// post-login, credentials-exchange or custom-token-exchange.
        trigger: mock_tenant::Trigger,
        /// The Action's source, `exports.onExecute...= async (event, api) => {...}`.
        file: PathBuf,
    },
    /// Remove the Actions of TRIGGER.
    Delete {
        /// post-login, credentials-exchange or custom-token-exchange.
        trigger: mock_tenant::Trigger,
    },
}

/// Options of `mock-tenant dpop-proof`.
#[derive(Debug, clap::Args)]
struct ProofArgs {
    /// The request's method.
    #[arg(long, default_value = "GET")]
    htm: String,
    /// The request's URL.
    #[arg(long)]
    htu: String,
    /// The access token the request carries (its hash becomes `ath`).
    #[arg(long)]
    access_token: Option<String>,
    /// The server's nonce.
    #[arg(long)]
    nonce: Option<String>,
    /// A DPoP defect name (see `mock-tenant defects`).
    #[arg(long)]
    defect: Option<String>,
}

/// Options of `mock-tenant mint`.
#[derive(Debug, clap::Args)]
struct MintArgs {
    /// A defect name (see `mock-tenant defects`), applied after the other options.
    #[arg(long)]
    defect: Option<String>,
    /// The `scope` claim.
    #[arg(long)]
    scope: Option<String>,
    /// A claim as NAME=VALUE; VALUE is read as JSON when it parses (`null` removes the claim).
    #[arg(long, value_name = "NAME=VALUE")]
    claim: Vec<String>,
    /// A header field as NAME=VALUE, read like --claim.
    #[arg(long, value_name = "NAME=VALUE")]
    header: Vec<String>,
    /// The issuer of the tenant the token is for.
    #[arg(long, default_value = "https://localhost:8443/")]
    issuer: String,
    /// Bind the token to the fixture DPoP key (`cnf.jkt`), as `mock-tenant dpop-proof` signs.
    #[arg(long)]
    dpop_bound: bool,
    /// Base URL that `jku`/`x5u` defects point at.
    #[arg(long)]
    attacker: Option<String>,
}

/// A control client for `remote`, and a runtime to drive it.
fn connect(
    remote: &Remote,
) -> Result<(mock_tenant::ControlClient, tokio::runtime::Runtime), String> {
    let ca = match &remote.ca {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read --ca {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut control =
        mock_tenant::ControlClient::new(&remote.url, ca.as_deref()).map_err(|e| e.to_string())?;
    if let Some(token) = &remote.control_token {
        control = control.with_control_token(token.clone());
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok((control, runtime))
}

/// `mock-tenant patch user|client`: the patched row, as JSON.
fn patch(args: &PatchArgs) -> Result<String, String> {
    let (control, runtime) = connect(&args.remote)?;
    let (id, text) = match &args.what {
        PatchWhat::User { id, patch } | PatchWhat::Client { id, patch } => (id, patch),
    };
    let patch: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the patch is not JSON: {e}"))?;
    let row = match &args.what {
        PatchWhat::User { .. } => runtime
            .block_on(control.patch_user(id, &patch))
            .and_then(|u| {
                serde_json::to_value(u).map_err(|e| mock_tenant::Error::Control(e.to_string()))
            }),
        PatchWhat::Client { .. } => {
            runtime
                .block_on(control.patch_client(id, &patch))
                .and_then(|c| {
                    serde_json::to_value(c).map_err(|e| mock_tenant::Error::Control(e.to_string()))
                })
        }
    }
    .map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&row).map_err(|e| e.to_string())
}

/// `mock-tenant action put|delete`: one control call to the running tenant.
fn change_action(args: &ActionArgs) -> Result<(), String> {
    let (control, runtime) = connect(&args.remote)?;
    match &args.change {
        ActionChange::Put { trigger, file } => {
            let code = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())
                    .map_err(|e| format!("cannot read the Action from standard input: {e}"))?
            } else {
                std::fs::read_to_string(file)
                    .map_err(|e| format!("cannot read {}: {e}", file.display()))?
            };
            runtime.block_on(control.set_action(*trigger, &code))
        }
        ActionChange::Delete { trigger } => runtime.block_on(control.delete_actions(*trigger)),
    }
    .map_err(|e| e.to_string())
}

/// Parses the arguments and runs; exit code 0 on a clean stop, 2 on a usage or start-up error.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Defects { json }) => return list_defects(*json),
        Some(Command::DpopProof(args)) => {
            return match dpop_proof(args) {
                Ok(proof) => {
                    println!("{proof}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            };
        }
        Some(Command::Mint(args)) => {
            return match mint(args) {
                Ok(token) => {
                    println!("{token}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            };
        }
        Some(Command::Patch(args)) => {
            return match patch(args) {
                Ok(row) => {
                    println!("{row}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            };
        }
        Some(Command::Action(args)) => {
            return match change_action(args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            };
        }
        None => {}
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(serve(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn list_defects(json: bool) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) ends the listing quietly.
    let _ = if json {
        writeln!(out, "{:#}", mock_tenant::defects_json())
    } else {
        let width = mock_tenant::forge::defects()
            .iter()
            .map(|d| d.name.len())
            .max()
            .unwrap_or(0);
        mock_tenant::forge::defects()
            .iter()
            .map(|d| (d.name, format!("{:?}", d.answer), d.about))
            .chain(
                mock_tenant::forge::dpop_defects()
                    .iter()
                    .map(|d| (d.name, format!("{:?}", d.answer), d.about)),
            )
            .try_for_each(|(name, verdict, about)| {
                writeln!(out, "{name:width$}  {verdict:<17}  {about}")
            })
    };
    ExitCode::SUCCESS
}

fn dpop_proof(args: &ProofArgs) -> Result<String, String> {
    let mut proof = mock_tenant::forge::DpopProof::new(
        &mock_tenant::forge::DpopKey::fixture(),
        &args.htm,
        &args.htu,
    );
    if let Some(token) = &args.access_token {
        proof = proof.ath(token);
    }
    if let Some(nonce) = &args.nonce {
        proof = proof.nonce(nonce);
    }
    if let Some(name) = &args.defect {
        mock_tenant::forge::find_dpop_defect(name)
            .ok_or_else(|| format!("no DPoP defect {name:?} (see `mock-tenant defects`)"))?;
        proof = proof.defect(name);
    }
    Ok(proof.sign())
}

fn mint(args: &MintArgs) -> Result<String, String> {
    let parse = |pairs: &[String]| -> Result<serde_json::Map<String, serde_json::Value>, String> {
        pairs
            .iter()
            .map(|pair| {
                let (name, value) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("{pair:?} is not NAME=VALUE"))?;
                let value = serde_json::from_str(value)
                    .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
                Ok((name.to_owned(), value))
            })
            .collect()
    };
    let mut builder = mock_tenant::forge::TokenBuilder::offline(&args.issuer);
    if let Some(url) = &args.attacker {
        builder = builder.attacker(url);
    }
    if let Some(scope) = &args.scope {
        builder = builder.scope(scope);
    }
    builder = builder.overrides(&parse(&args.claim)?, &parse(&args.header)?);
    if let Some(name) = &args.defect {
        builder = builder.try_defect(name)?;
    }
    if args.dpop_bound {
        builder = builder.dpop_bound(&mock_tenant::forge::DpopKey::fixture());
    }
    Ok(builder.sign())
}

fn fail(message: &str) -> ExitCode {
    eprintln!("mock-tenant: {message}");
    ExitCode::from(2)
}

async fn serve(cli: Cli) -> Result<(), String> {
    let mut builder = MockTenant::builder().port(cli.port).bind(cli.bind);
    match &cli.control_token {
        Some(token) if token.is_empty() => return Err("--control-token is empty".into()),
        Some(token) => builder = builder.control_token(token),
        None if !cli.bind.is_loopback() && !cli.insecure_control => {
            return Err(format!(
                "--bind {} reaches beyond this machine, and the control API (/_mock/) mints tokens \
                 and replaces keys for whoever calls it: give --control-token (or \
                 MOCK_TENANT_CONTROL_TOKEN), and send it as X-Mock-Control-Token (ControlClient \
                 and conformance --tenant-control-token do); or --insecure-control to serve it \
                 to anyone",
                cli.bind
            ));
        }
        None => {}
    }
    if cli.http {
        builder = builder.http();
    }
    if let Some(issuer) = cli.issuer {
        if !issuer.ends_with('/') {
            eprintln!(
                "mock-tenant: note: issuer {issuer:?} has no trailing slash; Auth0's always does"
            );
        }
        builder = builder.issuer(issuer);
    }
    let mut tenant = match &cli.tenant {
        Some(path) => TenantConfig::from_file(path)?,
        None => TenantConfig::quickstart(),
    };
    if let Some(who) = cli.auto_login {
        tenant.auto_login = Some(who);
        tenant.check()?;
    }
    builder = builder.tenant(tenant);
    if let Some(url) = cli.redis {
        builder = builder.redis(url);
    }
    if cli.random_keys {
        builder = builder.random_keys();
    }
    let defaults = mock_tenant::Limits::default();
    builder = builder.limits(mock_tenant::Limits {
        header_read_timeout: Duration::from_secs(cli.header_read_timeout),
        idle_timeout: Duration::from_secs(cli.idle_timeout),
        max_connections: cli.max_connections.map_or(defaults.max_connections, |n| {
            usize::try_from(n).unwrap_or(usize::MAX)
        }),
        drain: Duration::from_secs(cli.drain_timeout),
    });
    let ca = match (&cli.ca_cert, &cli.ca_key) {
        (Some(cert), Some(key)) => CertificateAuthority::from_pem(&read(cert)?, &read(key)?)?,
        _ => CertificateAuthority::generate(),
    };
    if let Some(path) = &cli.ca_key_out {
        write(path, ca.key_pem())?;
    }
    builder = builder.ca(ca);
    if let Some(path) = cli.ca_out {
        builder = builder.ca_out(path);
    }
    let tenant = builder.try_start().await?;
    print!("{}", banner(tenant.issuer(), &tenant.env()));
    if let Some(path) = &cli.env_out {
        write(path, &env_file(&tenant.env()))?;
    }
    shutdown_signal().await;
    tenant.shutdown().await;
    Ok(())
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    Ok(mock_tenant::write_atomic(path, text)?)
}

/// Ctrl-C or SIGTERM (what CI runners and `kill` send).
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// The banner printed at start: a warning, then `export` lines ready to paste.
fn banner(issuer: &str, vars: &[(String, String)]) -> String {
    let mut out = format!(
        "# mock-tenant: a TEST-ONLY Auth0 tenant. It mints valid tokens for anyone who asks.\n\
         # issuer: {issuer}\n",
    );
    for (name, value) in vars {
        out.push_str(&format!("export {name}={}\n", shell_quote(value)));
    }
    out
}

/// `KEY=VALUE` lines, for `--env-out` (GitHub's `$GITHUB_ENV`, `docker --env-file`, `set -a; .`).
fn env_file(vars: &[(String, String)]) -> String {
    vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

fn shell_quote(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
    {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}
