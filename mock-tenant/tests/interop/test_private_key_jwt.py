"""auth0-python, untouched, authenticates with private_key_jwt: its GetToken signs a
client_assertion with the client's TEST-ONLY private key (`client_assertion_signing_key`), and
the tenant, which holds the public key in the tenant file as Auth0's Management API spells it,
answers with a token PyJWT verifies through the JWKS."""

import jwt
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error

from conftest import ROOT, tenant_with

KEYS = ROOT / "fixtures" / "keys"
CLIENT = "quickstart-m2m-pkjwt"


def add_key_client(tenant):
    tenant["clients"].append(
        {
            "name": "M2M with a key",
            "client_id": CLIENT,
            "grant_types": ["client_credentials"],
            "client_authentication_methods": {
                "private_key_jwt": {
                    "credentials": [
                        {
                            "credential_type": "public_key",
                            "pem": (KEYS / "test-only-rsa2048-client-assertion.pub.pem").read_text(),
                            "alg": "RS256",
                        }
                    ]
                }
            },
        }
    )
    tenant["client_grants"].append(
        {"client_id": CLIENT, "audience": "https://quickstarts/api", "scope": ["read:messages"]}
    )


@pytest.fixture(scope="module")
def key_tenant(tmp_path_factory):
    with tenant_with(tmp_path_factory.mktemp("tenant"), add_key_client) as t:
        yield t


def test_auth0_python_gets_a_token_with_its_client_assertion(key_tenant, monkeypatch):
    # auth0-python's RestClient is requests underneath: it trusts what REQUESTS_CA_BUNDLE says.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", key_tenant.ca)
    monkeypatch.setenv("SSL_CERT_FILE", key_tenant.ca)
    private_key = (KEYS / "test-only-rsa2048-client-assertion.pem").read_text()
    get_token = GetToken(key_tenant.domain, CLIENT, client_assertion_signing_key=private_key)
    answer = get_token.client_credentials(key_tenant.audience)
    claims = jwt.decode(
        answer["access_token"],
        jwt.PyJWKClient(
            f"{key_tenant.url}/.well-known/jwks.json", ssl_context=key_tenant.ssl_context()
        ).get_signing_key_from_jwt(answer["access_token"]).key,
        algorithms=["RS256"],
        audience=key_tenant.audience,
        issuer=key_tenant.issuer,
    )
    assert claims["azp"] == CLIENT and claims["scope"] == "read:messages"


def test_auth0_python_with_the_wrong_key_gets_auth0s_401(key_tenant, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", key_tenant.ca)
    monkeypatch.setenv("SSL_CERT_FILE", key_tenant.ca)
    wrong = (KEYS / "test-only-rsa2048-attacker.pem").read_text()
    with pytest.raises(Auth0Error) as refused:
        GetToken(key_tenant.domain, CLIENT, client_assertion_signing_key=wrong).client_credentials(
            key_tenant.audience
        )
    assert (refused.value.status_code, refused.value.error_code) == (401, "access_denied")


def test_a_secret_for_a_key_client_is_refused(key_tenant, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", key_tenant.ca)
    with pytest.raises(Auth0Error) as refused:
        GetToken(key_tenant.domain, CLIENT, client_secret="guess").client_credentials(
            key_tenant.audience
        )
    assert refused.value.status_code == 401
