"""Actions, through Auth0's own SDKs, untouched, over HTTPS:

- auth0-server-python logs in through a post-login Action that adds a namespaced roles claim
  (found in the ID token it reads and the access token it gets), and through one that denies
  (the SDK raises the ApiError Auth0's callback leads it to, with the Action's reason);
- auth0-python's client_credentials gets a claim from a credentials-exchange Action, with a
  secret and with private_key_jwt, and raises Auth0Error on the Action's deny;
- auth0-api-python's get_token_by_exchange_profile exchanges a legacy token through a
  custom-token-exchange Action that looks it up, verifies the token it gets, and raises ApiError
  when the Action rejects the subject token.

The Actions are put at run time with `mock-tenant action put`, the CLI a user's script runs.
"""

import asyncio
import subprocess

import jwt
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0_api_python import ApiClient, ApiClientOptions
from auth0_api_python.errors import ApiError as ExchangeError
from auth0_server_python.auth_types import StartInteractiveLoginOptions
from auth0_server_python.error import ApiError

from conftest import BIN, tenant_with
from test_private_key_jwt import CLIENT as KEY_CLIENT
from test_private_key_jwt import KEYS, add_key_client
from test_server_sdk import follow_to_callback, sdk  # noqa: F401 (a fixture)

NS = "https://my-app.example.com"

ROLES = """
exports.onExecutePostLogin = async (event, api) => {
  if (event.authorization) {
    api.idToken.setCustomClaim(`${NS}/roles`, event.authorization.roles);
    api.accessToken.setCustomClaim(`${NS}/roles`, event.authorization.roles);
  }
};
""".replace("${NS}", NS)

DENY = """
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email.endsWith("@example.com")) {
    api.access.deny(`Access to ${event.client.name} is not allowed.`);
  }
};
"""

M2M = """
exports.onExecuteCredentialsExchange = async (event, api) => {
  if (event.client.metadata.blocked === "yes") {
    api.access.deny("invalid_request", "This client is blocked.");
    return;
  }
  api.accessToken.setCustomClaim("https://my-api.example.com/client", event.client.name);
};
"""


LEGACY = "urn:acme:legacy-token"

EXCHANGE = """
exports.onExecuteCustomTokenExchange = async (event, api) => {
  const directory = { "legacy-alice": "auth0|65f0c0ffee0000000000a11c" };
  const user = directory[event.transaction.subject_token];
  if (!user) {
    api.access.rejectInvalidSubjectToken("Invalid subject_token");
    return;
  }
  api.authentication.setUserById(user);
};
"""


def with_roles_and_key_client(tenant):
    add_key_client(tenant)
    tenant["actions"] = [{"name": "exchange-legacy", "trigger": "custom-token-exchange", "code": EXCHANGE}]
    tenant["token_exchange_profiles"] = [
        {"name": "legacy", "subject_token_type": LEGACY, "action_id": "exchange-legacy", "type": "custom_authentication"}
    ]
    web = next(c for c in tenant["clients"] if c["client_id"] == "quickstart-web")
    web["grant_types"].append("urn:ietf:params:oauth:grant-type:token-exchange")
    tenant["roles"] = [
        {
            "id": "rol_0000000000000admin",
            "name": "admin",
            "permissions": [
                {"resource_server_identifier": "https://quickstarts/api", "permission_name": "write:messages"}
            ],
        }
    ]
    alice = next(u for u in tenant["users"] if u["email"] == "alice@example.com")
    alice["roles"] = ["admin"]
    blocked = next(c for c in tenant["clients"] if c["client_id"] == "quickstart-m2m-none")
    blocked["client_metadata"] = {"blocked": "yes"}


@pytest.fixture(scope="module")
def tenant(tmp_path_factory):
    """Shadows conftest's: this module's tenant has roles and a key client."""
    with tenant_with(tmp_path_factory.mktemp("tenant"), with_roles_and_key_client) as t:
        yield t


def put_action(tenant, trigger, code):
    done = subprocess.run(
        [BIN, "action", "put", trigger, "-", "--url", tenant.issuer, "--ca", tenant.ca],
        input=code.encode(),
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr.decode()


def delete_action(tenant, trigger):
    done = subprocess.run(
        [BIN, "action", "delete", trigger, "--url", tenant.issuer, "--ca", tenant.ca],
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_server_sdk_logs_in_through_a_post_login_action_that_adds_roles(tenant, sdk):  # noqa: F811
    put_action(tenant, "post-login", ROLES)

    async def login():
        url = await sdk.start_interactive_login(StartInteractiveLoginOptions())
        await sdk.complete_interactive_login(follow_to_callback(tenant, url, "alice@example.com"))
        user = await sdk.get_user()
        assert user[f"{NS}/roles"] == ["admin"]
        token = await sdk.get_access_token(audience=tenant.audience)
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims[f"{NS}/roles"] == ["admin"]

    try:
        asyncio.run(login())
    finally:
        delete_action(tenant, "post-login")


def test_server_sdk_raises_the_denying_actions_reason(tenant, sdk):  # noqa: F811
    put_action(tenant, "post-login", DENY)

    async def login():
        url = await sdk.start_interactive_login(StartInteractiveLoginOptions())
        callback = follow_to_callback(tenant, url, "bob@example.com")
        with pytest.raises(ApiError) as denied:
            await sdk.complete_interactive_login(callback)
        assert denied.value.code == "access_denied"
        assert str(denied.value) == "Access to Quickstart Web App is not allowed."
        assert await sdk.get_user() is None

    try:
        asyncio.run(login())
    finally:
        delete_action(tenant, "post-login")


def test_auth0_python_gets_the_credentials_exchange_claim_with_a_secret_and_a_key(tenant, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tenant.ca)
    monkeypatch.setenv("SSL_CERT_FILE", tenant.ca)
    put_action(tenant, "credentials-exchange", M2M)
    try:
        with_secret = GetToken(tenant.domain, "quickstart-m2m-read", client_secret="test-only-secret-m2m-read")
        claims = jwt.decode(
            with_secret.client_credentials(tenant.audience)["access_token"], options={"verify_signature": False}
        )
        assert claims["https://my-api.example.com/client"] == "Quickstart M2M (read)"

        key = (KEYS / "test-only-rsa2048-client-assertion.pem").read_text()
        with_key = GetToken(tenant.domain, KEY_CLIENT, client_assertion_signing_key=key)
        claims = jwt.decode(
            with_key.client_credentials(tenant.audience)["access_token"], options={"verify_signature": False}
        )
        assert claims["https://my-api.example.com/client"] == "M2M with a key"

        blocked = GetToken(tenant.domain, "quickstart-m2m-none", client_secret="test-only-secret-m2m-none")
        with pytest.raises(Auth0Error) as denied:
            blocked.client_credentials(tenant.audience)
        assert (denied.value.status_code, denied.value.error_code) == (400, "invalid_request")
        assert denied.value.message == "This client is blocked."
    finally:
        delete_action(tenant, "credentials-exchange")


def test_auth0_api_python_exchanges_a_legacy_token_through_the_profiles_action(tenant, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", tenant.ca)  # httpx, inside the SDK
    api = ApiClient(
        ApiClientOptions(
            domain=tenant.domain,
            audience=tenant.audience,
            client_id="quickstart-web",
            client_secret="test-only-secret-web",
        )
    )

    async def exchange():
        result = await api.get_token_by_exchange_profile(
            "legacy-alice", LEGACY, audience=tenant.audience, scope="openid read:messages"
        )
        assert result["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
        claims = await api.verify_access_token(result["access_token"])
        assert claims["sub"] == "auth0|65f0c0ffee0000000000a11c"
        assert claims["scope"] == "openid read:messages"
        with pytest.raises(ExchangeError) as rejected:
            await api.get_token_by_exchange_profile("forged", LEGACY, audience=tenant.audience)
        assert rejected.value.code == "invalid_request", repr(rejected.value)
        assert "Invalid subject_token" in str(rejected.value)

    asyncio.run(exchange())
