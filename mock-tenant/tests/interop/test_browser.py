"""A real browser through the login page: headless Chromium (Debian's, driven by Playwright)
opens the seed-001 Flask web app (examples/flask-webapp), is sent to the mock tenant's login
page, picks a user, and lands on the app's profile page showing that user; then logs out.
The screenshot is kept at target/browser-profile.png for a person to look at.
"""

import os
import pathlib
import struct
import subprocess
import sys

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT
from test_multiprocess import free_port, wait_port

CHROMIUM = "/usr/bin/chromium"
# What a sandboxed CI machine needs: no sandbox as root, and no background calls to the network.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def webapp(tenant):
    port = free_port()
    app_url = f"http://localhost:{port}"
    # Register the app's callback and logout URL, as one would in the Auth0 dashboard.
    config = tenant.http.get(f"{tenant.url}/_mock/config", timeout=10).json()
    web = next(c for c in config["clients"] if c["client_id"] == "quickstart-web")
    web["callbacks"].append(f"{app_url}/callback")
    web["allowed_logout_urls"].append(app_url)
    assert tenant.http.put(f"{tenant.url}/_mock/config", json=config, timeout=10).status_code == 204
    env = {
        **os.environ,
        "AUTH0_DOMAIN": tenant.domain,
        "AUTH0_CLIENT_ID": "quickstart-web",
        "AUTH0_CLIENT_SECRET": "test-only-secret-web",
        "AUTH0_SECRET": "test-only-" + "5" * 54,
        "AUTH0_REDIRECT_URI": f"{app_url}/callback",
        "SSL_CERT_FILE": tenant.ca,
        "REQUESTS_CA_BUNDLE": tenant.ca,
        "PORT": str(port),
    }
    proc = subprocess.Popen([sys.executable, str(ROOT / "examples/flask-webapp/app.py")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_port(port, proc, "the Flask web app")
        yield app_url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def png_size(path: pathlib.Path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG"
    return struct.unpack(">II", data[16:24])


def test_a_person_picks_a_user_on_the_login_page_and_sees_their_profile(webapp):
    assert pathlib.Path(CHROMIUM).exists(), "Chromium is missing: scripts/test installs it"
    shot = ROOT / "target" / "browser-profile.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            # The tenant's certificate comes from its own test CA, which Chromium's store lacks.
            context = browser.new_context(ignore_https_errors=True, viewport={"width": 800, "height": 500})
            page = context.new_page()
            page.goto(f"{webapp}/login", timeout=20000)
            page.wait_for_selector("text=anyone can log in as anyone", timeout=20000)
            assert page.url.split("?")[0].endswith("/authorize")
            page.click("button:has-text('Bob Test')")
            page.wait_for_url(f"{webapp}/profile", timeout=20000)
            assert page.inner_text("#name") == "Bob Test"
            assert page.inner_text("#email") == "bob@example.com"
            assert page.inner_text("#sub") == "auth0|65f0c0ffee0000000000b0b0"
            page.screenshot(path=str(shot))
            width, height = png_size(shot)
            assert (width, height) == (800, 500)
            # The heading is drawn: its box on the screenshot is not blank.
            box = page.locator("#name").bounding_box()
            assert box["width"] > 50 and box["height"] > 10
            heading = page.locator("#name").screenshot()
            assert len(set(heading[100:])) > 20, "the heading's pixels are not one flat colour"

            page.click("text=Log out")
            page.wait_for_selector("#login", timeout=20000)
            assert page.url.rstrip("/") == webapp
        finally:
            browser.close()
