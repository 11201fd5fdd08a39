//! The `conformance` command line as a CI job meets it: filters that match nothing, the case
//! list, an `--exec` API that dies, never answers or ignores `PORT`, progress lines in a log,
//! and the report formats' metadata.

use std::process::{Command, Output};

fn conformance(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_conformance"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run conformance")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Whether process `pid` still runs: it exists and is not a zombie (dead, waiting for its new
/// parent to reap it, which on some machines takes a while).
fn running(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state != "Z")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An "API" on a fixed port, whatever `PORT` says, answering 200 to every GET and 405 to POST:
/// enough for `public-open` and a not-applicable `alt-transport-form`.
fn fixed_port_api(port: u16) -> String {
    format!(
        "python3 -c \"import http.server as h\nclass H(h.BaseHTTPRequestHandler):\n def do_GET(s):\n  s.send_response(200); s.send_header('Content-Type','application/json'); s.end_headers(); s.wfile.write(b'{{}}')\n def do_POST(s):\n  s.send_response(405); s.send_header('Allow','GET'); s.send_header('Content-Length','0'); s.end_headers()\n def log_message(s,*a): print('request', *a, flush=True)\nprint('listening on {port}', flush=True)\nh.HTTPServer(('127.0.0.1',{port}),H).serve_forever()\""
    )
}

#[test]
fn an_only_filter_that_matches_nothing_exits_2_with_the_closest_ids() {
    let out = conformance(&["--only", "alg-nonee"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("matches no case"), "{err}");
    assert!(err.contains("alg-none"), "{err}");
    // The same through the environment, and among prefixes that do match.
    let out = conformance(&["--list"], &[("CONFORMANCE_ONLY", "alg-none,zzz")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("\"zzz\""), "{}", stderr(&out));
}

#[test]
fn list_prints_every_case_or_the_selected_ones() {
    let out = conformance(&["--list"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), conformance::cases().len() + 1);
    let out = conformance(&["--list", "--only", "rot-"], &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text.lines().filter_map(|l| l.split(' ').next()).collect();
    assert_eq!(
        ids,
        ["rot-add", "rot-lag", "rot-remove", "rot-revoke", "4"],
        "{text}"
    );
    assert!(
        text.contains("JWKS"),
        "categories as the catalogue spells them: {text}"
    );
    // A case names the advisories whose shape it sends.
    let out = conformance(&["--list", "--only", "crit-unknown"], &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[CVE-2026-32597 (PyJWT < 2.12), CVE-2025-59420 (Authlib < 1.6.4)]"),
        "{text}"
    );
}

#[test]
fn an_exec_api_that_dies_shows_its_command_and_last_lines() {
    let out = conformance(
        &[
            "--exec",
            "sh -c 'echo first-line; echo boom: cannot read AUTH0_DOMAIN >&2; exit 3'",
            "--wait",
            "10",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("exited with exit status: 3"), "{err}");
    assert!(
        err.contains("first-line") && err.contains("boom: cannot read"),
        "{err}"
    );
    assert!(
        err.contains("--exec-log"),
        "says how to keep the log: {err}"
    );
}

#[test]
fn an_exec_api_on_the_wrong_port_times_out_with_a_hint_and_keeps_its_log() {
    let log = std::env::temp_dir().join(format!("conformance-cli-{}.log", std::process::id()));
    let port = free_port();
    let out = conformance(
        &[
            "--exec",
            &fixed_port_api(port),
            "--wait",
            "2",
            "--exec-log",
            log.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("did not answer"), "{err}");
    assert!(err.contains("--exec-port"), "{err}");
    assert!(err.contains(&format!("listening on {port}")), "{err}");
    let kept = std::fs::read_to_string(&log).unwrap();
    assert!(kept.contains(&format!("listening on {port}")), "{kept}");
    std::fs::remove_file(&log).unwrap();
    // The API was stopped: its port is free again.
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the API was stopped");
}

#[test]
fn exec_port_reaches_an_api_that_ignores_port_and_reports_carry_their_metadata() {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("conformance-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("junit.xml");
    let port_text = port.to_string();
    let out = conformance(
        &[
            "--exec",
            &fixed_port_api(port),
            "--exec-port",
            &port_text,
            "--only",
            "public-open,alt-transport-form", // public-open-garbage too
            "--transports",
            "header-query-body",
            "--json",
            "--junit",
            junit.to_str().unwrap(),
        ],
        &[],
    );
    let err = stderr(&out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect(&err);
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["tool_version"], env!("CARGO_PKG_VERSION"));
    let started = report["started_at"].as_str().unwrap();
    assert!(started.len() == 20 && started.ends_with('Z'), "{started}");
    assert_eq!(report["outcomes"][0]["id"], "public-open");
    assert_eq!(report["outcomes"][0]["verdict"], "pass", "{report:#}");
    assert_eq!(report["outcomes"][0]["category"], "HDR");
    // Not a terminal: one plain line per finished case, no escape codes.
    assert!(err.contains("[  1/3] pass"), "{err}");
    assert!(err.contains("public-open"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
    // The form-body case has no POST route here (405): not applicable, so skipped in JUnit.
    assert_eq!(
        report["outcomes"][2]["verdict"], "not-applicable",
        "{report:#}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(&format!("timestamp=\"{}\"", &started[..19])),
        "{xml}"
    );
    assert!(xml.contains("classname=\"HDR\""), "{xml}");
    assert!(
        xml.contains("skipped=\"1\"") && xml.contains("<skipped "),
        "{xml}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn api_with_the_embedded_tenant_uses_the_ca_it_is_given() {
    use std::io::BufRead;
    let ca = mock_tenant::CertificateAuthority::generate();
    let dir = std::env::temp_dir().join(format!("conformance-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
    std::fs::write(&cert, ca.cert_pem()).unwrap();
    std::fs::write(&key, ca.key_pem()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args([
            "--api",
            "http://127.0.0.1:1",
            "--wait",
            "5",
            "--tenant-port",
            "0",
        ])
        .arg("--ca-cert")
        .arg(&cert)
        .arg("--ca-key")
        .arg(&key)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    // The tenant's CA file, read while the run waits for the (absent) API.
    let served = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("export SSL_CERT_FILE=").map(str::to_owned))
        .expect("the environment is printed");
    assert_eq!(std::fs::read_to_string(&served).unwrap(), ca.cert_pem());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert_eq!(child.wait().unwrap().code(), Some(2), "{rest:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An "API" on `PORT` that refuses every token (401 with a Bearer challenge) and records its
/// process id and `AUTH0_DOMAIN` in `starts`, one line per start.
fn recording_api(starts: &std::path::Path) -> String {
    format!(
        "sh -c 'echo $$ $AUTH0_DOMAIN >> {}; exec python3 -c \"import http.server as h, os\nclass H(h.BaseHTTPRequestHandler):\n def do_GET(s):\n  ok = s.path.startswith(\\\"/api/public\\\")\n  s.send_response(200 if ok else 401)\n  s.send_header(\\\"Content-Type\\\", \\\"application/json\\\")\n  s.send_header(\\\"WWW-Authenticate\\\", \\\"Bearer realm=\\\\\\\"api\\\\\\\"\\\")\n  s.end_headers(); s.wfile.write(b\\\"{{}}\\\")\n def log_message(s, *a): pass\nh.HTTPServer((\\\"127.0.0.1\\\", int(os.environ[\\\"PORT\\\"])), H).serve_forever()\"'",
        starts.display()
    )
}

/// `--exec` runs the command once for the run and once more per stateful scenario (six times
/// for `jwks-junk`, one per junk body), each against a tenant of its own, and stops every one;
/// `--no-isolation` runs it once.
#[test]
fn exec_starts_a_fresh_api_per_stateful_scenario_and_stops_them_all() {
    let dir = std::env::temp_dir().join(format!("conformance-iso-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |extra: &[&str], name: &str| -> Vec<(String, String)> {
        let starts = dir.join(name);
        let api = recording_api(&starts);
        let mut args = vec![
            "--exec",
            &api,
            "--only",
            "jwks-junk,jwks-poisoned,alg-none",
            "--jwks-cooldown",
            "1",
            "--jwks-ttl",
            "1",
        ];
        args.extend_from_slice(extra);
        let out = conformance(&args, &[]);
        // On one pair the valid token never passes after a stateful case here (this API refuses
        // every token): contaminated, exit 1. On fresh pairs nothing follows a scenario.
        let expected = if extra.is_empty() { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(expected), "{}", stderr(&out));
        std::fs::read_to_string(&starts)
            .unwrap()
            .lines()
            .map(|l| {
                let (pid, domain) = l.split_once(' ').unwrap();
                (pid.to_owned(), domain.to_owned())
            })
            .collect()
    };
    let isolated = run(&[], "isolated");
    assert_eq!(isolated.len(), 1 + 6 + 1, "{isolated:?}");
    let domains: std::collections::BTreeSet<&str> =
        isolated.iter().map(|(_, d)| d.as_str()).collect();
    assert_eq!(domains.len(), isolated.len(), "a tenant each: {isolated:?}");
    let shared = run(&["--no-isolation"], "shared");
    assert_eq!(shared.len(), 1, "{shared:?}");
    for (pid, _) in isolated.iter().chain(&shared) {
        assert!(!running(pid), "process {pid} still runs after the run");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// SIGTERM (a CI job's timeout) in the middle of a run: exit 143, and every API process the run
/// started, the fresh pairs' included, is gone.
#[test]
fn sigterm_mid_run_stops_every_api_it_started() {
    use std::time::{Duration, Instant};
    let dir = std::env::temp_dir().join(format!("conformance-term-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let starts = dir.join("starts");
    let api = recording_api(&starts);
    let mut run = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(["--exec", &api, "--only", "jwks-down-warm,rot-add,valid"])
        .args(["--jwks-cooldown", "30", "--jwks-ttl", "30"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let recorded = || -> Vec<String> {
        std::fs::read_to_string(&starts)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split(' ').next().map(str::to_owned))
            .collect()
    };
    // The run's own API and both scenarios' (which then wait out the 30 s cooldown).
    let deadline = Instant::now() + Duration::from_secs(30);
    while recorded().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let pids = recorded();
    assert_eq!(pids.len(), 3, "{pids:?}");
    std::thread::sleep(Duration::from_millis(500));
    Command::new("kill")
        .args(["-TERM", &run.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = run.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "conformance did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let alive: Vec<&String> = pids.iter().filter(|pid| running(pid)).collect();
    for pid in &alive {
        // Never leave a server behind, even when the assertion below fails.
        let _ = Command::new("kill").args(["-KILL", pid]).status();
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(status.code(), Some(143));
    assert!(alive.is_empty(), "still running after SIGTERM: {alive:?}");
}

/// `--expect`: an API that lets everyone in fails `hdr-absent`; the run exits 0 only when the
/// list says exactly that, 1 when a finding is new or gone (each named), 2 when the list names
/// no case (before anything runs).
#[test]
fn expect_judges_the_findings_against_the_list() {
    let dir = std::env::temp_dir().join(format!("expect-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("expected-failures.txt");
    // An API on the PORT it is given that answers 200 to every GET: everyone gets in.
    let open_api = "python3 -c \"import http.server as h, os\nclass H(h.BaseHTTPRequestHandler):\n def do_GET(s):\n  s.send_response(200); s.send_header('Content-Type','application/json'); s.end_headers(); s.wfile.write(b'{}')\n def log_message(s,*a): pass\nh.HTTPServer(('127.0.0.1',int(os.environ['PORT'])),H).serve_forever()\"";
    let run = |text: &str| {
        std::fs::write(&list, text).unwrap();
        conformance(
            &[
                "--exec",
                open_api,
                "--only",
                "hdr-absent,valid",
                "--expect",
                list.to_str().unwrap(),
            ],
            &[],
        )
    };
    let out = run("# the open API's one hole\nhdr-absent\nhdr-absent-scoped\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("failures as expected (2)"),
        "{}",
        stderr(&out)
    );

    let out = run("hdr-absent\n");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("new: hdr-absent-scoped"),
        "{}",
        stderr(&out)
    );

    let out = run("hdr-absent\nhdr-absent-scoped\nvalid\n");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("gone: valid"), "{}", stderr(&out));

    // Either way: listed or not, a `?` case does not count.
    let out = run("hdr-absent\n?hdr-absent-scoped\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = run("hdr-absnet\n");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("expected-failures.txt:1: \"hdr-absnet\" is no case id"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--exec` takes any command line (`cd DIR && ...`, which an `exec` prefix broke), and an API
/// that ignores SIGTERM is killed when the run ends, with the daemon it started in a session of
/// its own (`setsid`, out of the process group): nothing is left running.
#[test]
fn exec_takes_a_command_line_and_kills_an_api_that_ignores_sigterm() {
    let dir = std::env::temp_dir().join(format!("conformance-stubborn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pid_file = dir.join("api.pid");
    std::fs::write(
        dir.join("api.py"),
        "import http.server as h, os, signal, subprocess, sys\n\
         signal.signal(signal.SIGTERM, signal.SIG_IGN)\n\
         open('api.pid', 'w').write(str(os.getpid()))\n\
         subprocess.Popen([sys.executable, '-c', 'import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); open(\"daemon.pid\", \"w\").write(str(os.getpid())); time.sleep(600)'], start_new_session=True)\n\
         class H(h.BaseHTTPRequestHandler):\n \
         def do_GET(s):\n  \
         s.send_response(200); s.send_header('Content-Type', 'application/json'); s.end_headers(); s.wfile.write(b'{}')\n \
         def log_message(s, *a): pass\n\
         h.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()\n",
    )
    .unwrap();
    let command = format!("cd {} && python3 api.py", dir.display());
    let started = std::time::Instant::now();
    let out = conformance(
        &[
            "--exec",
            &command,
            "--only",
            "public-open",
            "--no-isolation",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pid = std::fs::read_to_string(&pid_file).expect("the API started from its directory");
    assert!(
        !running(pid.trim()),
        "the API that ignores SIGTERM (pid {pid}) outlived the run"
    );
    let daemon = std::fs::read_to_string(dir.join("daemon.pid")).expect("the daemon started");
    assert!(
        !running(daemon.trim()),
        "the daemon that left the process group (pid {daemon}) outlived the run"
    );
    // It got its grace period, not much more.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--openapi FILE` audits every operation of the document, and the catalogue runs on the
/// operations it picks (a public GET, a GET one scope opens); the JSON outcomes carry the
/// operation. A routes table that cannot be used is exit 2 naming its place.
#[test]
fn openapi_audits_every_operation_and_a_bad_routes_table_names_its_place() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../sample-api/openapi.json");
    let out = conformance(&["--openapi", spec, "--only", "valid", "--json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // With --json on stdout, the summary still reaches the log.
    assert!(
        stderr(&out).contains("conformance run: 51 passed, 0 failed"),
        "{}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outcomes = report["outcomes"].as_array().unwrap();
    let routes: Vec<&serde_json::Value> = outcomes
        .iter()
        .filter(|o| o["category"] == "ROUTE")
        .collect();
    // Public 2; private 6 forged + exactly; four one-scope operations 6 + 3 + 1 each.
    assert_eq!(routes.len(), 2 + 7 + 4 * 10, "{report:#}");
    let missing = routes
        .iter()
        .find(|o| o["id"] == "GET /api/private-scoped :: scope read:messages missing")
        .unwrap();
    assert_eq!(missing["operation"], "GET /api/private-scoped");
    assert_eq!(missing["verdict"], "pass");
    assert_eq!(missing["exchanges"][0]["status"], 403);
    // The routes alone.
    let out = conformance(&["--openapi", spec, "--no-catalogue", "--json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outcomes = report["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 49);
    assert!(outcomes.iter().all(|o| o["category"] == "ROUTE"));
    let out = conformance(&["--no-catalogue"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let dir = std::env::temp_dir().join(format!("conformance-routes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let table = dir.join("routes.json");
    std::fs::write(
        &table,
        r#"[{"method": "GET", "path": "/a", "scopes": "read"}]"#,
    )
    .unwrap();
    let out = conformance(&["--routes", table.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("routes.json at line 1"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An API that answers every other request and drops the rest (issue 31, item 8): the run
/// stops before its first case, says why with the evidence, and exits 2, instead of waiting
/// out every cooldown and blaming the cases.
#[test]
fn an_unsteady_api_stops_the_run_at_once_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("conformance-unsteady-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("flaky.py");
    std::fs::write(
        &script,
        "import os, socket\n\
         s = socket.socket()\n\
         s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
         s.bind(('127.0.0.1', int(os.environ['PORT'])))\n\
         s.listen(64)\n\
         n = 0\n\
         while True:\n\
         \x20   c, _ = s.accept()\n\
         \x20   n += 1\n\
         \x20   c.settimeout(5)\n\
         \x20   try:\n\
         \x20       c.recv(65536)\n\
         \x20   except OSError:\n\
         \x20       pass\n\
         \x20   if n % 2:\n\
         \x20       c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}')\n\
         \x20   c.close()\n",
    )
    .unwrap();
    let out = conformance(
        &["--exec", &format!("python3 {}", script.display()), "--json"],
        &[],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the API is unsteady"), "{err}");
    assert!(err.contains("got an answer and"), "{err}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["unsteady"].as_str().is_some(), "{json}");
    assert_eq!(json["outcomes"].as_array().map(Vec::len), Some(0), "{json}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An API that dies before answering on the port the suite chose (as when another process took
/// the port between the choice and the bind) is started again on a new port.
#[test]
fn an_exec_api_that_dies_at_its_first_start_gets_another_port() {
    let dir = std::env::temp_dir().join(format!("conformance-retry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("api.py"),
        "import http.server as h, os, sys\n\
         if not os.path.exists('tried'):\n\
         \x20   open('tried', 'w').write(os.environ['PORT'])\n\
         \x20   sys.exit('address already in use (the first start)')\n\
         class H(h.BaseHTTPRequestHandler):\n\
         \x20   def do_GET(s):\n\
         \x20       s.send_response(200); s.send_header('Content-Type', 'application/json'); s.end_headers(); s.wfile.write(b'{}')\n\
         \x20   def log_message(s, *a): pass\n\
         h.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()\n",
    )
    .unwrap();
    let command = format!("cd {} && python3 api.py", dir.display());
    let out = conformance(
        &[
            "--exec",
            &command,
            "--only",
            "public-open",
            "--no-isolation",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("tried").exists(), "the first start ran");
    std::fs::remove_dir_all(&dir).unwrap();
}
