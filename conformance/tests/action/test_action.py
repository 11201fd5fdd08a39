"""The composite action (action.yml), run step by step as GitHub's runner would: each `run:`
step under `bash -e -o pipefail` with its `env:` rendered from the inputs, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY and GITHUB_PATH as files, `if: always()` steps after a failure, and the
`uses:` steps (artifact and SARIF uploads) checked by what they would upload.

Needs: REPO (the checkout), the wheel in REPO/target/dist (scripts/package), sample-api in
REPO/target/debug, and REPO/target/examples-venv for the Flask example with a real flaw."""

import json
import os
import pathlib
import re
import subprocess

import yaml

REPO = pathlib.Path(os.environ.get("REPO", ".")).resolve()
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


class Run:
    """One run of the action: its step results, outputs, summary and PATH additions."""

    def __init__(self, tmp, inputs, env):
        self.tmp = tmp
        self.inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        unknown = set(inputs) - set(self.inputs)
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs.update(inputs)
        self.env = dict(os.environ, **env)
        self.files = {name: tmp / name for name in ("output", "summary", "path")}
        for f in self.files.values():
            f.write_text("")
        self.env.update(
            GITHUB_OUTPUT=str(self.files["output"]),
            GITHUB_STEP_SUMMARY=str(self.files["summary"]),
            GITHUB_PATH=str(self.files["path"]),
        )
        self.steps = []  # (name, "success" | "failure" | "skipped" | "uses", detail)

    def value(self, expression):
        """The few expressions action.yml uses."""
        if expression.startswith("inputs."):
            return self.inputs[expression[len("inputs."):]]
        if expression == "github.action_path":
            return str(REPO)
        if expression == "runner.temp":
            return str(self.tmp / "runner-temp")
        raise AssertionError(f"an expression the harness does not know: {expression}")

    def render(self, text):
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), str(text))

    def condition(self, step, failed):
        """`if:` as the runner reads it: no condition means success(); always() runs anyway."""
        condition = step.get("if")
        if condition is None:
            return not failed
        ok = True
        for part in condition.split("&&"):
            part = part.strip()
            if part == "always()":
                continue
            m = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", part)
            assert m, f"a condition the harness does not know: {part}"
            ok = ok and self.inputs[m.group(1)] == m.group(2)
        return ok if "always()" in condition else ok and not failed

    def go(self):
        failed = False
        workdir = self.tmp / "work"
        workdir.mkdir(exist_ok=True)
        for step in ACTION["runs"]["steps"]:
            name = step["name"]
            if not self.condition(step, failed):
                self.steps.append((name, "skipped", ""))
                continue
            if "uses" in step:
                with_ = {k: self.render(v) for k, v in step.get("with", {}).items()}
                self.steps.append((name, "uses", with_))
                continue
            env = dict(self.env)
            env.update({k: self.render(v) for k, v in step.get("env", {}).items()})
            extra = [p for p in self.files["path"].read_text().splitlines() if p]
            env["PATH"] = ":".join(list(reversed(extra)) + [env["PATH"]])
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=workdir, env=env, capture_output=True, text=True, timeout=900,
            )
            status = "success" if done.returncode == 0 else "failure"
            failed = failed or done.returncode != 0
            self.steps.append((name, status, done.stdout + done.stderr))
        return self

    def status(self, name):
        return next(s for s in self.steps if s[0] == name)

    def outputs(self):
        return dict(line.split("=", 1) for line in self.files["output"].read_text().splitlines() if "=" in line)

    def summary(self):
        return self.files["summary"].read_text()

    def reports(self):
        return self.tmp / "work" / self.inputs["reports-dir"]


def test_a_passing_run_installs_from_the_wheel_and_keeps_every_report(tmp_path):
    # install: pip, from the wheel scripts/package built (no index: the local folder only).
    run = Run(
        tmp_path,
        {
            "install": "pip",
            "api-command": str(REPO / "target/debug/sample-api"),
            "only": "valid,alg-",
            "args": "--jwks-cooldown 2",
        },
        {"PIP_FIND_LINKS": str(REPO / "target/dist"), "PIP_NO_INDEX": "1"},
    ).go()
    install = run.status("Install mock-tenant and conformance")
    assert install[1] == "success", install[2]
    assert (tmp_path / "runner-temp/auth0-offline/bin/conformance").exists()
    conformance = run.status("Run conformance")
    assert conformance[1] == "success", conformance[2]
    outputs = run.outputs()
    assert outputs["result"] == "passed"
    assert re.fullmatch(r"\d+ passed, 0 failed.*", outputs["summary"]), outputs
    reports = run.reports()
    for name in ("junit.xml", "report.html", "report.json", "report.sarif", "summary.md"):
        assert (reports / name).stat().st_size > 0, name
    assert "### Conformance of" in run.summary() and "No findings." in run.summary()
    keep = run.status("Keep the reports")
    assert keep[1] == "uses" and keep[2]["path"] == "conformance-reports"
    assert run.status("Upload SARIF to code scanning")[1] == "skipped"


def test_a_real_flaw_fails_the_step_and_still_reaches_the_summary_and_code_scanning(tmp_path):
    python = REPO / "target/examples-venv/bin/python"
    server = REPO / "examples/flask-jwcrypto/server.py"
    run = Run(
        tmp_path,
        {
            "install": "none",
            "api-command": f"env JWKS_CACHE_SECS=5 JWKS_COOLDOWN_SECS=2 {python} {server}",
            "profile-file": str(REPO / "examples/flask-jwcrypto/profile.json"),
            "only": "nbf-future,valid",
            "upload-sarif": "true",
            "sarif-artifact": "examples/flask-jwcrypto/server.py",
        },
        {"PATH": f"{REPO / 'target/debug'}:{os.environ['PATH']}"},
    ).go()
    conformance = run.status("Run conformance")
    assert conformance[1] == "failure", conformance[2]
    assert run.outputs()["result"] == "failed"
    assert run.status("Write the job summary")[1] == "success"
    assert "| `nbf-future` | FAIL unsafe |" in run.summary(), run.summary()
    upload = run.status("Upload SARIF to code scanning")
    assert upload[1] == "uses"
    sarif = json.loads((tmp_path / "work" / upload[2]["sarif_file"]).read_text())
    errors = {r["ruleId"] for r in sarif["runs"][0]["results"] if r["level"] == "error"}
    assert "nbf-future" in errors
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "examples/flask-jwcrypto/server.py"


def test_inputs_that_cannot_work_stop_with_exit_2(tmp_path):
    run = Run(tmp_path, {"install": "brew"}, {}).go()
    install = run.status("Install mock-tenant and conformance")
    assert install[1] == "failure" and "install must be source, pip or none" in install[2]
    assert run.status("Run conformance")[1] == "skipped"
    (tmp_path / "both").mkdir()
    both = Run(
        tmp_path / "both", {"install": "none", "api-command": "x", "api-url": "http://127.0.0.1:1"}, {}
    ).go()
    step = both.status("Run conformance")
    assert step[1] == "failure" and "exactly one of api-command and api-url" in step[2]
