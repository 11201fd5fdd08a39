//! `--exec "CMD"`: starts the API under test as a child process with the tenant's environment,
//! waits until it answers, and stops it when dropped, even when the run fails.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running API process.
#[derive(Debug)]
pub struct Exec {
    child: Child,
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
    ) -> Result<Self, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("exec {command}"))
            .env("PORT", port.to_string());
        for (k, v) in env {
            cmd.env(k, v);
        }
        // The API's own logging would interleave with the report.
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
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
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + wait;
        loop {
            if let Ok(Some(status)) = exec.child.try_wait() {
                return Err(format!("{command:?} exited with {status} before answering"));
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
                return Err(format!(
                    "{command:?} did not answer on {} within {} s",
                    exec.url,
                    wait.as_secs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn stop(&mut self) {
        #[cfg(unix)]
        {
            // The whole process group: `sh -c` may have children (a venv's python, flask's reloader).
            // `--` first: without it, procps `kill` may read the negative group id as an option.
            let _ = Command::new("kill")
                .args(["-TERM", "--"])
                .arg(format!("-{}", self.child.id()))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Exec {
    fn drop(&mut self) {
        self.stop();
    }
}
