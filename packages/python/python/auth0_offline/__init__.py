"""auth0-offline for Python: a TEST-ONLY Auth0 tenant on localhost (`Tenant`), the conformance
suite (`run_conformance`), and a pytest plugin (fixtures `auth0_tenant`, `auth0_tenant_fresh`,
`auth0_conformance`). The `mock-tenant` and `conformance` commands are on the environment's PATH.

The tenant mints valid tokens for anyone who asks, signed with public TEST-ONLY keys: use it in
tests and CI only.
"""

from ._binaries import BinaryNotFound, binary
from .conformance import ConformanceError, Report, run_conformance
from .tenant import Tenant, TenantError

__all__ = [
    "BinaryNotFound",
    "ConformanceError",
    "Report",
    "Tenant",
    "TenantError",
    "binary",
    "run_conformance",
]
