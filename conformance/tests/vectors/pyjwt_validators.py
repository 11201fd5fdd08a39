"""PyJWT validators over a vector pack: configured as it should be, and misconfigured."""

import datetime
from unittest import mock

import jwt


def _decode(token, pack, **options):
    keys = {k["kid"]: jwt.PyJWK(k) for k in pack.jwks["keys"]}
    kid = jwt.get_unverified_header(token).get("kid")
    key = keys[kid].key
    frozen = datetime.datetime.fromtimestamp(pack.now, tz=datetime.timezone.utc)
    # PyJWT reads the time from datetime.now and has no clock option.
    with mock.patch("jwt.api_jwt.datetime") as clock:
        clock.now.return_value = frozen
        return jwt.decode(token, key, leeway=pack.leeway, **options)


def correct(token, pack):
    """RS256 only, this issuer and audience, exp, iss and aud required."""
    return _decode(
        token,
        pack,
        algorithms=pack.algorithms,
        audience=pack.audience,
        issuer=pack.issuer,
        options={"require": ["exp", "iss", "aud"]},
    )


def no_audience(token, pack):
    """The audience check switched off: a token for any API of the tenant passes."""
    return _decode(
        token,
        pack,
        algorithms=pack.algorithms,
        issuer=pack.issuer,
        options={"require": ["exp", "iss"], "verify_aud": False},
    )


def no_issuer(token, pack):
    """The issuer check left out: a token from any tenant that shares the key passes."""
    return _decode(
        token,
        pack,
        algorithms=pack.algorithms,
        audience=pack.audience,
        options={"require": ["exp", "aud"]},
    )


def open_algorithms(token, pack):
    """Every algorithm PyJWT knows allowed: PS256 under the tenant's RSA key passes."""
    return _decode(
        token,
        pack,
        algorithms=list(jwt.algorithms.get_default_algorithms()),
        audience=pack.audience,
        issuer=pack.issuer,
        options={"require": ["exp", "iss", "aud"]},
    )


def has_scope(claims):
    scope = claims.get("scope")
    return isinstance(scope, str) and "read:messages" in scope.split(" ")
