"""The SARIF logs that scripts/test's example runs wrote (target/<run>.sarif), each checked
against the SARIF 2.1.0 JSON schema (SARIF_SCHEMA: Microsoft's copy, from npm) and against the
run's own JSON report (target/<run>-report.json): one result per failure or warning, of the
right level, and nothing else."""

import json
import os
import pathlib

import jsonschema
import pytest

TARGET = pathlib.Path(os.environ.get("SARIF_DIR", "target"))
LOGS = sorted(TARGET.glob("*.sarif"))


def schema():
    with open(os.environ["SARIF_SCHEMA"], encoding="utf-8") as f:
        return json.load(f)


def test_the_example_runs_wrote_sarif_logs():
    assert len(LOGS) >= 10, f"only {LOGS} in {TARGET}"


@pytest.mark.parametrize("log", LOGS, ids=[p.stem for p in LOGS])
def test_each_log_is_valid_sarif_and_matches_its_report(log):
    sarif = json.loads(log.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(sarif)]
    assert not errors, errors

    report = json.loads(log.with_name(f"{log.stem}-report.json").read_text(encoding="utf-8"))
    failures = {"FAIL unsafe", "FAIL functional", "FAIL robustness", "FAIL strict"}
    warnings = {"warn", "warn strict"}
    labels = {
        "fail-unsafe": "FAIL unsafe",
        "fail-functional": "FAIL functional",
        "fail-robustness": "FAIL robustness",
        "fail-strict": "FAIL strict",
        "warn-conformance": "warn",
        "warn-strict": "warn strict",
    }
    want = {}
    for o in report["outcomes"]:
        label = labels.get(o["verdict"])
        if label and "contaminated_by" not in o:
            want[o["id"]] = "error" if label in failures else "warning"
            assert label in failures | warnings
    run = sarif["runs"][0]
    got = {r["properties"]["case"]: r["level"] for r in run["results"]}
    assert got == want
    rules = run["tool"]["driver"]["rules"]
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        # GitHub code scanning drops a result without a file: every example names its profile.
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
