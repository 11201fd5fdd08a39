"""auth0-server-python (the web-app quickstart's SDK, seed 001), untouched, through the whole
journey against the mock tenant over HTTPS: login -> callback -> user -> get_access_token for an
audience -> refresh -> logout. The "browser" is requests, following the tenant's redirects by hand
and handing the callback URL to the SDK, as the Flask app's /callback route would.
"""

import asyncio
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from auth0_server_python.auth_server.server_client import ServerClient
from auth0_server_python.auth_types import LogoutOptions, StartInteractiveLoginOptions
from auth0_server_python.store.abstract import StateStore, TransactionStore

CLIENT_ID = "quickstart-web"
CLIENT_SECRET = "test-only-secret-web"
CALLBACK = "http://localhost:5000/callback"
HOME = "http://localhost:5000"


class MemoryStore:
    """The quickstart's in-memory store: one dict, no encryption needed in a test."""

    def __init__(self):
        self.data = {}

    async def set(self, identifier, state, remove_if_expires=False, options=None):
        self.data[identifier] = state

    async def get(self, identifier, options=None):
        return self.data.get(identifier)

    async def delete(self, identifier, options=None):
        self.data.pop(identifier, None)

    async def delete_by_logout_token(self, claims, options=None):
        self.data.clear()


class MemoryStateStore(MemoryStore, StateStore):
    def __init__(self):
        StateStore.__init__(self, {"secret": "test-only-cookie-secret-" + "x" * 40})
        MemoryStore.__init__(self)


class MemoryTransactionStore(MemoryStore, TransactionStore):
    def __init__(self):
        TransactionStore.__init__(self, {"secret": "test-only-cookie-secret-" + "x" * 40})
        MemoryStore.__init__(self)


@pytest.fixture
def sdk(tenant, monkeypatch):
    # httpx (inside the SDK) trusts what SSL_CERT_FILE names; the machine sets its own.
    monkeypatch.setenv("SSL_CERT_FILE", tenant.ca)
    return ServerClient(
        domain=tenant.domain,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        secret="test-only-session-secret-" + "y" * 40,
        redirect_uri=CALLBACK,
        state_store=MemoryStateStore(),
        transaction_store=MemoryTransactionStore(),
        authorization_params={
            "scope": "openid profile email offline_access",
            "audience": tenant.audience,
        },
    )


def follow_to_callback(tenant, url, login_hint):
    """GET the authorize URL like a browser that picked `login_hint` on the login page."""
    res = tenant.http.get(url, params={"login_hint": login_hint}, allow_redirects=False, timeout=10)
    assert res.status_code == 302, res.text
    location = res.headers["location"]
    assert location.startswith(CALLBACK + "?"), location
    return location


def test_login_user_access_token_refresh_and_logout(tenant, sdk):
    async def journey():
        url = await sdk.start_interactive_login(StartInteractiveLoginOptions())
        query = parse_qs(urlparse(url).query)
        assert url.startswith(f"{tenant.url}/authorize?")
        assert query["code_challenge_method"] == ["S256"]

        callback = follow_to_callback(tenant, url, "alice@example.com")
        result = await sdk.complete_interactive_login(callback)
        assert result is not None

        user = await sdk.get_user()
        assert user["sub"] == "auth0|65f0c0ffee0000000000a11c"
        assert user["email"] == "alice@example.com"
        assert user["name"] == "Alice Test"

        token = await sdk.get_access_token(audience=tenant.audience)
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["aud"] == [tenant.audience, tenant.issuer + "userinfo"]
        assert claims["sub"] == user["sub"]

        # Expire the stored access token: the SDK must refresh it with the refresh token.
        state = (await sdk._state_store.get(sdk._state_identifier)).model_dump()
        first_refresh_token = state["refresh_token"]
        for token_set in state["token_sets"]:
            token_set["expires_at"] = 0
        await sdk._state_store.set(sdk._state_identifier, state)
        time.sleep(1.1)  # iat has one-second resolution: the new token must differ
        refreshed = await sdk.get_access_token(audience=tenant.audience)
        assert refreshed != token
        state = await sdk._state_store.get(sdk._state_identifier)
        state = state if isinstance(state, dict) else state.model_dump()
        assert state["refresh_token"] != first_refresh_token, "the tenant rotates refresh tokens"

        # The rotated-out refresh token is refused now, as Auth0 refuses reuse.
        with pytest.raises(Exception) as refused:
            await sdk.get_token_by_refresh_token({"refresh_token": first_refresh_token})
        assert "invalid" in str(refused.value).lower() or "403" in str(refused.value)

        logout_url = await sdk.logout(LogoutOptions(return_to=HOME))
        assert logout_url.startswith(f"https://{tenant.domain}/v2/logout?")
        res = tenant.http.get(logout_url, allow_redirects=False, timeout=10)
        assert res.status_code == 302, res.text
        assert res.headers["location"] == HOME
        assert await sdk.get_user() is None

    asyncio.run(journey())


def test_the_sdk_refuses_a_callback_with_a_replayed_code(tenant, sdk):
    async def replay():
        url = await sdk.start_interactive_login(StartInteractiveLoginOptions())
        callback = follow_to_callback(tenant, url, "bob@example.com")
        code = parse_qs(urlparse(callback).query)["code"][0]
        await sdk.complete_interactive_login(callback)
        res = tenant.http.post(
            f"{tenant.url}/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
            timeout=10,
        )
        assert res.status_code == 403
        assert res.json() == {"error": "invalid_grant", "error_description": "Invalid authorization code"}

    asyncio.run(replay())
