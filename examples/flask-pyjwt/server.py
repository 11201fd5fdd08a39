"""Auth0's Flask API quickstart, PyJWT generation (seed 000), written as its guide describes it.

Kept in the repository as a target: the benchmark compares `sample-api` with it, and the
conformance suite reports what it gets wrong. It is NOT the reference; `sample-api` is.

Configuration, as in the guide: AUTH0_DOMAIN (host only), API_IDENTIFIER, PORT (default 3010).
Trusts the tenant's CA through SSL_CERT_FILE, like any Python program.
"""

import os
from functools import wraps

import jwt
from flask import Flask, jsonify, request
from flask_cors import CORS

AUTH0_DOMAIN = os.environ["AUTH0_DOMAIN"]
API_IDENTIFIER = os.environ["API_IDENTIFIER"]
ALGORITHMS = ["RS256"]

app = Flask(__name__)
CORS(app)
jwks_client = jwt.PyJWKClient(f"https://{AUTH0_DOMAIN}/.well-known/jwks.json")


class AuthError(Exception):
    """An error the API answers with its own JSON body and status."""

    def __init__(self, error, status_code):
        super().__init__(error)
        self.error = error
        self.status_code = status_code


@app.errorhandler(AuthError)
def handle_auth_error(ex):
    response = jsonify(ex.error)
    response.status_code = ex.status_code
    return response


def get_token_auth_header():
    """Obtains the access token from the Authorization header."""
    auth = request.headers.get("Authorization", None)
    if not auth:
        raise AuthError({"code": "authorization_header_missing",
                         "description": "Authorization header is expected"}, 401)
    parts = auth.split()
    if parts[0].lower() != "bearer":
        raise AuthError({"code": "invalid_header",
                         "description": "Authorization header must start with Bearer"}, 401)
    if len(parts) == 1:
        raise AuthError({"code": "invalid_header", "description": "Token not found"}, 401)
    if len(parts) > 2:
        raise AuthError({"code": "invalid_header",
                         "description": "Authorization header must be Bearer token"}, 401)
    return parts[1]


def requires_auth(f):
    """Determines if the access token is valid."""

    @wraps(f)
    def decorated(*args, **kwargs):
        token = get_token_auth_header()
        try:
            signing_key = jwks_client.get_signing_key_from_jwt(token)
        except jwt.exceptions.PyJWKClientError:
            raise AuthError({"code": "invalid_header",
                             "description": "Unable to find appropriate key"}, 401)
        except jwt.exceptions.DecodeError:
            raise AuthError({"code": "invalid_header",
                             "description": "Invalid header. Use an RS256 signed JWT Access Token"}, 401)
        try:
            payload = jwt.decode(token, signing_key.key, algorithms=ALGORITHMS,
                                 audience=API_IDENTIFIER, issuer=f"https://{AUTH0_DOMAIN}/")
        except jwt.ExpiredSignatureError:
            raise AuthError({"code": "token_expired", "description": "token is expired"}, 401)
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
            raise AuthError({"code": "invalid_claims",
                             "description": "incorrect claims, please check the audience and issuer"}, 401)
        except Exception:
            raise AuthError({"code": "invalid_header",
                             "description": "Unable to parse authentication token."}, 401)
        request.environ["auth0.claims"] = payload
        return f(*args, **kwargs)

    return decorated


def requires_scope(required_scope):
    """Determines if the required scope is present in the access token."""
    token = get_token_auth_header()
    unverified_claims = jwt.decode(token, options={"verify_signature": False})
    if unverified_claims.get("scope"):
        return required_scope in unverified_claims["scope"].split()
    return False


@app.route("/api/public")
def public():
    return jsonify(message="Hello from a public endpoint! You don't need to be authenticated to see this.")


@app.route("/api/private")
@requires_auth
def private():
    return jsonify(message="Hello from a private endpoint! You need to be authenticated to see this.")


@app.route("/api/private-scoped")
@requires_auth
def private_scoped():
    if requires_scope("read:messages"):
        return jsonify(message="Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.")
    raise AuthError({"code": "Unauthorized", "description": "You don't have access to this resource"}, 403)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", 3010)))
