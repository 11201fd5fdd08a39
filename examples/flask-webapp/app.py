"""Seed 001, the Flask web-app quickstart, on auth0-server-python: login, callback, profile,
logout. Written as the quickstart describes it, with the in-memory stores it uses for
development; pointed at the mock tenant by the same environment it reads for a real one:

    AUTH0_DOMAIN=localhost:8443 AUTH0_CLIENT_ID=quickstart-web \
    AUTH0_CLIENT_SECRET=test-only-secret-web AUTH0_SECRET=$(openssl rand -hex 32) \
    AUTH0_REDIRECT_URI=http://localhost:5000/callback SSL_CERT_FILE=<the tenant's CA> \
    python app.py
"""

import html
import os
import secrets

from auth0_server_python.auth_server.server_client import ServerClient
from auth0_server_python.auth_types import LogoutOptions, StartInteractiveLoginOptions
from auth0_server_python.store.abstract import StateStore, TransactionStore
from flask import Flask, redirect, request, session, url_for


class MemoryStore:
    """Development-only storage, keyed by the Flask session's id (the quickstart's note)."""

    def __init__(self):
        self.data = {}

    @staticmethod
    def key(identifier, options):
        return (options or {}).get("sid", ""), identifier

    async def set(self, identifier, state, remove_if_expires=False, options=None):
        self.data[self.key(identifier, options)] = state

    async def get(self, identifier, options=None):
        return self.data.get(self.key(identifier, options))

    async def delete(self, identifier, options=None):
        self.data.pop(self.key(identifier, options), None)

    async def delete_by_logout_token(self, claims, options=None):
        self.data.clear()


class MemoryStateStore(MemoryStore, StateStore):
    def __init__(self, secret):
        StateStore.__init__(self, {"secret": secret})
        MemoryStore.__init__(self)


class MemoryTransactionStore(MemoryStore, TransactionStore):
    def __init__(self, secret):
        TransactionStore.__init__(self, {"secret": secret})
        MemoryStore.__init__(self)


app = Flask(__name__)
app.secret_key = os.environ["AUTH0_SECRET"]
auth0 = ServerClient(
    domain=os.environ["AUTH0_DOMAIN"],
    client_id=os.environ["AUTH0_CLIENT_ID"],
    client_secret=os.environ["AUTH0_CLIENT_SECRET"],
    secret=os.environ["AUTH0_SECRET"],
    redirect_uri=os.environ["AUTH0_REDIRECT_URI"],
    state_store=MemoryStateStore(os.environ["AUTH0_SECRET"]),
    transaction_store=MemoryTransactionStore(os.environ["AUTH0_SECRET"]),
    authorization_params={"scope": "openid profile email"},
)


def store_options():
    session.setdefault("sid", secrets.token_urlsafe(16))
    return {"sid": session["sid"]}


@app.route("/")
async def index():
    user = await auth0.get_user(store_options())
    if user:
        return f'<p>Hello {html.escape(user.get("name", ""))}. <a href="/profile">Profile</a></p>'
    return '<p><a id="login" href="/login">Log in</a></p>'


@app.route("/login")
async def login():
    return redirect(await auth0.start_interactive_login(StartInteractiveLoginOptions(), store_options()))


@app.route("/callback")
async def callback():
    await auth0.complete_interactive_login(request.url, store_options())
    return redirect(url_for("profile"))


@app.route("/profile")
async def profile():
    user = await auth0.get_user(store_options())
    if not user:
        return redirect(url_for("login"))
    return (
        "<!doctype html><title>Profile</title>"
        "<h1 id='name'>{}</h1><p id='email'>{}</p><p id='sub'>{}</p>"
        "<p><a href='/logout'>Log out</a></p>"
    ).format(*(html.escape(str(user.get(k, ""))) for k in ("name", "email", "sub")))


@app.route("/logout")
async def logout():
    home = request.host_url.rstrip("/")
    return redirect(await auth0.logout(LogoutOptions(return_to=home), store_options()))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
