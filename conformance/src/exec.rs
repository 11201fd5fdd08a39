//! `--exec "CMD"`: starts the API under test as a child process with the tenant's environment,
//! waits until it answers, and stops it when dropped, even when the run fails. Its output goes
//! to a log file (kept with `--exec-log`), whose last lines are shown when the API dies or never
//! answers.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many of the log's last lines a failure shows.
const TAIL_LINES: usize = 20;

/// Numbers the temporary logs of one process.
static LOGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How to start the API.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// Keep the API's output in this file (otherwise a temporary file, removed at the end).
    pub log: Option<PathBuf>,
    /// The port the API listens on whatever `PORT` says (Auth0's Express sample uses 3010);
    /// otherwise a free port, passed as `PORT`.
    pub port: Option<u16>,
}

/// A running API process.
#[derive(Debug)]
pub struct Exec {
    child: Child,
    /// `CONFORMANCE_EXEC_ID`'s value in the API's environment, inherited by every process it
    /// starts: what finds a daemon that left the process group (`setsid`).
    marker: String,
    command: String,
    log: PathBuf,
    /// Whether the log is a temporary file to remove.
    temporary_log: bool,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Exec {
    /// Runs `command` through `sh -c` with `env` and `PORT` set, and waits up to `wait` for
    /// `public_path` to answer.
    pub async fn start(
        command: &str,
        env: &[(String, String)],
        public_path: &str,
        wait: Duration,
        options: &ExecOptions,
    ) -> Result<Self, crate::Error> {
        // A port the suite chose can be taken between its choice and the API's bind (fresh
        // pairs start side by side, each tenant on a port of its own): an API that exits
        // before answering gets that many more tries on a new port.
        let tries = if options.port.is_none() { 3 } else { 1 };
        let mut attempt = 1;
        loop {
            match Self::try_start(command, env, public_path, wait, options).await {
                Ok(exec) => return Ok(exec),
                Err(Start::Died(_)) if attempt < tries => attempt += 1,
                Err(Start::Died(why) | Start::Failed(why)) => return Err(crate::Error::Exec(why)),
            }
        }
    }

    async fn try_start(
        command: &str,
        env: &[(String, String)],
        public_path: &str,
        wait: Duration,
        options: &ExecOptions,
    ) -> Result<Self, Start> {
        let port = match options.port {
            Some(port) => {
                // Else the wait below could take another server's answer for the API's.
                std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
                    format!("--exec-port {port}: the port is taken before the API starts ({e})")
                })?;
                port
            }
            None => std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free port: {e}"))?
                .port(),
        };
        let (log, temporary_log) = match &options.log {
            Some(path) => (path.clone(), false),
            None => (
                std::env::temp_dir().join(format!(
                    "conformance-exec-{}-{}.log",
                    std::process::id(),
                    LOGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                )),
                true,
            ),
        };
        let out = std::fs::File::create(&log)
            .map_err(|e| format!("cannot write the API's log {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot write the API's log {}: {e}", log.display()))?;
        // Any command line (`cd api && npm start`): the shell and all it starts share one process
        // group, which `stop` ends as a whole.
        let marker = exec_marker();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(command)
            .env("PORT", port.to_string())
            .env(MARKER_VAR, &marker);
        for (k, v) in env {
            cmd.env(k, v);
        }
        // The API's own logging would interleave with the report: it goes to the log file.
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {command:?}: {e}"))?;
        let mut exec = Self {
            child,
            marker,
            command: command.to_owned(),
            log,
            temporary_log,
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + wait;
        loop {
            if let Some(died) = exec.died() {
                return Err(Start::Died(format!(
                    "{died} before answering on {}",
                    exec.url
                )));
            }
            if client
                .get(format!("{}{public_path}", exec.url))
                .send()
                .await
                .is_ok()
            {
                return Ok(exec);
            }
            if Instant::now() >= deadline {
                exec.stop();
                let hint = if options.port.is_none() {
                    " (if it ignores PORT, name its port with --exec-port)"
                } else {
                    ""
                };
                return Err(Start::Failed(format!(
                    "{:?} did not answer on {} within {} s{hint}{}",
                    exec.command,
                    exec.url,
                    wait.as_secs(),
                    exec.tail()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// If the API has exited: the command, its status and the last lines of its output.
    pub fn died(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok().flatten()?;
        Some(format!(
            "{:?} exited with {status}{}",
            self.command,
            self.tail()
        ))
    }

    /// The last lines of the log, as a block to append to a message (empty when there are none).
    fn tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        if lines.is_empty() {
            return format!("; it printed nothing (log: {})", self.shown_log());
        }
        let start = lines.len().saturating_sub(TAIL_LINES);
        format!(
            "; its last {} line(s) (log: {}):\n{}",
            lines.len() - start,
            self.shown_log(),
            lines[start..].join("\n")
        )
    }

    fn shown_log(&self) -> String {
        if self.temporary_log {
            "not kept; keep it with --exec-log FILE".into()
        } else {
            self.log.display().to_string()
        }
    }

    /// The file the API's output goes to.
    pub fn log(&self) -> &Path {
        &self.log
    }

    fn stop(&mut self) {
        #[cfg(unix)]
        {
            // The whole process group: `sh -c` may have children (a venv's python, flask's
            // reloader, `npm start`'s node). SIGTERM first; whatever ignores it for
            // STOP_GRACE gets SIGKILL.
            // And every process that carries this API's marker: a daemon that left the group
            // with `setsid` still has it in its environment.
            let group = format!("-{}", self.child.id());
            signal_group("TERM", &group);
            signal_marked("TERM", &self.marker);
            if !ended_within_grace(&group, &self.marker, &mut self.child) {
                signal_group("KILL", &group);
                signal_marked("KILL", &self.marker);
                // Until the killed processes are gone, so none is seen after the run.
                ended_within_grace(&group, &self.marker, &mut self.child);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why an API did not start.
enum Start {
    /// It exited before answering (on a port the suite chose, perhaps taken meanwhile).
    Died(String),
    /// Anything else: it never answered, or it could not be started at all.
    Failed(String),
}

impl From<String> for Start {
    fn from(why: String) -> Self {
        Self::Failed(why)
    }
}

/// How long an API's processes get to stop after SIGTERM before they are killed.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// The variable every API process inherits, naming its run and instance.
const MARKER_VAR: &str = "CONFORMANCE_EXEC_ID";

/// A value no other API of this or another run carries.
fn exec_marker() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}-{n}-{nanos}", std::process::id())
}

/// The live processes whose environment carries `MARKER_VAR=marker` (Linux: `/proc/PID/environ`,
/// readable for our own processes; elsewhere none).
fn marked(marker: &str) -> Vec<u32> {
    let needle = format!("{MARKER_VAR}={marker}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == needle.as_bytes()))
        })
        .collect()
}

/// Sends `signal` to every process carrying `marker`.
#[cfg(unix)]
fn signal_marked(signal: &str, marker: &str) {
    let pids: Vec<String> = marked(marker).iter().map(u32::to_string).collect();
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg("--")
        .args(&pids)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Waits up to [`STOP_GRACE`] for the group's live processes, and the marked ones, to end;
/// whether they did.
#[cfg(unix)]
fn ended_within_grace(group: &str, marker: &str, child: &mut Child) -> bool {
    let deadline = Instant::now() + STOP_GRACE;
    while group_alive(group, child) || !marked(marker).is_empty() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// Sends `signal` to the process group `group` (`-PGID`).
#[cfg(unix)]
fn signal_group(signal: &str, group: &str) {
    // `--` first: without it, procps `kill` may read the negative group id as an option.
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", group])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Whether any live process of the group is left (the shell, once it exited, is reaped first).
/// On Linux a zombie, dead but not yet reaped by its new parent, does not count: waiting for
/// its reaper would block the run for nothing.
#[cfg(unix)]
fn group_alive(group: &str, child: &mut Child) -> bool {
    let _ = child.try_wait();
    #[cfg(target_os = "linux")]
    if let Ok(entries) = std::fs::read_dir("/proc") {
        let pgid = group.trim_start_matches('-');
        return entries.flatten().any(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // `pid (comm) state ppid pgrp ...`: comm may hold spaces and parentheses.
            let fields: Vec<&str> = stat
                .rsplit_once(')')
                .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
            matches!(fields.as_slice(), [state, _, pgrp, ..] if *pgrp == pgid && *state != "Z")
        });
    }
    Command::new("kill")
        .args(["-0", "--", group])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Drop for Exec {
    fn drop(&mut self) {
        self.stop();
        if self.temporary_log {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}
