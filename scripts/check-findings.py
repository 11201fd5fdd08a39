"""Compares a conformance JSON report's failing cases with an expected list (a snapshot)."""
import json
import sys

report_path, expected_path = sys.argv[1], sys.argv[2]
report = json.load(open(report_path))
failing = {o["id"] for o in report["outcomes"] if o["verdict"].startswith("fail")}
lines = [l.strip() for l in open(expected_path) if l.strip() and not l.startswith("#")]
expected = {l for l in lines if not l.startswith("?")}
optional = {l[1:] for l in lines if l.startswith("?")}  # depends on the API's timing: either way
failing -= optional
if failing != expected:
    print(f"findings changed for {expected_path}:")
    for case in sorted(failing - expected):
        print(f"  new failure: {case}")
    for case in sorted(expected - failing):
        print(f"  no longer failing: {case}")
    sys.exit(1)
print(f"{len(failing)} findings, as expected in {expected_path}")
