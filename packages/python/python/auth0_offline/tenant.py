"""A running `mock-tenant` process and its control API (`/_mock/`), over HTTPS with the tenant's
own CA. TEST-ONLY: the tenant mints valid tokens for anyone who asks."""

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._binaries import binary

#: How long `start` waits for the tenant to write its environment file.
START_TIMEOUT_SECS = 30.0
#: How long one control request may take.
REQUEST_TIMEOUT_SECS = 30.0


class TenantError(RuntimeError):
    """The tenant did not start, or a control request failed (the message has its answer)."""


class Tenant:
    """A mock Auth0 tenant on https://localhost:PORT, started by `Tenant.start()` and stopped by
    `stop()` (or a `with` block).

    Attributes: `domain` (`localhost:PORT`, what AUTH0_DOMAIN wants), `issuer`
    (`https://localhost:PORT/`), `url` (the issuer without its slash), `audience`, `ca_file`
    (the CA certificate your API must trust), `env` (every variable the tenant prints: hand it
    to the app under test), `client_id` and `client_secret` (an M2M client with every scope).
    """

    def __init__(self, process: subprocess.Popen, workdir: str, env: Dict[str, str], log: str):
        self._process = process
        self._workdir = workdir
        self._log = log
        self.env: Dict[str, str] = env
        self.domain: str = env["AUTH0_DOMAIN"]
        self.issuer: str = env["AUTH0_ISSUER"]
        self.url: str = self.issuer.rstrip("/")
        self.audience: str = env["AUTH0_AUDIENCE"]
        self.ca_file: str = env["SSL_CERT_FILE"]
        self.client_id: str = env.get("AUTH0_CLIENT_ID", "")
        self.client_secret: str = env.get("AUTH0_CLIENT_SECRET", "")
        self._ssl = ssl.create_default_context(cafile=self.ca_file)

    @classmethod
    def start(
        cls,
        tenant_file: Optional[str] = None,
        args: Sequence[str] = (),
        timeout: float = START_TIMEOUT_SECS,
    ) -> "Tenant":
        """Starts `mock-tenant` on a free loopback port and waits (at most `timeout` seconds) until
        it has written its environment. `tenant_file` is a tenant file (docs/tenant-file.md);
        `args` are more `mock-tenant` options (`--random-keys`, `--issuer URL`, ...)."""
        workdir = tempfile.mkdtemp(prefix="auth0-offline-")
        env_out = os.path.join(workdir, "tenant.env")
        log = os.path.join(workdir, "tenant.log")
        command = [
            binary("mock-tenant"),
            "--port",
            "0",
            "--env-out",
            env_out,
            "--ca-out",
            os.path.join(workdir, "ca.pem"),
        ]
        if tenant_file:
            command += ["--tenant", str(tenant_file)]
        command += list(args)
        # The tenant's own settings come from these options only, not from a MOCK_TENANT_*
        # variable the test process happens to carry.
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_TENANT_")}
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=child_env
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(env_out):
                env = _read_env(env_out)
                return cls(process, workdir, env, log)
            if process.poll() is not None:
                break
            time.sleep(0.05)
        _stop(process)
        text = _tail(log)
        shutil.rmtree(workdir, ignore_errors=True)
        raise TenantError(
            f"mock-tenant did not start within {timeout:.0f} s ({' '.join(command)}):\n{text}"
        )

    def __enter__(self) -> "Tenant":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        """Stops the tenant (SIGTERM, then SIGKILL after 5 s) and removes its files."""
        _stop(self._process)
        shutil.rmtree(self._workdir, ignore_errors=True)

    @property
    def log(self) -> str:
        """What the tenant printed so far."""
        return _tail(self._log, limit=1 << 20)

    # -- tokens ---------------------------------------------------------------------------

    def token(
        self,
        defect: Optional[str] = None,
        *,
        claims: Optional[Mapping[str, Any]] = None,
        header: Optional[Mapping[str, Any]] = None,
        scope: Optional[str] = None,
    ) -> str:
        """A signed access token for the tenant's API: the valid one, or one with a defect
        (`mock-tenant defects` lists them: `exp-past`, `aud-wrong`, `alg-none`, ...).
        `claims` and `header` replace fields before the defect applies (`None` removes one);
        `scope` replaces the whole `scope` claim."""
        body: Dict[str, Any] = {}
        if defect:
            body["defect"] = defect
        merged = dict(claims or {})
        if scope is not None:
            merged["scope"] = scope
        if merged:
            body["claims"] = merged
        if header:
            body["header"] = dict(header)
        return self._call("POST", "/_mock/token", body)["token"]

    def client_credentials(self, scope: Optional[str] = None) -> Dict[str, Any]:
        """`/oauth/token` with the M2M client, as a real client would ask: Auth0's JSON answer."""
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "audience": self.audience,
        }
        if scope:
            form["scope"] = scope
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(
            f"{self.url}/oauth/token",
            data=data,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        return self._open(request)

    # -- state ----------------------------------------------------------------------------

    def rotate_keys(self) -> Dict[str, Any]:
        """The next key becomes current; the old one stays published as previous. Returns
        `{"current", "next", "previous", "published"}`."""
        return self._call("POST", "/_mock/keys/rotate")

    def jwks_fault(self, kind: Optional[str] = None, **fields: Any) -> None:
        """Breaks the JWKS on purpose: `jwks_fault("status", status=503)`, `jwks_fault("drop")`,
        `jwks_fault("delay", ms=5000)`, `jwks_fault("junk", body="html")` (docs/control-api.md);
        `jwks_fault(None)` serves it normally again."""
        if kind is None:
            self._call("DELETE", "/_mock/jwks/fault")
        else:
            self._call("POST", "/_mock/jwks/fault", {"kind": kind, **fields})

    def clock(self, offset_secs: int) -> None:
        """Moves the `iat`/`exp` of tokens minted from now on by `offset_secs` (0: real time)."""
        self._call("POST", "/_mock/clock", {"offset_secs": int(offset_secs)})

    def stats(self) -> Dict[str, int]:
        """Requests per path since the start or the last reset (`/.well-known/jwks.json`: N)."""
        return self._call("GET", "/_mock/stats")["requests"]

    def jwks_fetches(self) -> int:
        """How often the JWKS was fetched."""
        return self.stats().get("/.well-known/jwks.json", 0)

    def reset(self) -> None:
        """Back to the start: keys, faults, clock, counters, configuration."""
        self._call("POST", "/_mock/reset")

    def state(self) -> Dict[str, Any]:
        """Everything the control API can change, as one document: `config`, `keys`, `fault`,
        `clock_offset`, `discovery`, `dpop_nonce`."""
        return self._call("GET", "/_mock/state")

    def defects(self) -> List[Dict[str, Any]]:
        """Every defect `token(defect=...)` takes, with what it breaks and who could forge it."""
        return self._call("GET", "/_mock/defects")

    # -- plumbing -------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json"} if data is not None else {}
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> Any:
        try:
            with urllib.request.urlopen(
                request, context=self._ssl, timeout=REQUEST_TIMEOUT_SECS
            ) as answer:
                text = answer.read().decode()
        except urllib.error.HTTPError as e:
            raise TenantError(
                f"{request.get_method()} {request.full_url}: {e.code} {e.read().decode(errors='replace')}"
            ) from None
        return json.loads(text) if text.strip() else None


def _read_env(path: str) -> Dict[str, str]:
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, sep, value = line.rstrip("\n").partition("=")
            if sep:
                env[name] = value
    return env


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _tail(path: str, limit: int = 4000) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return ""
    return data[-limit:].decode(errors="replace")

