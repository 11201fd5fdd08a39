"""An orders API on FastAPI, written the way FastAPI's security docs show: an OAuth2 scheme
with the API's scopes, `Security(..., scopes=[...])` on each route, `SecurityScopes` checked in
one dependency; tokens verified with PyJWT used correctly (RS256 only; `aud`, `iss`, `exp`
required; keys by `kid` from the tenant's JWKS through PyJWKClient; `crit` refused).

FastAPI generates `/openapi.json` from these routes, scopes included: `conformance --openapi
/openapi.json` audits every operation against it. A correct API: the suite must find nothing
unsafe in it. Configuration: AUTH0_DOMAIN (host[:port]), API_IDENTIFIER, PORT;
JWKS_CACHE_SECS and JWKS_COOLDOWN_SECS shorten PyJWKClient's waits for test runs. Trusts the
tenant's CA through SSL_CERT_FILE, which `conformance --exec` sets.
"""

import os
import ssl

import jwt
import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Query, Security
from fastapi.security import OAuth2AuthorizationCodeBearer, SecurityScopes
from pydantic import BaseModel, Field

AUTH0_DOMAIN = os.environ["AUTH0_DOMAIN"]
API_IDENTIFIER = os.environ["API_IDENTIFIER"]
ISSUER = f"https://{AUTH0_DOMAIN}/"

SCOPES = {
    "read:orders": "Read orders",
    "write:orders": "Create and change orders",
    "delete:orders": "Delete orders",
    "admin": "Administer the shop",
}

oauth2 = OAuth2AuthorizationCodeBearer(
    authorizationUrl=f"{ISSUER}authorize",
    tokenUrl=f"{ISSUER}oauth/token",
    scopes=SCOPES,
    auto_error=False,
)
jwks_client = jwt.PyJWKClient(
    f"{ISSUER}.well-known/jwks.json",
    lifespan=int(os.environ.get("JWKS_CACHE_SECS", "300")),
    cooldown_duration=float(os.environ.get("JWKS_COOLDOWN_SECS", "30")),
    timeout=5,
    ssl_context=ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE")),
)


def refuse(status, error=None, description=None, scope=None):
    """An RFC 6750 §3 refusal."""
    challenge = "Bearer"
    if error:
        challenge += f' error="{error}"'
    if scope:
        challenge += f' scope="{scope}"'
    detail = {"error": error, "error_description": description} if error else "Not authenticated"
    return HTTPException(status, detail=detail, headers={"WWW-Authenticate": challenge})


def claims_of(token):
    """The claims of a valid token; raises the 401 otherwise."""
    try:
        header = jwt.get_unverified_header(token)
        if "crit" in header:  # PyJWT implements no extension: RFC 7515 §4.1.11
            raise jwt.InvalidTokenError("unsupported crit")
        key = jwks_client.get_signing_key(header["kid"])
        return jwt.decode(
            token, key.key, algorithms=["RS256"], audience=API_IDENTIFIER, issuer=ISSUER,
            options={"require": ["exp", "iss", "aud"]},
        )
    except Exception:  # every failure to verify is the same answer: the token is not valid
        raise refuse(401, "invalid_token", "the access token is not valid") from None


def user(security_scopes: SecurityScopes, token: str | None = Depends(oauth2)):
    """The claims of a valid token holding every scope the route declares."""
    if token is None:
        raise refuse(401)
    claims = claims_of(token)
    held = claims.get("scope")
    held = held.split(" ") if isinstance(held, str) else []
    missing = [s for s in security_scopes.scopes if s not in held]
    if missing:
        raise refuse(403, "insufficient_scope", "the token lacks a scope",
                     " ".join(security_scopes.scopes))
    return claims


class Order(BaseModel):
    item: str = Field(examples=["book"])
    quantity: int = Field(ge=1, examples=[2])


app = FastAPI(title="orders")
ORDERS = {7: {"id": 7, "item": "book", "quantity": 2}}


@app.get("/health")
def health():
    return {"up": True}


@app.get("/orders")
def list_orders(limit: int = Query(ge=1, le=100), _=Security(user, scopes=["read:orders"])):
    return list(ORDERS.values())[:limit]


@app.post("/orders", status_code=201)
def create_order(order: Order, _=Security(user, scopes=["write:orders", "admin"])):
    # Answers as if it stored it: a test instance keeps no state between requests.
    return {"id": 8, **order.model_dump()}


@app.get("/orders/{order_id}")
def get_order(order_id: int, _=Security(user, scopes=["read:orders"])):
    if order_id not in ORDERS:
        raise HTTPException(404, "no such order")
    return ORDERS[order_id]


@app.put("/orders/{order_id}")
def put_order(order_id: int, order: Order, _=Security(user, scopes=["write:orders"])):
    return {"id": order_id, **order.model_dump()}


@app.delete("/orders/{order_id}", status_code=204)
def delete_order(order_id: int, _=Security(user, scopes=["delete:orders"])):
    return None


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")), log_level="warning")
