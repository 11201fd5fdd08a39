"""An API on python_jwt used as its documentation shows: `verify_jwt(token, key, ["RS256"],
checks_optional=True)` with the tenant's key for the `kid` that `process_jwt` reads (python_jwt checks the
signature, `typ`, `iat`, `nbf` and `exp` when present; Auth0's tokens carry no `nbf`, so the
checks are optional), then `iss`, `aud` and a numeric `exp` checked by the application, as
python_jwt leaves them to it; the scope split on spaces.

The same file runs on python_jwt 4.1 (the venv's: a correct API), and, in scripts/test, on 3.3.3
(CVE-2022-39227: a JSON/compact polyglot carries claims its signature does not cover) beside
3.3.4, its fix. The key set comes from examples/common/quickstart.py's `KeySet`.
"""

import os
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

from jwcrypto import jwk  # noqa: E402
from quickstart import API_IDENTIFIER, ISSUER, KeySet, Refused, quickstart_app, serve  # noqa: E402

with warnings.catch_warnings():  # 4.x announces its own deprecation on import
    warnings.simplefilter("ignore", DeprecationWarning)
    import python_jwt  # noqa: E402

keys = KeySet()


def verify(value):
    header, _ = python_jwt.process_jwt(value)  # unverified: only to pick the key
    kid = header.get("kid")
    matches = [k for k in keys.jwks(kid)["keys"] if isinstance(k, dict) and k.get("kid") == kid]
    if len(matches) != 1:
        raise Refused("no key of the tenant has this kid")
    _, claims = python_jwt.verify_jwt(
        value, jwk.JWK(**matches[0]), ["RS256"], checks_optional=True
    )
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    exp = claims.get("exp")
    has_exp = isinstance(exp, (int, float)) and not isinstance(exp, bool)
    if claims.get("iss") != ISSUER or API_IDENTIFIER not in audiences or not has_exp:
        raise Refused("not a token of this tenant for this API")
    return claims


if __name__ == "__main__":
    serve(quickstart_app(verify))
