"""Auth0's Flask API quickstart, Authlib generation (seed 004), written as its guide describes it.

A target for the conformance suite, not a reference (that is `sample-api`). An Authlib
`ResourceProtector` with a `JWTBearerTokenValidator` whose key set is loaded once, at start, and
whose claims options make `exp`, `aud` and `iss` essential. Configuration: AUTH0_DOMAIN,
API_IDENTIFIER, PORT (default 3010); the tenant's CA through SSL_CERT_FILE.
"""

import json
import os
from urllib.request import urlopen

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.jose.rfc7517.jwk import JsonWebKey
from authlib.oauth2.rfc7523 import JWTBearerTokenValidator
from flask import Flask, jsonify


class Auth0JWTBearerTokenValidator(JWTBearerTokenValidator):
    """Validates Auth0 access tokens against the tenant's key set."""

    def __init__(self, domain, audience):
        issuer = f"https://{domain}/"
        jsonurl = urlopen(f"{issuer}.well-known/jwks.json")
        public_key = JsonWebKey.import_key_set(json.loads(jsonurl.read()))
        super().__init__(public_key)
        self.claims_options = {
            "exp": {"essential": True},
            "aud": {"essential": True, "values": [audience]},
            "iss": {"essential": True, "values": [issuer]},
        }


require_auth = ResourceProtector()
require_auth.register_token_validator(
    Auth0JWTBearerTokenValidator(os.environ["AUTH0_DOMAIN"], os.environ["API_IDENTIFIER"])
)
APP = Flask(__name__)


@APP.route("/api/public")
def public():
    return jsonify(message="Hello from a public endpoint! You don't need to be authenticated to see this.")


@APP.route("/api/private")
@require_auth(None)
def private():
    return jsonify(message="Hello from a private endpoint! You need to be authenticated to see this.")


@APP.route("/api/private-scoped")
@require_auth("read:messages")
def private_scoped():
    return jsonify(message="Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.")


if __name__ == "__main__":
    APP.run(host="127.0.0.1", port=int(os.environ.get("PORT", 3010)))
