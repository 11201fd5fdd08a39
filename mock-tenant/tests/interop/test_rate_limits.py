"""auth0-python, untouched, reads the tenant's rate limit as it reads Auth0's: the second
client_credentials call within a limit of one raises its RateLimitError, whose reset_at comes
from the x-ratelimit-reset header."""

import time

import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import RateLimitError

from conftest import tenant_with

CLIENT, SECRET = "quickstart-m2m-read", "test-only-secret-m2m-read"


def limit_one_token_an_hour(tenant):
    tenant["rate_limits"] = [
        {"endpoint": "/oauth/token", "client_id": CLIENT, "limit": 1, "window_secs": 3600}
    ]


@pytest.fixture(scope="module")
def limited_tenant(tmp_path_factory):
    with tenant_with(tmp_path_factory.mktemp("tenant"), limit_one_token_an_hour) as t:
        yield t


def test_auth0_python_raises_its_rate_limit_error_with_the_reset_time(limited_tenant, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", limited_tenant.ca)
    client = GetToken(limited_tenant.domain, CLIENT, client_secret=SECRET)
    assert client.client_credentials(limited_tenant.audience)["access_token"]
    with pytest.raises(RateLimitError) as limited:
        client.client_credentials(limited_tenant.audience)
    assert limited.value.status_code == 429
    assert limited.value.error_code == "too_many_requests"
    assert time.time() < limited.value.reset_at <= time.time() + 3600
