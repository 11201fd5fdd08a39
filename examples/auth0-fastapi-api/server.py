"""An API on auth0-fastapi-api (`Auth0FastAPI`), in the shape of its README: `require_auth()`
on the private route, `require_auth(scopes="read:messages")` on the scoped one.

A correct API: the conformance suite must find nothing unsafe in it (examples/README.md lists the
warnings it reports, and why). Configuration: AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT;
CACHE_TTL_SECS shortens the SDK's 600 s discovery and JWKS cache for test runs. httpx trusts the
tenant's CA through SSL_CERT_FILE, which `conformance --exec` sets.
"""

import os

import uvicorn
from fastapi import Depends, FastAPI
from fastapi_plugin.fast_api_client import Auth0FastAPI

app = FastAPI()
auth0 = Auth0FastAPI(
    domain=os.environ["AUTH0_DOMAIN"],
    audience=os.environ["API_IDENTIFIER"],
    cache_ttl_seconds=int(os.environ.get("CACHE_TTL_SECS", "600")),
)


@app.get("/api/public")
async def public():
    return {"message": "Hello from a public endpoint! You don't need to be authenticated to see this."}


@app.get("/api/private")
async def private(claims: dict = Depends(auth0.require_auth())):
    return {"message": "Hello from a private endpoint! You need to be authenticated to see this."}


@app.get("/api/private-scoped")
async def private_scoped(claims: dict = Depends(auth0.require_auth(scopes="read:messages"))):
    return {"message": "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this."}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", 3010)), log_level="warning")
