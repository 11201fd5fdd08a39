"""Runs a token validator over an auth0-offline vector pack (`mock-tenant vectors --out DIR`),
with no network and no server.

Your validator is a function `validate(token: str, pack: Pack) -> dict` that returns the
token's claims or raises. It must verify against `pack.jwks` (the JWKS as a dict), allow
`pack.algorithms`, demand `pack.issuer` and `pack.audience`, and read the time as `pack.now`
(UNIX seconds, frozen: freezegun, or your library's clock option). Optionally
`has_scope(claims) -> bool`, your check for `pack.scope`.

As pytest, one test per vector:
    VECTORS_VALIDATOR=my_module:validate [VECTORS_HAS_SCOPE=my_module:has_scope] \\
        pytest PACK/harness/vectors.py
(`my_module` is imported from the current folder or PYTHONPATH; VECTORS_PACK overrides the
pack's folder, by default the one above this file.)

As a library:
    from vectors import Pack, check
    problems = check(validate, "PACK")      # [] when the validator passes every vector
"""

import importlib
import json
import os
import pathlib
import sys


class Pack:
    """A vector pack: `now`, `issuer`, `audience`, `scope`, `algorithms`, `leeway`, `jwks`,
    `vectors` (the manifest's rows) and `manifest`."""

    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        self.manifest = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        m = self.manifest
        self.now = m["now"]
        self.issuer = m["issuer"]
        self.audience = m["audience"]
        self.scope = m["scope"]
        self.algorithms = m["algorithms"]
        self.leeway = m["leeway_secs"]
        self.jwks = json.loads((self.folder / m["jwks"]).read_text(encoding="utf-8"))
        self.vectors = m["vectors"]

    def token(self, vector):
        """The token of a vector, as sent."""
        return (self.folder / vector["file"]).read_text(encoding="utf-8")


def judge(validate, pack, vector, has_scope=None):
    """None when the validator treats the vector as it must, else why not (one line)."""
    try:
        claims = validate(pack.token(vector), pack)
        accepted, error = True, None
    except Exception as e:  # every refusal is an exception, whatever its type
        claims, accepted, error = None, False, f"{type(e).__name__}: {e}"
    expect = vector["expect"]
    if expect == "accept" and not accepted:
        return f"{vector['name']}: refused ({error}), must be accepted: {vector['why']}"
    if expect == "refuse" and accepted:
        return f"{vector['name']}: accepted, must be refused: {vector['why']}"
    if expect == "accept" and has_scope is not None:
        granted = bool(has_scope(claims))
        if granted != (vector["scope"] == "granted"):
            want = "grant" if vector["scope"] == "granted" else "refuse"
            return f"{vector['name']}: the scope check must {want} {pack.scope}: {vector['why']}"
    return None


def check(validate, folder, has_scope=None):
    """Every vector the validator gets wrong, one line each."""
    pack = Pack(folder)
    return [p for p in (judge(validate, pack, v, has_scope) for v in pack.vectors) if p]


def _load(spec):
    module, _, name = spec.partition(":")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return getattr(importlib.import_module(module), name or "validate")


if os.environ.get("VECTORS_VALIDATOR"):
    import pytest

    _PACK = Pack(os.environ.get("VECTORS_PACK") or pathlib.Path(__file__).resolve().parent.parent)
    _VALIDATE = _load(os.environ["VECTORS_VALIDATOR"])
    _HAS_SCOPE = _load(os.environ["VECTORS_HAS_SCOPE"]) if os.environ.get("VECTORS_HAS_SCOPE") else None

    @pytest.mark.parametrize("vector", _PACK.vectors, ids=[v["name"] for v in _PACK.vectors])
    def test_vector(vector):
        problem = judge(_VALIDATE, _PACK, vector, _HAS_SCOPE)
        assert problem is None, problem
