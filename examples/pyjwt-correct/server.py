"""An API on PyJWT used correctly: RS256 only, `aud`, `iss` and `exp` required, keys from the
tenant's JWKS by `kid` (PyJWKClient), the scope split on spaces, RFC 6750 answers.

A correct API: the conformance suite must find nothing unsafe in it (examples/README.md lists the
warnings it reports, and why). Configuration: AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT;
JWKS_CACHE_SECS and JWKS_COOLDOWN_SECS (PyJWKClient's `lifespan`, default 300, and
`cooldown_duration`, default 30) shorten its waits for test runs. Trusts the tenant's CA through
SSL_CERT_FILE, which `conformance --exec` sets.
"""

import os
import ssl

import jwt
from flask import Flask, jsonify, request

AUTH0_DOMAIN = os.environ["AUTH0_DOMAIN"]
API_IDENTIFIER = os.environ["API_IDENTIFIER"]
ISSUER = f"https://{AUTH0_DOMAIN}/"

app = Flask(__name__)
jwks_client = jwt.PyJWKClient(
    f"{ISSUER}.well-known/jwks.json",
    lifespan=int(os.environ.get("JWKS_CACHE_SECS", "300")),
    cooldown_duration=float(os.environ.get("JWKS_COOLDOWN_SECS", "30")),
    timeout=5,
    ssl_context=ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE")),
)


def refuse(status, error, description=None):
    """An RFC 6750 §3 answer: the challenge says why, the body repeats it."""
    challenge = "Bearer" if error is None else f'Bearer error="{error}"'
    body = {} if error is None else {"error": error, "error_description": description}
    response = jsonify(body)
    response.status_code = status
    response.headers["WWW-Authenticate"] = challenge
    return response


def bearer_token():
    """The token of `Authorization: Bearer <token>`, None without credentials, or "" if malformed."""
    values = request.headers.getlist("Authorization")
    if not values:
        return None
    if len(values) > 1:
        return ""
    scheme, _, token = values[0].partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = token.strip(" ")
    if not token or " " in token:
        return ""
    return token


def verify():
    """The claims of a valid token, or the refusal to answer with."""
    token = bearer_token()
    if token is None:
        return None, refuse(401, None)
    if token == "":
        return None, refuse(400, "invalid_request", "malformed Authorization header")
    try:
        header = jwt.get_unverified_header(token)
        if "crit" in header:  # PyJWT implements no extension: RFC 7515 §4.1.11
            raise jwt.InvalidTokenError("unsupported crit")
        key = jwks_client.get_signing_key(header["kid"])
        claims = jwt.decode(
            token, key.key, algorithms=["RS256"], audience=API_IDENTIFIER, issuer=ISSUER,
            options={"require": ["exp", "iss", "aud"]},
        )
    except Exception:  # every failure to verify is the same answer: the token is not valid
        return None, refuse(401, "invalid_token", "the access token is not valid")
    return claims, None


def granted(claims, scope):
    value = claims.get("scope")
    return isinstance(value, str) and scope in value.split(" ")


@app.route("/api/public")
def public():
    return jsonify(message="Hello from a public endpoint! You don't need to be authenticated to see this.")


@app.route("/api/private")
def private():
    claims, refusal = verify()
    if refusal:
        return refusal
    return jsonify(message="Hello from a private endpoint! You need to be authenticated to see this.")


@app.route("/api/private-scoped")
def private_scoped():
    claims, refusal = verify()
    if refusal:
        return refusal
    if not granted(claims, "read:messages"):
        return refuse(403, "insufficient_scope", "read:messages is required")
    return jsonify(message="Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", 3010)))
