"""An API on auth0-api-python's `ApiClient`, the way its README uses it: one client, and
`verify_access_token` on every protected request. Starlette serves it (FastAPI's own core).

A correct API: the conformance suite must find nothing unsafe in it (examples/README.md lists the
warnings it reports, and why). Configuration: AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT;
CACHE_TTL_SECS shortens the SDK's 600 s discovery and JWKS cache for test runs. httpx trusts the
tenant's CA through SSL_CERT_FILE, which `conformance --exec` sets.

MCD=1: the SDK's Multiple Custom Domains allow-list (`domains`), the tenant's domain and its
custom domains. DPOP=optional|required: the SDK's DPoP modes (`dpop_required` off or on), through
`verify_request`, the way its README uses it for DPoP: the request's headers, method and URL.
"""

import os

import uvicorn
from auth0_api_python import ApiClient, ApiClientOptions
from auth0_api_python.errors import BaseAuthError
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

DPOP = os.environ.get("DPOP", "")
# MCD=1: Multiple Custom Domains, the SDK's static allow-list: the tenant's domain and its custom
# domains (AUTH0_CUSTOM_DOMAINS, which `conformance --exec` sets from the tenant's configuration).
MCD = os.environ.get("MCD") == "1"
domains = [os.environ["AUTH0_DOMAIN"]] + [
    d for d in os.environ.get("AUTH0_CUSTOM_DOMAINS", "").split(",") if d]
api_client = ApiClient(ApiClientOptions(
    **({"domains": domains} if MCD else {"domain": os.environ["AUTH0_DOMAIN"]}),
    audience=os.environ["API_IDENTIFIER"],
    cache_ttl_seconds=int(os.environ.get("CACHE_TTL_SECS", "600")),
    dpop_enabled=bool(DPOP),
    dpop_required=DPOP == "required",
))


def refuse(status, error=None, description=None):
    challenge = "Bearer" if error is None else f'Bearer error="{error}", error_description="{description}"'
    body = {} if error is None else {"error": error, "error_description": description}
    return JSONResponse(body, status_code=status, headers={"WWW-Authenticate": challenge})


async def claims_of(request):
    """The verified claims, or the refusal to answer with."""
    if DPOP:
        try:
            claims = await api_client.verify_request(
                headers=dict(request.headers), http_method=request.method, http_url=str(request.url))
            return claims, None
        except BaseAuthError as e:
            body = {"error": e.get_error_code(), "error_description": "the request is not authorized"}
            return None, JSONResponse(body, status_code=e.get_status_code(), headers=e.get_headers())
    values = request.headers.getlist("authorization")
    if not values:
        return None, refuse(401)
    if len(values) > 1:
        return None, refuse(400, "invalid_request", "one Authorization header")
    scheme, _, token = values[0].partition(" ")
    if scheme.lower() != "bearer":
        return None, refuse(401)
    if not token or " " in token.strip(" "):
        return None, refuse(400, "invalid_request", "malformed Authorization header")
    try:
        return await api_client.verify_access_token(access_token=token.strip(" ")), None
    except BaseAuthError as e:
        return None, refuse(e.get_status_code(), e.get_error_code(), "the access token is not valid")


async def public(request):
    return JSONResponse({"message": "Hello from a public endpoint! You don't need to be authenticated to see this."})


async def private(request):
    claims, refusal = await claims_of(request)
    return refusal or JSONResponse({"message": "Hello from a private endpoint! You need to be authenticated to see this."})


async def private_scoped(request):
    claims, refusal = await claims_of(request)
    if refusal:
        return refusal
    scope = claims.get("scope")
    if not (isinstance(scope, str) and "read:messages" in scope.split(" ")):
        return refuse(403, "insufficient_scope", "read:messages is required")
    return JSONResponse({"message": "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this."})


app = Starlette(routes=[
    Route("/api/public", public),
    Route("/api/private", private),
    Route("/api/private-scoped", private_scoped),
])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", 3010)), log_level="warning")
