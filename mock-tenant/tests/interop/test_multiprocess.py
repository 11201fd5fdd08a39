"""One tenant, several processes: two `mock-tenant` processes share Redis and sit behind nginx
(TCP round robin, TLS passed through), so consecutive requests land on different processes.
The code from /authorize on one is redeemed on the other, its replay is refused by the first,
a rotated refresh token reused on another process is refused, a key rotation made through
the balancer is seen by both, and Redis restarted under them costs 503s while it is away and
nothing that had been written. Redis asks for a password (user:password@ in the URL). Redis and
nginx come from Debian's packages (scripts/test installs them); every server here is started on
loopback and stopped by the test.
"""

import base64
import hashlib
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import BIN

NGINX_STREAM = "/usr/lib/nginx/modules/ngx_stream_module.so"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CALLBACK = "http://localhost:5000/callback"
WEB = ("quickstart-web", "test-only-secret-web")
REDIS_PASSWORD = "test-only-redis-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within 20 s")


def wait_file(path: pathlib.Path, end: str, proc: subprocess.Popen, what: str):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        if path.exists() and end in path.read_text():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not write {path} within 20 s")


@pytest.fixture(scope="module")
def cluster():
    for tool in ("redis-server", "nginx"):
        assert shutil.which(tool), f"{tool} is missing: scripts/test installs it from Debian"
    assert pathlib.Path(NGINX_STREAM).exists(), "libnginx-mod-stream is missing"
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        redis_port, lb_port = free_port(), free_port()
        ports = [free_port(), free_port()]
        try:
            # Redis persists every write (AOF, fsync always), as a deployment that must not lose
            # spent codes across a restart would; the fault test restarts it.
            redis_cmd = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                         "--dir", str(tmp), "--requirepass", REDIS_PASSWORD]

            def start_redis():
                redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
                procs.append(redis)
                wait_port(redis_port, redis, "redis-server")
                return redis

            redis = start_redis()
            common = ["--issuer", f"https://localhost:{lb_port}/",
                      "--redis", f"redis://default:{REDIS_PASSWORD}@127.0.0.1:{redis_port}/0"]
            first = subprocess.Popen(
                [BIN, "--port", str(ports[0]), *common, "--ca-out", str(tmp / "ca.pem"),
                 "--ca-key-out", str(tmp / "ca-key.pem")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(first)
            wait_port(ports[0], first, "mock-tenant 1")
            # The port accepts connections once bound, a moment before --ca-out is written.
            wait_file(tmp / "ca.pem", "-----END CERTIFICATE-----", first, "mock-tenant 1")
            second = subprocess.Popen(
                [BIN, "--port", str(ports[1]), *common, "--ca-cert", str(tmp / "ca.pem"),
                 "--ca-key", str(tmp / "ca-key.pem"), "--ca-out", str(tmp / "ca-2.pem")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(second)
            wait_port(ports[1], second, "mock-tenant 2")
            conf = tmp / "nginx.conf"
            conf.write_text(f"""
load_module {NGINX_STREAM};
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
stream {{
  upstream tenants {{ server 127.0.0.1:{ports[0]}; server 127.0.0.1:{ports[1]}; }}
  server {{ listen 127.0.0.1:{lb_port}; proxy_pass tenants; }}
}}
""")
            nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(nginx)
            wait_port(lb_port, nginx, "nginx")
            def stop_redis():
                redis = procs.pop(procs.index(next(p for p in procs if p.args == redis_cmd)))
                redis.terminate()
                redis.wait(timeout=10)

            yield {"ca": str(tmp / "ca.pem"), "lb": lb_port, "ports": ports,
                   "stop_redis": stop_redis, "start_redis": start_redis, "redis": redis_port}
        finally:
            for proc in reversed(procs):
                if proc.poll() is None:
                    proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def request(cluster, method, url, **kwargs):
    """One request on a fresh connection, so nginx picks the next process."""
    with requests.Session() as s:
        s.trust_env = False
        s.verify = cluster["ca"]
        return s.request(method, url, allow_redirects=False, timeout=10,
                         headers={"Connection": "close"}, **kwargs)


def counts(cluster, path):
    """Requests to `path` seen by each process, asked of each directly."""
    return [request(cluster, "GET", f"https://localhost:{p}/_mock/stats").json()["requests"]
            .get(path, 0) for p in cluster["ports"]]


def served(cluster, path, before):
    """The index of the one process whose count of `path` grew since `before`."""
    after = counts(cluster, path)
    grew = [i for i, (a, b) in enumerate(zip(after, before)) if a > b]
    assert len(grew) == 1, (before, after)
    return grew[0]


def code(cluster, scope="openid profile"):
    challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=")
    res = request(cluster, "GET", f"https://localhost:{cluster['lb']}/authorize", params={
        "response_type": "code", "client_id": WEB[0], "redirect_uri": CALLBACK, "scope": scope,
        "state": "s", "code_challenge": challenge.decode(), "code_challenge_method": "S256",
        "login_hint": "alice@example.com"})
    assert res.status_code == 302, res.text
    return res.headers["location"].split("code=")[1].split("&")[0]


def token(cluster, **form):
    return request(cluster, "POST", f"https://localhost:{cluster['lb']}/oauth/token",
                   auth=WEB, data=form)


def test_a_code_is_redeemed_on_another_process_and_its_replay_refused_on_a_third_hop(cluster):
    before = counts(cluster, "/authorize")
    c = code(cluster)
    authorized_on = served(cluster, "/authorize", before)

    before = counts(cluster, "/oauth/token")
    res = token(cluster, grant_type="authorization_code", code=c, redirect_uri=CALLBACK,
                code_verifier=VERIFIER)
    assert res.status_code == 200, res.text
    redeemed_on = served(cluster, "/oauth/token", before)
    assert redeemed_on != authorized_on

    before = counts(cluster, "/oauth/token")
    res = token(cluster, grant_type="authorization_code", code=c, redirect_uri=CALLBACK,
                code_verifier=VERIFIER)
    replayed_on = served(cluster, "/oauth/token", before)
    assert replayed_on != redeemed_on, "the replay must land on the process that did not redeem"
    assert res.status_code == 403
    assert res.json() == {"error": "invalid_grant", "error_description": "Invalid authorization code"}


def test_reuse_of_a_rotated_refresh_token_is_refused_by_the_other_process(cluster):
    c = code(cluster, "openid offline_access")
    res = token(cluster, grant_type="authorization_code", code=c, redirect_uri=CALLBACK,
                code_verifier=VERIFIER)
    rt = res.json()["refresh_token"]
    before = counts(cluster, "/oauth/token")
    first = token(cluster, grant_type="refresh_token", refresh_token=rt)
    assert first.status_code == 200, first.text
    used_on = served(cluster, "/oauth/token", before)
    before = counts(cluster, "/oauth/token")
    again = token(cluster, grant_type="refresh_token", refresh_token=rt)
    assert served(cluster, "/oauth/token", before) != used_on
    assert again.status_code == 403
    assert again.json()["error_description"] == "Unknown or invalid refresh token."


def test_a_key_rotation_through_the_balancer_reaches_both_processes(cluster):
    res = request(cluster, "POST", f"https://localhost:{cluster['lb']}/_mock/keys/rotate")
    assert res.status_code == 200, res.text
    current = res.json()["current"]
    jwks = []
    for port in cluster["ports"]:
        keys = request(cluster, "GET", f"https://localhost:{port}/_mock/keys").json()
        assert keys["current"] == current
        jwks.append(request(cluster, "GET", f"https://localhost:{port}/.well-known/jwks.json").json())
    assert jwks[0] == jwks[1]
    # Tokens minted by either process now carry the new kid (the ID token: without an audience
    # the access token is the tenant's JWE), and each process reads the other's JWE.
    for _ in cluster["ports"]:
        c = code(cluster)
        res = token(cluster, grant_type="authorization_code", code=c, redirect_uri=CALLBACK,
                    code_verifier=VERIFIER)
        header = res.json()["id_token"].split(".")[0]
        header += "=" * (-len(header) % 4)
        assert current in base64.urlsafe_b64decode(header).decode()
        access = res.json()["access_token"]
        assert access.count(".") == 4, "Auth0's JWE for /userinfo"
        for port in cluster["ports"]:
            with requests.Session() as s:
                s.trust_env = False
                s.verify = cluster["ca"]
                info = s.get(f"https://localhost:{port}/userinfo", timeout=10,
                             headers={"Authorization": f"Bearer {access}", "Connection": "close"})
            assert info.status_code == 200, (port, info.text)


def direct(cluster, port, method, path, **kwargs):
    """One request to one process, not through the balancer."""
    with requests.Session() as s:
        s.trust_env = False
        s.verify = cluster["ca"]
        return s.request(method, f"https://localhost:{port}{path}", allow_redirects=False,
                         timeout=10, headers={"Connection": "close"}, **kwargs)


def redeem(cluster, port, c):
    return direct(cluster, port, "POST", "/oauth/token", auth=WEB, data={
        "grant_type": "authorization_code", "code": c, "redirect_uri": CALLBACK,
        "code_verifier": VERIFIER})


def test_redis_restarted_under_both_processes_costs_503s_and_loses_nothing_written(cluster):
    first, second = cluster["ports"]
    spent = code(cluster)
    assert redeem(cluster, first, spent).status_code == 200
    kept = code(cluster)  # issued, not redeemed: it must still work after the restart
    c = code(cluster, "openid offline_access")
    rt = redeem(cluster, second, c).json()["refresh_token"]
    rotated = direct(cluster, first, "POST", "/oauth/token", auth=WEB,
                     data={"grant_type": "refresh_token", "refresh_token": rt})
    assert rotated.status_code == 200, rotated.text

    cluster["stop_redis"]()
    try:
        # Redis is away: every process answers Auth0's shape of an outage, at once, and does not
        # spend the code it could not record.
        for port in (first, second):
            started = time.monotonic()
            res = redeem(cluster, port, kept)
            assert res.status_code == 503, res.text
            assert res.json()["error"] == "temporarily_unavailable"
            assert "error_description" in res.json()
            assert time.monotonic() - started < 8, "a request must not hang while Redis is away"
            res = direct(cluster, port, "GET", "/.well-known/openid-configuration")
            assert res.status_code == 503
            assert res.json()["error"] == "temporarily_unavailable"
    finally:
        cluster["start_redis"]()

    # Both processes reconnect by themselves: no restart, bounded wait.
    for port in (first, second):
        deadline = time.monotonic() + 15
        while True:
            res = direct(cluster, port, "GET", "/.well-known/openid-configuration")
            if res.status_code == 200:
                break
            assert res.status_code == 503, res.text
            assert time.monotonic() < deadline, f"process on {port} did not come back"
            time.sleep(0.2)

    # What was written before the restart is still there, on either process.
    replay = redeem(cluster, second, spent)
    assert replay.status_code == 403, replay.text
    assert replay.json()["error_description"] == "Invalid authorization code"
    reuse = direct(cluster, second, "POST", "/oauth/token", auth=WEB,
                   data={"grant_type": "refresh_token", "refresh_token": rt})
    assert reuse.status_code == 403, reuse.text
    assert reuse.json()["error_description"] == "Unknown or invalid refresh token."
    # The reuse revoked the family: the rotated token is refused too, on the other process.
    family = direct(cluster, first, "POST", "/oauth/token", auth=WEB, data={
        "grant_type": "refresh_token", "refresh_token": rotated.json()["refresh_token"]})
    assert family.status_code == 403, family.text
    # The code that met the outage was not spent by it.
    res = redeem(cluster, first, kept)
    assert res.status_code == 200, res.text
    assert redeem(cluster, second, kept).status_code == 403


def redis_command(port: int, *args: str) -> bytes:
    """One command to Redis in RESP, on its own connection after AUTH; the first line of the
    reply."""
    def resp(*words):
        out = f"*{len(words)}\r\n".encode()
        for word in words:
            out += f"${len(word.encode())}\r\n{word}\r\n".encode()
        return out
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(resp("AUTH", REDIS_PASSWORD) + resp(*args))
        replies = conn.makefile("rb")
        assert replies.readline() == b"+OK\r\n"
        return replies.readline()


def test_a_redemption_during_a_write_stall_is_answered_in_time_and_never_falsely_refused(cluster):
    # Redis holds every write for 4.5 s (reads go on): the redemption's SET NX outlives the
    # tenant's 3 s response timeout. The tenant gives up on it (503) rather than wait or send it
    # again; a resent SET NX that found the first applied would call a code nobody redeemed
    # "Invalid authorization code" (mock-tenant's store tests prove that case on a fake Redis).
    c = code(cluster)
    assert redis_command(cluster["redis"], "CLIENT", "PAUSE", "4500", "WRITE") == b"+OK\r\n"
    try:
        started = time.monotonic()
        res = redeem(cluster, cluster["ports"][0], c)
        assert time.monotonic() - started < 4.5, "the tenant waited out the whole stall"
        assert res.status_code == 503, res.text
        assert res.json()["error"] == "temporarily_unavailable"
    finally:
        redis_command(cluster["redis"], "CLIENT", "UNPAUSE")
    # Afterwards the tenant serves again at once.
    assert redeem(cluster, cluster["ports"][1], code(cluster)).status_code == 200
