"""The offline vector pack (`conformance --vectors DIR`): reproducible byte for byte, passed by
PyJWT and jose configured as they should be, and failed, exactly where it must, by each
misconfigured (no audience, no issuer) and by a release that lets the header choose the
algorithm (jsonwebtoken 4.1.0, CVE-2015-9235) beside its fix. Run through the pack's own
harnesses: the Python one in-process, the node:test one as a user would.

Needs: CONFORMANCE_BIN, node, REPO/target/examples-node (jose) and the jsonwebtoken pins in
REPO/target/examples-pins (scripts/test installs both)."""

import filecmp
import json
import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(os.environ.get("REPO", ".")).resolve()
BIN = os.environ.get("CONFORMANCE_BIN", str(REPO / "target/debug/conformance"))
HERE = pathlib.Path(__file__).resolve().parent


def write_pack(folder, *args):
    done = subprocess.run(
        [BIN, "--vectors", str(folder), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return write_pack(tmp_path_factory.mktemp("pack") / "pyjwt", "--profile", "pyjwt")


@pytest.fixture(scope="module")
def harness(pack):
    sys.path.insert(0, str(pack / "harness"))
    sys.path.insert(0, str(HERE))
    import pyjwt_validators
    import vectors

    return vectors, pyjwt_validators


def manifest(pack):
    return json.loads((pack / "manifest.json").read_text())


def refused_for(pack, check):
    """The vectors that must be refused and break this check alone (a validator does not look
    at the scope): a validator that skips the check accepts exactly these."""
    return {
        v["name"]
        for v in manifest(pack)["vectors"]
        if v["expect"] == "refuse" and set(v.get("breaks", [])) - {"scope"} == {check}
    }


def failed(problems):
    return {p.split(":", 1)[0] for p in problems}


def test_the_same_options_give_the_same_bytes_but_for_the_randomized_tokens(pack, tmp_path):
    again = write_pack(tmp_path / "again", "--profile", "pyjwt")
    files = sorted(str(p.relative_to(pack)) for p in pack.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(again)) for p in again.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(pack, again, files, shallow=False)
    randomized = {v["file"] for v in manifest(pack)["vectors"] if not v["reproducible"]}
    assert not errors
    assert set(mismatch) <= randomized, set(mismatch) - randomized
    # ECDSA, RSA-PSS and a JWE: few, and every one of them named.
    assert 0 < len(randomized) <= 5, randomized
    m = manifest(pack)
    assert (m["now"], m["issuer"], m["leeway_secs"]) == (1767225600, "https://localhost:8443/", 0)
    rows = {v["name"]: v for v in m["vectors"]}
    assert len(rows) > 200 and rows["valid"]["expect"] == "accept", len(rows)


def test_a_folder_that_holds_something_else_is_refused_with_exit_2(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    done = subprocess.run([BIN, "--vectors", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2 and "holds no vector pack" in done.stderr, done.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_pyjwt_configured_as_it_should_be_passes_every_vector(pack, harness):
    vectors, v = harness
    assert vectors.check(v.correct, pack, has_scope=v.has_scope) == []


def test_pyjwt_without_the_audience_check_fails_exactly_the_audience_vectors(pack, harness):
    vectors, v = harness
    got = failed(vectors.check(v.no_audience, pack))
    assert got == refused_for(pack, "audience") and "aud-wrong" in got, got


def test_pyjwt_without_the_issuer_check_fails_exactly_the_issuer_vectors(pack, harness):
    vectors, v = harness
    got = failed(vectors.check(v.no_issuer, pack))
    assert got == refused_for(pack, "issuer") and "iss-wrong-evil" in got, got


def test_pyjwt_with_every_algorithm_allowed_still_passes(pack, harness):
    # PyJWT refuses an RSA key as an HMAC secret and `none` with a key: its own defaults hold,
    # and the pack raises no false alarm for it.
    vectors, v = harness
    assert vectors.check(v.open_algorithms, pack) == []


def node_harness(pack, tmp_path, validator, modules, env):
    """The pack's node:test harness over `validator`, resolving packages from `modules`."""
    work = tmp_path / "node"
    work.mkdir(exist_ok=True)
    link = work / "node_modules"
    if link.exists():
        link.unlink()
    link.symlink_to(modules)
    (work / validator).write_bytes((HERE / validator).read_bytes())
    done = subprocess.run(
        ["node", "--test", "--test-reporter=tap", str(pack / "harness/vectors.mjs")],
        cwd=work,
        env={**os.environ, **env, "VECTORS_VALIDATOR": f"./{validator}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    failures = {
        line.split(" - ", 1)[1].strip()
        for line in done.stdout.splitlines()
        if line.startswith("not ok ")
    }
    assert (done.returncode == 0) == (not failures), done.stdout[-2000:] + done.stderr[-2000:]
    return failures


JOSE = REPO / "target/examples-node/node_modules"


@pytest.mark.parametrize(
    "config, check",
    [("correct", None), ("open-algorithms", None), ("no-audience", "audience"), ("no-issuer", "issuer")],
)
def test_jose_fails_exactly_what_its_configuration_skips(pack, tmp_path, config, check):
    got = node_harness(pack, tmp_path, "jose_validators.mjs", JOSE, {"JOSE_CONFIG": config})
    want = refused_for(pack, check) if check else set()
    assert got == want, got ^ want


def test_jsonwebtoken_4_1_0_lets_the_header_choose_hs256_and_4_2_2_does_not(pack, tmp_path):
    pins = REPO / "target/examples-pins"
    old = node_harness(
        pack, tmp_path, "jsonwebtoken_validators.mjs", pins / "jsonwebtoken-4.1.0/node_modules", {}
    )
    fixed = node_harness(
        pack, tmp_path, "jsonwebtoken_validators.mjs", pins / "jsonwebtoken-4.2.2/node_modules", {}
    )
    # CVE-2015-9235: HS256 (and HS384, HS512) keyed with the very PEM the API verifies with.
    confusion = {name for name in old - fixed if name.startswith("hs-pubkey-pem")}
    assert {"hs-pubkey-pem", "hs-pubkey-pem-hs384", "hs-pubkey-pem-hs512"} <= confusion, old
    assert not {n for n in fixed if n.startswith("hs-")}, fixed
    # What both releases get wrong, the same way: no `nbf` check before 5.0.
    assert {"nbf-future", "nbf-future-string"} <= old & fixed
