"""Runs the `conformance` suite against an API and reads its JSON report."""

import json
import os
import subprocess
from typing import Any, Dict, List, Optional, Sequence

from ._binaries import binary
from .tenant import Tenant

FAILURES = ("fail-unsafe", "fail-functional", "fail-robustness", "fail-strict")
WARNINGS = ("warn-conformance", "warn-strict")


class ConformanceError(RuntimeError):
    """The suite could not judge the API (exit 2: a bad option, an API that never answered,
    an unsteady API); the message has what it printed."""


class Report:
    """A conformance report: `outcomes` (one dict per case: `id`, `verdict`, `note`, `severity`,
    `spec`, `exchanges`, ...), `failures`, `warnings`, `summary`, and `raw`, the whole JSON."""

    def __init__(self, raw: Dict[str, Any], exit_code: int, stderr: str):
        self.raw = raw
        self.exit_code = exit_code
        self.stderr = stderr
        self.outcomes: List[Dict[str, Any]] = raw.get("outcomes", [])
        counted = [o for o in self.outcomes if "contaminated_by" not in o]
        self.failures = [o for o in counted if o["verdict"] in FAILURES]
        self.warnings = [o for o in counted if o["verdict"] in WARNINGS]

    @property
    def passed(self) -> bool:
        """No failure (warnings do not fail a run)."""
        return not self.failures and self.exit_code == 0

    @property
    def summary(self) -> str:
        """`N passed, M failed, ...`, as the command prints it."""
        return self.stderr.strip().splitlines()[-1] if self.stderr.strip() else ""

    def outcome(self, case_id: str) -> Dict[str, Any]:
        """The outcome of one case, by id (KeyError when the run had no such case)."""
        for o in self.outcomes:
            if o["id"] == case_id:
                return o
        raise KeyError(case_id)

    def findings_text(self) -> str:
        """The failures, one line each: `id: verdict: why`, with the request that showed it."""
        lines = []
        for o in self.failures:
            request = o["exchanges"][-1]["request"] if o.get("exchanges") else ""
            lines.append(f"{o['id']}: {o['verdict']}: {o['note']}" + (f" [{request}]" if request else ""))
        return "\n".join(lines)

    def assert_passes(self) -> None:
        """Raises AssertionError with the findings when any case failed."""
        if not self.passed:
            raise AssertionError(
                f"conformance: {len(self.failures)} case(s) failed against {self.raw.get('target')}\n"
                + self.findings_text()
            )


def run_conformance(
    api: Optional[str] = None,
    *,
    exec: Optional[str] = None,  # noqa: A002 (the option's own name)
    tenant: Optional[Tenant] = None,
    profile: Optional[str] = None,
    profile_file: Optional[str] = None,
    only: Optional[Sequence[str]] = None,
    openapi: Optional[str] = None,
    args: Sequence[str] = (),
    timeout: float = 900.0,
) -> Report:
    """Runs the suite and returns its report.

    Either `api`, the URL of an API your test started (then pass the `tenant` it trusts: the
    suite mints its tokens there and puts the tenant's state back when it ends), or `exec`, a
    command the suite starts itself once per fresh tenant (it sets PORT, AUTH0_DOMAIN,
    AUTH0_AUDIENCE, SSL_CERT_FILE, ... for it). `profile` names a built-in profile, `profile_file`
    is a profile JSON; `only` keeps the cases whose id starts with one of these prefixes;
    `openapi` audits every operation of that document (a file, URL or path on the API).
    `args` are more `conformance` options. Raises ConformanceError when the suite cannot judge
    the API (exit 2)."""
    if (api is None) == (exec is None):
        raise ValueError("give exactly one of api= and exec=")
    command = [binary("conformance"), "--json"]
    if api is not None:
        command += ["--api", api]
    else:
        command += ["--exec", exec]
    if tenant is not None:
        command += ["--tenant", tenant.url, "--tenant-ca", tenant.ca_file]
    if profile:
        command += ["--profile", profile]
    if profile_file:
        command += ["--profile-file", str(profile_file)]
    if only:
        command += ["--only", ",".join(only)]
    if openapi:
        command += ["--openapi", openapi]
    command += list(args)
    # The suite's options come from the call, not from CONFORMANCE_* variables of the test run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    done = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if done.returncode not in (0, 1):
        raise ConformanceError(
            f"conformance exited {done.returncode} ({' '.join(command)}):\n{done.stderr[-4000:]}"
        )
    try:
        raw = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise ConformanceError(
            f"conformance printed no JSON report ({' '.join(command)}):\n{done.stderr[-4000:]}"
        ) from None
    return Report(raw, done.returncode, done.stderr)
