"""The example app's own tests, written the way a team would with the auth0-offline plugin:
real tokens from a local tenant, keys rotated and the JWKS broken on purpose, and the
conformance suite (with `pytest --conformance`)."""

import json
import urllib.error
import urllib.request

import pytest


def get(url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_a_valid_token_opens_the_private_route(auth0_tenant, start_api):
    api = start_api()
    assert get(f"{api}/api/private", auth0_tenant.token())[0] == 200
    assert get(f"{api}/api/private")[0] == 401


def test_a_token_from_the_token_endpoint_works_too(auth0_tenant, start_api):
    api = start_api()
    answer = auth0_tenant.client_credentials()
    assert answer["token_type"] == "Bearer"
    assert get(f"{api}/api/private-scoped", answer["access_token"])[0] == 200


@pytest.mark.parametrize("defect", ["exp-past", "aud-wrong", "iss-wrong-evil", "alg-none", "sig-broken-bitflip"])
def test_broken_tokens_are_refused_with_401(auth0_tenant, start_api, defect):
    status, body = get(f"{start_api()}/api/private", auth0_tenant.token(defect))
    assert (status, body["error"]) == (401, "invalid_token")


def test_a_token_without_the_scope_gets_403(auth0_tenant, start_api):
    status, body = get(f"{start_api()}/api/private-scoped", auth0_tenant.token(scope="openid"))
    assert (status, body["error"]) == (403, "insufficient_scope")


def test_tokens_of_a_rotated_key_still_pass(auth0_tenant_fresh, start_api):
    api = start_api()
    before = auth0_tenant_fresh.token()
    assert get(f"{api}/api/private", before)[0] == 200
    keys = auth0_tenant_fresh.rotate_keys()
    after = auth0_tenant_fresh.token()
    assert keys["previous"] and keys["current"] != keys["previous"]
    assert get(f"{api}/api/private", after)[0] == 200
    assert get(f"{api}/api/private", before)[0] == 200


def test_a_jwks_outage_refuses_with_401_not_500(auth0_tenant_fresh, start_api):
    api = start_api()  # a cold cache: the first token makes it fetch the key set
    auth0_tenant_fresh.jwks_fault("status", status=503)
    assert get(f"{api}/api/private", auth0_tenant_fresh.token())[0] == 401
    assert auth0_tenant_fresh.jwks_fetches() >= 1
    auth0_tenant_fresh.jwks_fault(None)
    assert get(f"{api}/api/private", auth0_tenant_fresh.token())[0] == 200


def test_a_token_minted_25_hours_ago_has_expired(auth0_tenant_fresh, start_api):
    auth0_tenant_fresh.clock(-25 * 3600)  # the API's tokens live 24 hours, as Auth0's default
    assert get(f"{start_api()}/api/private", auth0_tenant_fresh.token())[0] == 401


def test_the_fresh_fixture_left_the_tenant_as_it_found_it(auth0_tenant):
    # Runs after the tests above moved the clock and broke the JWKS: both were undone.
    state = auth0_tenant.state()
    assert (state["fault"], state["clock_offset"]) == (None, 0)


def test_the_app_passes_the_conformance_suite(auth0_conformance, start_api):
    report = auth0_conformance(
        start_api(), profile="pyjwt", args=["--jwks-cooldown", "2", "--jwks-ttl", "5"]
    )
    assert report.outcome("valid")["verdict"] == "pass"
    assert len(report.outcomes) > 100


def test_a_planted_flaw_fails_the_conformance_helper(auth0_conformance, start_api):
    api = start_api(planted_flaw="no-audience")
    with pytest.raises(pytest.fail.Exception) as failed:
        auth0_conformance(api, only=["aud-", "valid"])
    assert "aud-wrong: fail-unsafe" in str(failed.value)
    report = auth0_conformance.run(api, only=["aud-", "valid"])
    assert not report.passed
    assert report.outcome("valid")["verdict"] == "pass"
