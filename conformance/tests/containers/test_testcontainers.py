"""The README's Testcontainers recipe, run with testcontainers-python against podman's
Docker-compatible socket (DOCKER_HOST): the tenant image on a fixed host port with the issuer
that names it, a bounded wait for its CA, the environment handed to the app, and a token the
app verifies through the tenant's JWKS. scripts/container-test runs it after building the image
(TENANT_IMAGE)."""

import json
import os
import socket
import ssl
import time
import urllib.request

import docker
import jwt
from testcontainers.core.container import DockerContainer

IMAGE = os.environ.get("TENANT_IMAGE", "localhost/mock-tenant-ci")
CONTROL_TOKEN = "testcontainers-recipe"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_ca(url, timeout=30.0):
    """The tenant's CA, fetched once with certificate checks off (test use only), retried until
    the container serves it or the time is up."""
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_mock/ca.pem", context=insecure, timeout=2) as r:
                return r.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_tenant_image_under_testcontainers_serves_tokens_an_app_verifies(tmp_path):
    port = free_port()
    tenant = (
        DockerContainer(IMAGE)
        # The issuer must name the port the app reaches: bind a fixed one, then say it.
        .with_bind_ports(8443, port)
        .with_env("MOCK_TENANT_CONTROL_TOKEN", CONTROL_TOKEN)
        .with_command(f"--issuer https://localhost:{port}/")
        # These VMs refuse raising rlimits: ask for modest ones (elsewhere, leave this out).
        .with_kwargs(
            ulimits=[
                docker.types.Ulimit(name="nofile", soft=1024, hard=1024),
                docker.types.Ulimit(name="nproc", soft=1024, hard=1024),
            ]
        )
    )
    with tenant:
        url = f"https://localhost:{port}"
        ca = tmp_path / "tenant-ca.pem"
        ca.write_text(fetch_ca(url))
        # What the app under test gets.
        app_env = {
            "AUTH0_DOMAIN": f"localhost:{port}",
            "AUTH0_AUDIENCE": "https://quickstarts/api",
            "SSL_CERT_FILE": str(ca),
            "NODE_EXTRA_CA_CERTS": str(ca),
            "REQUESTS_CA_BUNDLE": str(ca),
        }
        trusted = ssl.create_default_context(cafile=app_env["SSL_CERT_FILE"])
        mint = urllib.request.Request(
            f"{url}/_mock/token",
            data=b"{}",
            method="POST",
            headers={"content-type": "application/json", "x-mock-control-token": CONTROL_TOKEN},
        )
        with urllib.request.urlopen(mint, context=trusted, timeout=10) as r:
            token = json.load(r)["token"]
        jwks = jwt.PyJWKClient(f"{url}/.well-known/jwks.json", ssl_context=trusted)
        claims = jwt.decode(
            token,
            jwks.get_signing_key_from_jwt(token).key,
            algorithms=["RS256"],
            audience=app_env["AUTH0_AUDIENCE"],
            issuer=f"https://{app_env['AUTH0_DOMAIN']}/",
        )
        assert claims["scope"]
        stdout, stderr = tenant.get_logs()
        assert b"VALID TOKENS FOR ANYONE" in stdout + stderr
