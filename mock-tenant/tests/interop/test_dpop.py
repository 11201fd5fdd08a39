"""DPoP end to end with real libraries: a client (PyJWT and cryptography) gets a DPoP-bound token
from the mock tenant, retrying once when the tenant demands a nonce (RFC 9449 §8), and
auth0-api-python, with DPoP required, accepts that token with a fresh proof and refuses it
without one or as a Bearer token.
"""

import asyncio
import base64
import hashlib
import json
import time
import uuid

import jwt
import pytest
from auth0_api_python import ApiClient, ApiClientOptions
from auth0_api_python.errors import BaseAuthError
from cryptography.hazmat.primitives.asymmetric import ec

API_URL = "https://api.example.test/api/private"


class DpopKey:
    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))

    def proof(self, htm: str, htu: str, **claims) -> str:
        payload = {"jti": str(uuid.uuid4()), "htm": htm, "htu": htu, "iat": int(time.time()), **claims}
        return jwt.encode(payload, self.private, algorithm="ES256",
                          headers={"typ": "dpop+jwt", "jwk": self.jwk})

    def thumbprint(self) -> str:
        members = {k: self.jwk[k] for k in ("crv", "kty", "x", "y")}
        canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def ath(token: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).rstrip(b"=").decode()


def dpop_token(tenant, key: DpopKey) -> str:
    """client_credentials with a proof, retried once with the nonce the tenant names."""
    url = f"{tenant.url}/oauth/token"
    body = {"grant_type": "client_credentials", "client_id": tenant.env["AUTH0_CLIENT_ID"],
            "client_secret": tenant.env["AUTH0_CLIENT_SECRET"], "audience": tenant.audience}
    res = tenant.http.post(url, data=body, headers={"DPoP": key.proof("POST", url)}, timeout=10)
    if res.status_code == 400 and res.json().get("error") == "use_dpop_nonce":
        nonce = res.headers["DPoP-Nonce"]
        res = tenant.http.post(url, data=body, timeout=10,
                               headers={"DPoP": key.proof("POST", url, nonce=nonce)})
    assert res.status_code == 200, res.text
    assert res.json()["token_type"] == "DPoP"
    return res.json()["access_token"]


@pytest.fixture
def api(tenant, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", tenant.ca)
    return ApiClient(ApiClientOptions(domain=tenant.domain, audience=tenant.audience,
                                      dpop_enabled=True, dpop_required=True))


def test_auth0_api_python_accepts_the_tenants_dpop_bound_token_with_a_fresh_proof(tenant, api):
    key = DpopKey()
    token = dpop_token(tenant, key)
    assert jwt.decode(token, options={"verify_signature": False})["cnf"] == {"jkt": key.thumbprint()}
    headers = {"authorization": f"DPoP {token}", "dpop": key.proof("GET", API_URL, ath=ath(token))}
    claims = asyncio.run(api.verify_request(headers, http_method="GET", http_url=API_URL))
    assert claims["cnf"]["jkt"] == key.thumbprint()
    assert claims["aud"] == tenant.audience


def test_auth0_api_python_refuses_the_bound_token_without_its_key(tenant, api):
    key = DpopKey()
    token = dpop_token(tenant, key)
    attempts = {
        "as a Bearer token": {"authorization": f"Bearer {token}"},
        "with no proof": {"authorization": f"DPoP {token}"},
        "with another key's proof": {"authorization": f"DPoP {token}",
                                     "dpop": DpopKey().proof("GET", API_URL, ath=ath(token))},
    }
    for what, headers in attempts.items():
        with pytest.raises(BaseAuthError) as refused:
            asyncio.run(api.verify_request(headers, http_method="GET", http_url=API_URL))
        status = refused.value.get_status_code()
        assert status in (400, 401), f"{what}: {status} {refused.value.get_error_code()}"
        assert "DPoP" in refused.value.get_headers().get("WWW-Authenticate", ""), what


def test_a_client_retries_with_the_nonce_the_tenant_demands(tenant, api):
    res = tenant.http.put(f"{tenant.url}/_mock/dpop", json={"require_nonce": True}, timeout=10)
    assert res.status_code == 200 and res.json()["nonce"], res.text
    try:
        key = DpopKey()
        token = dpop_token(tenant, key)
        headers = {"authorization": f"DPoP {token}", "dpop": key.proof("GET", API_URL, ath=ath(token))}
        assert asyncio.run(api.verify_request(headers, http_method="GET", http_url=API_URL))["cnf"]
    finally:
        tenant.http.put(f"{tenant.url}/_mock/dpop", json={"require_nonce": False}, timeout=10)
