"""PyJWT validators over a vector pack: configured as it should be, and misconfigured."""

import datetime
from unittest import mock

import jwt


def _decode(token, pack, *, audience=True, issuer=True, algorithms=None):
    """PyJWT's decode with the pack's key and clock; `audience`/`issuer` False leave that check
    out, `algorithms` replaces RS256."""
    keys = {k["kid"]: jwt.PyJWK(k) for k in pack.jwks["keys"]}
    kid = jwt.get_unverified_header(token).get("kid")
    required = ["exp"] + (["iss"] if issuer else []) + (["aud"] if audience else [])
    options = {"require": required, "verify_aud": audience}
    frozen = datetime.datetime.fromtimestamp(pack.now, tz=datetime.timezone.utc)
    # PyJWT reads the time from datetime.now and has no clock option.
    with mock.patch("jwt.api_jwt.datetime") as clock:
        clock.now.return_value = frozen
        return jwt.decode(
            token,
            keys[kid].key,
            algorithms=algorithms or pack.algorithms,
            audience=pack.audience if audience else None,
            issuer=pack.issuer if issuer else None,
            leeway=pack.leeway,
            options=options,
        )


def correct(token, pack):
    """RS256 only, this issuer and audience, exp, iss and aud required."""
    return _decode(token, pack)


def no_audience(token, pack):
    """The audience check switched off: a token for any API of the tenant passes."""
    return _decode(token, pack, audience=False)


def no_issuer(token, pack):
    """The issuer check left out: a token from any tenant that shares the key passes."""
    return _decode(token, pack, issuer=False)


def open_algorithms(token, pack):
    """Every algorithm PyJWT knows allowed: PS256 under the tenant's RSA key passes."""
    return _decode(token, pack, algorithms=list(jwt.algorithms.get_default_algorithms()))


def has_scope(claims):
    scope = claims.get("scope")
    return isinstance(scope, str) and "read:messages" in scope.split(" ")
