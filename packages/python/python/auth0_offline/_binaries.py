"""Where the `mock-tenant` and `conformance` binaries are: the ones this wheel installed into the
environment's scripts folder, else the first on PATH, else AUTH0_OFFLINE_BIN_DIR."""

import os
import shutil
import sysconfig


class BinaryNotFound(RuntimeError):
    """Neither the wheel's copy nor one on PATH exists."""


def binary(name: str) -> str:
    """The path of `mock-tenant` or `conformance`.

    AUTH0_OFFLINE_BIN_DIR, when set, wins (a cargo build's target/debug, say); then the scripts
    folder of the running interpreter's environment, where `pip install auth0-offline` put them;
    then PATH.
    """
    override = os.environ.get("AUTH0_OFFLINE_BIN_DIR")
    candidates = []
    if override:
        candidates.append(os.path.join(override, name))
    candidates.append(os.path.join(sysconfig.get_path("scripts"), name))
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if found:
        return found
    raise BinaryNotFound(
        f"{name} not found in {', '.join(candidates)} or on PATH: "
        "install the auth0-offline wheel, or set AUTH0_OFFLINE_BIN_DIR"
    )
