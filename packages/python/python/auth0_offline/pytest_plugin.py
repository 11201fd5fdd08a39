"""The pytest plugin (entry point `pytest11`), active once the wheel is installed.

Fixtures:
- `auth0_tenant` (session): a running mock tenant (`auth0_offline.Tenant`): `domain`, `issuer`,
  `audience`, `ca_file`, `env`, `token()`, `token(defect=...)`, `rotate_keys()`,
  `jwks_fault(...)`, `clock(...)`, `reset()`, `stats()`.
- `auth0_tenant_fresh` (test): the same tenant, reset to its start before and after the test.
- `auth0_conformance` (test): a function that runs the suite against an API the test started
  and fails the test with the findings. Tests that use it, or carry the `conformance` marker,
  run only with `pytest --conformance` (a full run takes seconds to minutes).

Options: `--conformance`; `--auth0-tenant-file FILE` (a tenant file for `auth0_tenant`).
"""

from typing import Any, Iterator, Optional

import pytest

from .conformance import Report, run_conformance
from .tenant import Tenant


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("auth0-offline")
    group.addoption(
        "--conformance",
        action="store_true",
        default=False,
        help="run the tests that use auth0_conformance or carry the conformance marker",
    )
    group.addoption(
        "--auth0-tenant-file",
        default=None,
        help="tenant file (JSON) for the auth0_tenant fixture; default: the quickstart tenant",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "conformance: runs the conformance suite; only with pytest --conformance"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    if config.getoption("--conformance"):
        return
    skip = pytest.mark.skip(reason="runs the conformance suite: pass --conformance")
    for item in items:
        if "conformance" in item.keywords or "auth0_conformance" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def auth0_tenant(pytestconfig: pytest.Config) -> Iterator[Tenant]:
    """A mock Auth0 tenant for the whole test session, stopped at its end."""
    tenant = Tenant.start(tenant_file=pytestconfig.getoption("--auth0-tenant-file"))
    try:
        yield tenant
    finally:
        tenant.stop()


@pytest.fixture
def auth0_tenant_fresh(auth0_tenant: Tenant) -> Iterator[Tenant]:
    """The session's tenant, reset before and after the test (keys, faults, clock, counters)."""
    auth0_tenant.reset()
    try:
        yield auth0_tenant
    finally:
        auth0_tenant.reset()


class ConformanceHelper:
    """`auth0_conformance(api_url, **options)`: runs the suite against the API (with the
    session's tenant) and fails the test with the findings; returns the report when it passes.
    `auth0_conformance.run(...)` returns the report without judging it."""

    def __init__(self, tenant: Tenant):
        self._tenant = tenant

    def run(self, api: Optional[str] = None, **options: Any) -> Report:
        """The report, passed or not (options as `auth0_offline.run_conformance`)."""
        if api is not None and "tenant" not in options:
            options["tenant"] = self._tenant
        return run_conformance(api, **options)

    def __call__(self, api: Optional[str] = None, **options: Any) -> Report:
        report = self.run(api, **options)
        if not report.passed:
            pytest.fail(
                f"conformance: {len(report.failures)} case(s) failed against "
                f"{report.raw.get('target')}\n{report.findings_text()}",
                pytrace=False,
            )
        return report


@pytest.fixture
def auth0_conformance(auth0_tenant: Tenant) -> ConformanceHelper:
    """Runs the conformance suite; see `ConformanceHelper`."""
    return ConformanceHelper(auth0_tenant)
