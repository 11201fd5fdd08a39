"""A single-page app on Auth0's own browser SDK, auth0-spa-js (under auth0-react, -vue and
-angular), unmodified, in headless Chromium: a static page on http://localhost:PORT against the
HTTPS tenant. Login by redirect, the callback, the user, tokens from the cache, through the hidden
iframe (response_mode=web_message) and through rotating refresh tokens, then logout, after which
silent auth answers login_required. A page on an origin the client does not allow is refused.

The SDK comes from the registry as `npm pack` fetches it (its dependencies are bundled in
dist/): `npm install` cannot work here, one of its dependencies is missing from the registry.
"""

import base64
import functools
import http.server
import json
import pathlib
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import urllib.parse

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT
from test_browser import CHROMIUM, FLAGS

SPA_JS_VERSION = "2.28.3"
SPA_JS_DIR = ROOT / "target" / f"auth0-spa-js-{SPA_JS_VERSION}"
CLIENT_ID = "quickstart-spa"
# Every step is bounded: silent auth gives up after this, a page step after STEP_MS.
IFRAME_TIMEOUT_SECS = 10
STEP_MS = 20000

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>SPA under test</title>
<script src="/auth0-spa-js.production.js"></script></head><body><h1 id="ready">SPA</h1>
<script>
window.options = __OPTIONS__;
window.makeClient = (extra) => {
  extra = extra || {};
  const authorizationParams = {...window.options.authorizationParams, ...extra.authorizationParams};
  window.client = new auth0.Auth0Client({...window.options, ...extra, authorizationParams});
};
window.attempt = async (step) => {
  try { return {ok: await step()}; }
  catch (e) { return {error: e.error || e.name, description: e.error_description || e.message}; }
};
</script></body></html>"""


def spa_js() -> pathlib.Path:
    """auth0-spa-js's self-contained bundle, fetched once by `npm pack` into target/."""
    bundle = SPA_JS_DIR / "package" / "dist" / "auth0-spa-js.production.js"
    if bundle.exists():
        return bundle
    assert shutil.which("npm"), "npm is missing: scripts/test installs it"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"@auth0/auth0-spa-js@{SPA_JS_VERSION}", "--silent"],
                       cwd=tmp, check=True, timeout=180, stdout=subprocess.DEVNULL)
        (archive,) = pathlib.Path(tmp).glob("*.tgz")
        staging = pathlib.Path(tmp) / "unpacked"
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
        SPA_JS_DIR.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(SPA_JS_DIR, ignore_errors=True)
        shutil.move(str(staging), SPA_JS_DIR)
    assert bundle.exists(), f"{bundle} is not in the package"
    return bundle


class Site:
    """A static site on http://localhost:PORT serving the page and the SDK's bundle."""

    def __init__(self, root: pathlib.Path):
        handler = functools.partial(Quiet, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://localhost:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def sites(tenant, tmp_path):
    """Two sites serving the same app: the first registered on the SPA client, the other not."""
    shutil.copy(spa_js(), tmp_path / "auth0-spa-js.production.js")
    app, stranger = Site(tmp_path), Site(tmp_path)
    options = {
        "domain": tenant.domain,
        "clientId": CLIENT_ID,
        "authorizationParams": {"audience": tenant.audience},
        "authorizeTimeoutInSeconds": IFRAME_TIMEOUT_SECS,
    }
    (tmp_path / "index.html").write_text(PAGE.replace("__OPTIONS__", json.dumps(options)))
    try:
        yield app, stranger
    finally:
        app.close()
        stranger.close()


def form(body: str) -> dict:
    """A token request's parameters: auth0-spa-js 2 posts a form (useFormData), 1.x posted JSON."""
    if body.startswith("{"):
        return json.loads(body)
    return {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}


def payload(jwt: str) -> dict:
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def refresh_tokens(page) -> list:
    """The refresh tokens auth0-spa-js keeps in localStorage (cacheLocation: 'localstorage')."""
    return page.evaluate("""() => Object.keys(localStorage)
        .filter(k => k.startsWith('@@auth0spajs@@::'))
        .map(k => JSON.parse(localStorage.getItem(k)).body)
        .filter(b => b && b.refresh_token).map(b => b.refresh_token)""")


def login_by_redirect(page, app: str, extra: str, hint: str = ""):
    """loginWithRedirect, back at the app with a code, then handleRedirectCallback."""
    params = f"{{authorizationParams: {{login_hint: {json.dumps(hint)}}}}}" if hint else "{}"
    page.evaluate(f"() => {{ makeClient({extra}); client.loginWithRedirect({params}); }}")
    page.wait_for_url(re.compile(re.escape(app) + r"/\?code="), timeout=STEP_MS)
    page.wait_for_selector("#ready", timeout=STEP_MS)
    done = page.evaluate(f"() => {{ makeClient({extra}); return attempt(() => client.handleRedirectCallback()); }}")
    assert "ok" in done, done


def test_auth0_spa_js_logs_in_gets_tokens_silently_refreshes_and_logs_out(tenant, sites, tmp_path_factory):
    app, stranger = sites
    profile = tmp_path_factory.mktemp("chromium-profile")
    (profile / "Default").mkdir()
    (profile / "Default" / "Preferences").write_text(json.dumps(
        {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}))
    seen = []  # every request to the tenant, in order: (method, path and query, body)
    with sync_playwright() as p:
        # A profile of its own, as a person's browser has: a fresh context would be off the
        # record, where Chromium blocks third-party cookies, and silent auth in the iframe needs
        # the tenant's SSO cookie in the app's page (see docs/login-flows.md, "Single-page apps").
        # The tenant's certificate comes from its own test CA, which Chromium's store lacks.
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            ignore_https_errors=True)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.on("request", lambda r: r.url.startswith(tenant.url) and seen.append(
                (r.method, r.url[len(tenant.url):], r.post_data or "")))
            page.goto(app.url, timeout=STEP_MS)

            # The page registers itself on the SPA client through the control API, as a
            # browser test can: CORS on /_mock/ lets it read and replace the tenant's config.
            registered = page.evaluate("""async ([tenant, app]) => {
                const config = await (await fetch(tenant + '/_mock/config')).json();
                const spa = config.clients.find(c => c.client_id === 'quickstart-spa');
                spa.callbacks.push(app); spa.allowed_logout_urls.push(app);
                spa.web_origins.push(app);
                const put = await fetch(tenant + '/_mock/config', {method: 'PUT',
                    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(config)});
                return put.status;
            }""", [tenant.url, app.url])
            assert registered == 204

            redirect = f"{{authorizationParams: {{redirect_uri: {json.dumps(app.url)}}}}}"
            # 1-2. loginWithRedirect with a login_hint (the tenant logs Bob in at once), then
            # the callback: the code is redeemed by fetch, with the Auth0-Client header.
            login_by_redirect(page, app.url, redirect, hint="bob@example.com")
            authorize = next(path for method, path, _ in seen if path.startswith("/authorize?"))
            assert "auth0Client=" in authorize and "login_hint=bob%40example.com" in authorize
            exchange = [form(body) for method, path, body in seen
                        if method == "POST" and path == "/oauth/token"]
            assert exchange[-1]["grant_type"] == "authorization_code", exchange

            # 3. getUser: the ID token's profile.
            user = page.evaluate("() => client.getUser()")
            assert (user["email"], user["sub"]) == ("bob@example.com", "auth0|65f0c0ffee0000000000b0b0")

            # 4. getTokenSilently from the cache: no request at all.
            before = len(seen)
            cached = page.evaluate("() => client.getTokenSilently()")
            assert len(seen) == before, seen[before:]
            assert tenant.audience in payload(cached)["aud"]

            # 5. cacheMode 'off': the hidden iframe, prompt=none, answered by postMessage, on the
            # SSO cookie that reaches the HTTPS tenant from inside the http app's page.
            before = len(seen)
            fresh = page.evaluate("() => attempt(() => client.getTokenSilently({cacheMode: 'off'}))")
            assert "ok" in fresh, fresh
            assert payload(fresh["ok"])["sub"] == "auth0|65f0c0ffee0000000000b0b0"
            iframe = [path for _, path, _ in seen[before:] if path.startswith("/authorize?")]
            assert len(iframe) == 1 and "response_mode=web_message" in iframe[0] and "prompt=none" in iframe[0]
            assert [form(body)["grant_type"] for method, path, body in seen[before:]
                    if method == "POST" and path == "/oauth/token"] == ["authorization_code"]

            # 6. useRefreshTokens: a login (SSO, no page) that returns a rotating refresh token,
            # then cacheMode 'off' through the refresh_token grant by fetch, no iframe.
            rt = f"{{...{redirect}, useRefreshTokens: true, cacheLocation: 'localstorage'}}"
            login_by_redirect(page, app.url, rt)
            (first,) = refresh_tokens(page)
            before = len(seen)
            refreshed = page.evaluate("() => attempt(() => client.getTokenSilently({cacheMode: 'off'}))")
            assert "ok" in refreshed, refreshed
            grants = [form(body)["grant_type"] for method, path, body in seen[before:]
                      if method == "POST" and path == "/oauth/token"]
            assert grants == ["refresh_token"], seen[before:]
            assert not any(path.startswith("/authorize") for _, path, _ in seen[before:])
            (second,) = refresh_tokens(page)
            assert second != first, "rotation: each refresh returns a new refresh token"

            # 7. logout with returnTo, back at the app; silent auth then answers login_required.
            page.evaluate(f"() => {{ makeClient({redirect}); client.logout({{logoutParams: {{returnTo: {json.dumps(app.url)}}}}}); }}")
            page.wait_for_url(re.compile(re.escape(app.url) + r"/?$"), timeout=STEP_MS)
            page.wait_for_selector("#ready", timeout=STEP_MS)
            assert any(path.startswith("/v2/logout?") and "returnTo=" in path for _, path, _ in seen)
            after = page.evaluate(f"() => {{ makeClient({redirect}); return attempt(() => client.getTokenSilently()); }}")
            assert after["error"] == "login_required", after

            # A page on an origin the client does not allow: its fetch to the token endpoint is
            # refused with Auth0's 401, which the page can read; its silent auth gets no answer.
            other = context.new_page()
            other.goto(stranger.url, timeout=STEP_MS)
            refused = other.evaluate("""async (tenant) => {
                const res = await fetch(tenant + '/oauth/token', {method: 'POST',
                    headers: {'Content-Type': 'application/json'},
                    body: JSON.stringify({grant_type: 'refresh_token', client_id: 'quickstart-spa',
                                          refresh_token: 'anything'})});
                return [res.status, await res.json()];
            }""", tenant.url)
            assert refused == [401, {"error": "access_denied", "error_description": "Unauthorized"}]
            silent = other.evaluate(f"""() => {{ makeClient({{authorizationParams: {{redirect_uri: location.origin}},
                authorizeTimeoutInSeconds: 2}}); return attempt(() => client.getTokenSilently()); }}""")
            assert silent["error"] == "timeout", silent
        finally:
            context.close()


ORG = "org_spaorg0000000001"


def test_auth0_spa_js_logs_in_to_an_organization_and_checks_org_id_itself(tenant, sites):
    """auth0-spa-js with authorizationParams.organization: it sends the organization, and after
    the callback checks the ID token's org_id itself (since 2.1.0), so a login only succeeds if
    the tenant put the right one there. A non-member's callback carries Auth0's error, which the
    SDK throws. The tenant's config is put back at the end."""
    app, _ = sites
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.goto(app.url, timeout=STEP_MS)
            saved = page.evaluate("""async ([tenant, app, org]) => {
                const saved = await (await fetch(tenant + '/_mock/config')).json();
                const config = structuredClone(saved);
                const spa = config.clients.find(c => c.client_id === 'quickstart-spa');
                spa.callbacks.push(app);
                spa.organization_usage = 'allow';
                config.organizations = [{id: org, name: 'spa-org', display_name: 'SPA Org',
                                         members: ['bob@example.com']}];
                const put = await fetch(tenant + '/_mock/config', {method: 'PUT',
                    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(config)});
                if (put.status !== 204) throw new Error(await put.text());
                return saved;
            }""", [tenant.url, app.url, ORG])
            try:
                in_org = json.dumps({"authorizationParams": {"redirect_uri": app.url, "organization": ORG}})
                login_by_redirect(page, app.url, in_org, hint="bob@example.com")
                claims = page.evaluate("() => client.getIdTokenClaims()")
                assert (claims["org_id"], claims["sub"]) == (ORG, "auth0|65f0c0ffee0000000000b0b0")
                token = page.evaluate("() => client.getTokenSilently()")
                assert payload(token)["org_id"] == ORG

                # Alice is no member (prompt=login past Bob's session): the SDK throws the error.
                page.evaluate(f"""() => {{ makeClient({in_org});
                    client.loginWithRedirect({{authorizationParams: {{login_hint: 'alice@example.com',
                                                                       prompt: 'login'}}}}); }}""")
                page.wait_for_url(re.compile(re.escape(app.url) + r"/\?error="), timeout=STEP_MS)
                page.wait_for_selector("#ready", timeout=STEP_MS)
                refused = page.evaluate(f"() => {{ makeClient({in_org}); return attempt(() => client.handleRedirectCallback()); }}")
                assert refused == {
                    "error": "access_denied",
                    "description": f"user auth0|65f0c0ffee0000000000a11c is not part of the {ORG} organization",
                }, refused
            finally:
                status = page.evaluate("""async ([tenant, saved]) => (await fetch(tenant + '/_mock/config',
                    {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(saved)})).status""",
                    [tenant.url, saved])
                assert status == 204
        finally:
            browser.close()
