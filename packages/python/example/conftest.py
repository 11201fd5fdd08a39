"""Starts the example app in this process, against the plugin's `auth0_tenant`."""

import threading

import pytest
from werkzeug.serving import make_server

from app import create_app


@pytest.fixture
def start_api(auth0_tenant):
    """`start_api(planted_flaw=None)` -> the URL of a fresh instance (cold key cache), stopped
    when the test ends."""
    servers = []

    def start(planted_flaw=None):
        app = create_app(
            auth0_tenant.issuer, auth0_tenant.audience, auth0_tenant.ca_file, planted_flaw
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
