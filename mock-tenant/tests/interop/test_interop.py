"""Real Auth0 clients, installed from PyPI, against the mock tenant over HTTPS on localhost."""

import asyncio
import base64
import json
import socket
import ssl

import jwt
import pytest
from auth0_api_python import ApiClient, ApiClientOptions


def test_pyjwt_jwk_client_verifies_a_client_credentials_token(tenant):
    token = tenant.token(scope="read:messages")
    jwks = jwt.PyJWKClient(f"{tenant.url}/.well-known/jwks.json", ssl_context=tenant.ssl_context())
    key = jwks.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token, key.key, algorithms=["RS256"], audience=tenant.audience, issuer=tenant.issuer
    )
    assert claims["sub"] == f"{tenant.env['AUTH0_CLIENT_ID']}@clients"
    assert claims["scope"] == "read:messages"
    assert claims["gty"] == "client-credentials"
    assert claims["exp"] - claims["iat"] == 86400


def test_pyjwt_refuses_a_token_from_the_jwks_when_the_tenant_rebinds_its_kid(tenant):
    token = tenant.token()
    kid = jwt.get_unverified_header(token)["kid"]
    res = tenant.http.post(f"{tenant.url}/_mock/keys/{kid}/rebind", timeout=10)
    assert res.status_code == 200, res.text
    try:
        jwks = jwt.PyJWKClient(f"{tenant.url}/.well-known/jwks.json", ssl_context=tenant.ssl_context())
        key = jwks.get_signing_key_from_jwt(token)
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, key.key, algorithms=["RS256"], audience=tenant.audience)
    finally:
        tenant.http.post(f"{tenant.url}/_mock/reset", timeout=10)


def test_pyjwt_jwk_client_reports_a_jwks_outage(tenant):
    res = tenant.http.post(
        f"{tenant.url}/_mock/jwks/fault", json={"kind": "status", "status": 503}, timeout=10
    )
    assert res.status_code == 204, res.text
    try:
        jwks = jwt.PyJWKClient(f"{tenant.url}/.well-known/jwks.json", ssl_context=tenant.ssl_context())
        with pytest.raises(jwt.PyJWKClientConnectionError):
            jwks.get_signing_key_from_jwt(tenant.token())
    finally:
        tenant.http.delete(f"{tenant.url}/_mock/jwks/fault", timeout=10)


def test_auth0_api_python_verifies_with_only_ssl_cert_file_set(tenant, monkeypatch):
    # auth0-api-python insists on https:// and trusts the CA only through the environment.
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_DIR", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", tenant.ca)
    token = tenant.token()
    api = ApiClient(ApiClientOptions(domain=tenant.domain, audience=tenant.audience))
    claims = asyncio.run(api.verify_access_token(token))
    assert claims["iss"] == tenant.issuer
    assert claims["aud"] == tenant.audience
    assert claims["azp"] == tenant.env["AUTH0_CLIENT_ID"]
    assert "read:messages" in claims["scope"].split()


def test_auth0_api_python_refuses_a_token_for_another_audience(tenant, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", tenant.ca)
    api = ApiClient(ApiClientOptions(domain=tenant.domain, audience="https://another/api"))
    with pytest.raises(Exception) as refused:
        asyncio.run(api.verify_access_token(tenant.token()))
    assert "aud" in str(refused.value).lower() or "audience" in str(refused.value).lower()


def test_tls_certificate_is_for_localhost_and_signed_by_the_printed_ca(tenant):
    host, port = tenant.domain.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        with tenant.ssl_context().wrap_socket(sock, server_hostname="localhost") as tls:
            cert = tls.getpeercert()
    names = {value for kind, value in cert["subjectAltName"]}
    assert {"localhost", "127.0.0.1"} <= names


def strict(claims):
    """What a correct API adds to PyJWT, which is lenient in two ways the forge found: it takes
    `exp` as `int(exp)`, so a numeric string passes (RFC 7519 §2 wants a JSON number), and
    Python's json accepts lone surrogates, which are not valid Unicode (RFC 8259 §8.2)."""
    exp = claims["exp"]
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise jwt.InvalidTokenError("exp is not a NumericDate")
    json.dumps(claims, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate


def strict_bytes(token):
    """Python's json reads bytes in UTF-16 or after a UTF-8 byte order mark, and PyJWT hands it
    bytes: a correct API wants UTF-8 without one (RFC 8259 §8.1, RFC 7519 §7.2)."""
    for segment in token.split(".")[:2]:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        if raw.startswith(b"\xef\xbb\xbf"):
            raise jwt.InvalidTokenError("a byte order mark")
        raw.decode("utf-8")


def test_pyjwt_as_a_correct_api_gives_every_defect_its_verdict(tenant):
    """Every named defect, minted over HTTP, through PyJWT configured as a correct API would be."""
    defects = tenant.http.get(f"{tenant.url}/_mock/defects", timeout=10).json()
    jwks = jwt.PyJWKClient(f"{tenant.url}/.well-known/jwks.json", ssl_context=tenant.ssl_context())
    failures = []
    for defect in defects:
        res = tenant.http.post(f"{tenant.url}/_mock/token", json={"defect": defect["name"]}, timeout=10)
        assert res.status_code == 200, res.text
        token = res.json()["token"]
        try:
            strict_bytes(token)
            header = jwt.get_unverified_header(token)
            if "crit" in header:  # PyJWT implements no extension, so a correct API refuses them
                raise jwt.InvalidTokenError("unsupported crit")
            key = jwks.get_signing_key(header["kid"])
            claims = jwt.decode(
                token, key.key, algorithms=["RS256"], audience=tenant.audience,
                issuer=tenant.issuer, leeway=0, options={"require": ["exp", "iss", "aud"]},
            )
            strict(claims)
        except Exception:
            claims = None
        scope = claims.get("scope") if claims else None
        scoped = isinstance(scope, str) and "read:messages" in scope.split(" ")
        ok = {
            "refuse": claims is None,
            "insufficient_scope": claims is not None and not scoped,
            "accept": scoped,
            "preferred": scoped,
            "tolerated": True,
        }[defect["answer"]]
        if not ok:
            failures.append(f"{defect['name']} ({defect['answer']}): {claims}")
    assert not failures, "\n".join(failures)
    assert len(defects) > 150
