"""An API on joserfc (1.8) used as its documentation shows: `jwt.decode` with the tenant's key
set and RS256 only, then a `JWTClaimsRegistry` with `iss`, `aud` and `exp` essential (it checks
`exp`, `nbf` and `iat` with no leeway); the scope split on spaces.

joserfc fetches nothing: the key set comes from examples/common/quickstart.py's `KeySet` (kept
JWKS_CACHE_SECS, fetched again for an unknown kid at most every JWKS_COOLDOWN_SECS). A correct
API: examples/README.md lists what the suite reports on it, and why.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

from joserfc import jwt  # noqa: E402
from joserfc.jwk import KeySet as JoseKeySet  # noqa: E402
from quickstart import API_IDENTIFIER, ISSUER, KeySet, quickstart_app, serve, unverified_kid  # noqa: E402

keys = KeySet()
claims_registry = jwt.JWTClaimsRegistry(
    iss={"essential": True, "value": ISSUER},
    aud={"essential": True, "value": API_IDENTIFIER},
    exp={"essential": True},
)


def verify(value):
    key_set = JoseKeySet.import_key_set(keys.jwks(unverified_kid(value)))
    token = jwt.decode(value, key_set, algorithms=["RS256"])
    claims_registry.validate(token.claims)
    return token.claims


if __name__ == "__main__":
    serve(quickstart_app(verify))
