"""Compares a conformance JSON report's findings with the expected lists (snapshots): the failing
cases, and (given a third path) the warnings. `?id` lines: either way (timing-dependent)."""
import json
import sys


def read(path):
    try:
        lines = [l.strip() for l in open(path) if l.strip() and not l.startswith("#")]
    except FileNotFoundError:
        lines = []
    return {l for l in lines if not l.startswith("?")}, {l[1:] for l in lines if l.startswith("?")}


def compare(found, expected_path, what):
    expected, optional = read(expected_path)
    found = found - optional
    if found == expected:
        print(f"{len(found)} {what}, as expected in {expected_path}")
        return True
    print(f"{what} changed for {expected_path}:")
    for case in sorted(found - expected):
        print(f"  new: {case}")
    for case in sorted(expected - found):
        print(f"  gone: {case}")
    return False


report = json.load(open(sys.argv[1]))
outcomes = report["outcomes"]
if report.get("contaminated_by"):
    print(f"the run was contaminated by {report['contaminated_by']}")
failing = {o["id"] for o in outcomes if o["verdict"].startswith("fail") and not o.get("contaminated_by")}
ok = compare(failing, sys.argv[2], "findings")
if len(sys.argv) > 3:
    warnings = {o["id"] for o in outcomes if o["verdict"].startswith("warn")}
    ok = compare(warnings, sys.argv[3], "warnings") and ok
sys.exit(0 if ok else 1)
