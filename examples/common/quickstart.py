"""What the Python examples on one JWT library each share: the quickstart's three routes with
RFC 6750 answers around the example's own `verify(token) -> claims`, and a key set for libraries
that fetch none.

Each example's `server.py` holds only what its library documents (how a token is verified and
which claims are checked); this module is the Flask around it, written once. Configuration:
AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT; JWKS_CACHE_SECS and JWKS_COOLDOWN_SECS (how long
the key set is kept, default 600, and how soon an unknown `kid` may fetch it again, default 30)
shorten the waits for test runs. The tenant's CA comes from SSL_CERT_FILE, which
`conformance --exec` sets.
"""

import base64
import json
import os
import ssl
import threading
import time
from urllib.request import urlopen

from flask import Flask, jsonify, request

AUTH0_DOMAIN = os.environ["AUTH0_DOMAIN"]
API_IDENTIFIER = os.environ["API_IDENTIFIER"]
ISSUER = f"https://{AUTH0_DOMAIN}/"


class Refused(Exception):
    """Any failure to verify a token: the API answers 401 invalid_token, whatever the cause."""


class KeySet:
    """The tenant's JWKS as a library that fetches nothing needs it: kept `JWKS_CACHE_SECS`,
    fetched again for an unknown `kid` at most every `JWKS_COOLDOWN_SECS` (so tokens with made-up
    kids cannot make the API hammer the tenant), never on a request path without a timeout."""

    def __init__(self):
        self.url = f"{ISSUER}.well-known/jwks.json"
        self.ttl = float(os.environ.get("JWKS_CACHE_SECS", "600"))
        self.cooldown = float(os.environ.get("JWKS_COOLDOWN_SECS", "30"))
        self.context = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE"))
        self.lock = threading.Lock()
        self.document = None
        self.fetched_at = float("-inf")

    def _fetch(self):
        with urlopen(self.url, timeout=5, context=self.context) as answer:
            document = json.load(answer)
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise Refused("the key set is not a JWKS")
        self.document, self.fetched_at = document, time.monotonic()

    def jwks(self, kid):
        """The JWKS document (a dict), fetched again if it is stale, or if it lacks `kid` and
        the cooldown has passed."""
        with self.lock:
            age = time.monotonic() - self.fetched_at
            known = self.document is not None and any(
                isinstance(k, dict) and k.get("kid") == kid for k in self.document["keys"]
            )
            if self.document is None or age >= self.ttl or (not known and age >= self.cooldown):
                self._fetch()
            return self.document


def unverified_kid(token):
    """The `kid` of a compact token's header, read only to decide whether the key set is worth
    fetching again (the library then picks the key itself); None when there is none to read."""
    try:
        segment = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except Exception:  # a header that does not parse names no kid; the library refuses it
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


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


def granted(claims, scope):
    """Whether the space-separated `scope` string of the claims holds `scope` exactly."""
    value = claims.get("scope")
    return isinstance(value, str) and scope in value.split(" ")


def quickstart_app(verify):
    """The quickstart's routes around `verify(token) -> claims`, which raises on a bad token."""
    app = Flask(__name__)

    def authenticate():
        token = bearer_token()
        if token is None:
            return None, refuse(401, None)
        if token == "":
            return None, refuse(400, "invalid_request", "malformed Authorization header")
        try:
            claims = verify(token)
        except Exception:  # every failure to verify is the same answer: the token is not valid
            return None, refuse(401, "invalid_token", "the access token is not valid")
        if not isinstance(claims, dict):
            return None, refuse(401, "invalid_token", "the access token is not valid")
        return claims, None

    @app.route("/api/public")
    def public():
        return jsonify(message="Hello from a public endpoint! You don't need to be authenticated to see this.")

    @app.route("/api/private")
    def private():
        _, refusal = authenticate()
        if refusal:
            return refusal
        return jsonify(message="Hello from a private endpoint! You need to be authenticated to see this.")

    @app.route("/api/private-scoped")
    def private_scoped():
        claims, refusal = authenticate()
        if refusal:
            return refusal
        if not granted(claims, "read:messages"):
            return refuse(403, "insufficient_scope", "read:messages is required")
        return jsonify(message="Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.")

    return app


def serve(app):
    """Runs the app on loopback, on PORT (3010 by default), threaded."""
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", 3010)), threaded=True)
