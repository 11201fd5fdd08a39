"""An API on jwcrypto (1.6) used as its documentation shows: `jwt.JWT(jwt=..., key=<the tenant's
JWKSet>, algs=["RS256"], expected_type="JWS", check_claims={iss, aud, exp})`, which picks the key
by `kid`, verifies the signature and checks `exp` and `nbf` with its default 60 s leeway; the
scope split on spaces.

jwcrypto fetches nothing: the key set comes from examples/common/quickstart.py's `KeySet` (kept
JWKS_CACHE_SECS, fetched again for an unknown kid at most every JWKS_COOLDOWN_SECS). A correct
API: examples/README.md lists what the suite reports on it, and why.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

from jwcrypto import jwk, jwt  # noqa: E402
from quickstart import API_IDENTIFIER, ISSUER, KeySet, quickstart_app, serve, unverified_kid  # noqa: E402

keys = KeySet()


def verify(value):
    key_set = jwk.JWKSet()
    key_set.import_keyset(json.dumps(keys.jwks(unverified_kid(value))))
    token = jwt.JWT(
        jwt=value,
        key=key_set,
        algs=["RS256"],
        expected_type="JWS",
        check_claims={"iss": ISSUER, "aud": API_IDENTIFIER, "exp": None},
    )
    return json.loads(token.claims)


if __name__ == "__main__":
    serve(quickstart_app(verify))
