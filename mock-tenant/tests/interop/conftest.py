"""Starts the real `mock-tenant` binary on a free port for each test module, over HTTPS.

The machine may set SSL_CERT_FILE / REQUESTS_CA_BUNDLE globally; every test here trusts the
tenant's CA explicitly, never through inherited settings.
"""

import contextlib
import json
import os
import pathlib
import signal
import ssl
import subprocess
import tempfile
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[3]
BIN = os.environ.get("MOCK_TENANT_BIN", str(ROOT / "target" / "debug" / "mock-tenant"))


class Tenant:
    def __init__(self, env: dict):
        self.env = env
        self.domain = env["AUTH0_DOMAIN"]
        self.issuer = env["AUTH0_ISSUER"]
        self.audience = env["AUTH0_AUDIENCE"]
        self.ca = env["SSL_CERT_FILE"]
        self.url = f"https://{self.domain}"
        self.http = requests.Session()
        self.http.trust_env = False  # the environment would beat `verify`
        self.http.verify = self.ca

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca)

    def token(self, client="AUTH0_CLIENT", **extra) -> str:
        body = {
            "grant_type": "client_credentials",
            "client_id": self.env[f"{client}_ID"],
            "client_secret": self.env[f"{client}_SECRET"],
            "audience": self.audience,
            **extra,
        }
        res = self.http.post(f"{self.url}/oauth/token", data=body, timeout=10)
        assert res.status_code == 200, res.text
        return res.json()["access_token"]


@contextlib.contextmanager
def running_tenant(*args):
    """The mock-tenant binary on a free port with these extra options, stopped at the end."""
    with tempfile.TemporaryDirectory() as tmp:
        env_file = pathlib.Path(tmp) / "tenant.env"
        ca = pathlib.Path(tmp) / "ca.pem"
        proc = subprocess.Popen(
            [BIN, "--port", "0", "--env-out", str(env_file), "--ca-out", str(ca), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 20
            while not env_file.exists() or not env_file.read_text().endswith("\n"):
                if proc.poll() is not None:
                    raise RuntimeError(f"mock-tenant exited: {proc.stderr.read().decode()}")
                if time.monotonic() > deadline:
                    raise RuntimeError("mock-tenant did not start within 20 s")
                time.sleep(0.02)
            env = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
            yield Tenant(env)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def tenant_with(folder, change):
    """The binary on the default tenant file after `change(tenant_dict)`, written to `folder`."""
    tenant_file = json.loads((ROOT / "fixtures" / "tenant" / "default.json").read_text())
    change(tenant_file)
    path = pathlib.Path(folder) / "tenant.json"
    path.write_text(json.dumps(tenant_file))
    with running_tenant("--tenant", str(path)) as t:
        yield t


@pytest.fixture(scope="module")
def tenant():
    with running_tenant() as t:
        yield t
