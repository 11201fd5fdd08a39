"""A small orders API on Flask and PyJWT, the way an Auth0 quickstart API is written, built by a
factory so that its tests can start it against the `auth0_tenant` fixture.

`create_app(issuer, audience, ca_file, planted_flaw=None)`; `planted_flaw="no-audience"` skips
the audience check (a real mistake: any token of the tenant, for any API, is then let in).
"""

import ssl

import jwt
from flask import Flask, jsonify, request


def create_app(issuer, audience, ca_file, planted_flaw=None, jwks_cache_secs=5, jwks_cooldown_secs=2):
    app = Flask(__name__)
    jwks = jwt.PyJWKClient(
        f"{issuer}.well-known/jwks.json",
        lifespan=jwks_cache_secs,
        cooldown_duration=jwks_cooldown_secs,
        timeout=5,
        ssl_context=ssl.create_default_context(cafile=ca_file),
    )

    def refuse(status, error, description):
        response = jsonify({"error": error, "error_description": description} if error else {})
        response.status_code = status
        response.headers["WWW-Authenticate"] = f'Bearer error="{error}"' if error else "Bearer"
        return response

    def claims_or_refusal():
        values = request.headers.getlist("Authorization")
        if not values:
            return None, refuse(401, None, None)
        scheme, _, token = values[0].partition(" ")
        if len(values) > 1 or scheme.lower() != "bearer" or not token.strip(" ") or " " in token.strip(" "):
            return None, refuse(400, "invalid_request", "malformed Authorization header")
        try:
            key = jwks.get_signing_key_from_jwt(token.strip(" "))
            claims = jwt.decode(
                token.strip(" "),
                key.key,
                algorithms=["RS256"],
                audience=audience,
                issuer=issuer,
                options={
                    "require": ["exp", "iss", "aud"],
                    "verify_aud": planted_flaw != "no-audience",
                },
            )
        except Exception:
            return None, refuse(401, "invalid_token", "the access token is not valid")
        return claims, None

    def needs(scope):
        claims, refusal = claims_or_refusal()
        if refusal is None and scope and scope not in str(claims.get("scope", "")).split(" "):
            refusal = refuse(403, "insufficient_scope", f"{scope} is required")
        return refusal

    @app.route("/api/public")
    def public():
        return jsonify(message="Hello from a public endpoint!")

    @app.route("/api/private")
    def private():
        return needs(None) or jsonify(message="Hello from a private endpoint!")

    @app.route("/api/private-scoped")
    def private_scoped():
        return needs("read:messages") or jsonify(message="Hello from a scoped endpoint!")

    return app
