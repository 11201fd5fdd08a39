//! What a case is: an id, a category, a severity, its catalogue row, a recipe and an
//! expectation. The cases themselves are in [`table`](crate::table).

use serde::Serialize;

/// The catalogue's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Category {
    /// How the token travels: the `Authorization` header and its variants.
    Hdr,
    /// Denial of service: oversized and pathological input.
    Dos,
    /// Signatures.
    Sig,
    /// Algorithms.
    Alg,
    /// Key ids.
    Kid,
    /// Keys named or carried in the header.
    Key,
    /// `exp`, `nbf`, `iat`.
    Time,
    /// Audience.
    Aud,
    /// Issuer.
    Iss,
    /// Token type.
    Type,
    /// Serialization and JSON.
    Fmt,
    /// Scopes.
    Scope,
    /// Sender-constrained tokens.
    Bind,
    /// The API's handling of the tenant's key set.
    Jwks,
    /// What every answer must look like.
    Resp,
}

/// How bad it is when an API gets the case wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    /// Forgery or authentication bypass.
    Critical,
    /// High.
    High,
    /// Medium.
    Medium,
    /// Low.
    Low,
    /// Information only.
    Info,
}

/// Which endpoint a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `/api/public`.
    Public,
    /// `/api/private`.
    Private,
    /// `/api/private-scoped`.
    Scoped,
}

/// What the API must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// 200.
    Ok,
    /// 401 with a bare `Bearer` challenge (no credentials for this scheme).
    Challenge,
    /// 401 `invalid_token`.
    Invalid,
    /// 400 `invalid_request`, or 401.
    Malformed,
    /// 403 `insufficient_scope`.
    Scope,
    /// Any answer but a 5xx; the profile decides.
    Tolerated,
    /// 401 or 503, never 2xx or 5xx (a key source that fails must fail closed).
    FailClosed,
    /// Any 4xx (400, 401, 413, 431...), never 2xx or 5xx.
    ClientError,
    /// A valid token sent some other way than the header: refused by a header-only API; a 2xx
    /// is a warning (RFC 6750 §5.3 discourages URI tokens), not a failure.
    HeaderOnly,
    /// Refusing passes; a 2xx is not a failure but is reported as a warning (a token without
    /// `exp` under `exp_required: false`, two token methods at once, a form feed as separator).
    Discouraged,
}

/// A way to carry the token other than the `Authorization` header (RFC 6750 §2.2, §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// `?access_token=T0`, no header.
    Query,
    /// `POST` with a form body `access_token=T0`, no header.
    Form,
    /// `Cookie: access_token=T0`, no header.
    Cookie,
    /// The header and `?access_token=T0` together.
    HeaderAndQuery,
}

/// A JWKS operation the suite performs on the tenant before sending its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JwksOp {
    /// The JWKS answers 503 before the API ever fetched it.
    DownCold,
    /// The JWKS answers 503 after the API cached it; the valid token must still pass.
    DownWarm,
    /// The JWKS answers slowly; the API must give up within its own timeout.
    Slow,
    /// The JWKS serves junk; a token with a new `kid` forces a fetch.
    Junk,
    /// Two rotations: a key the API has never seen signs; it must be accepted within the cooldown.
    RotateAdd,
    /// The signing `kid` is re-bound to a new key; the old token must be refused within the cache TTL.
    RotateRemove,
    /// 100 random `kid`s and 100 garbage tokens: at most one JWKS fetch.
    Storm,
    /// A key of the wrong kind (`use: enc`, EC) is published and signs a token.
    PoisonedKey,
    /// Before the API's first look at the tenant, discovery names a `jwks_uri` on the attacker's
    /// host, which publishes the key that signs the token sent.
    DiscoveryForeignJwks,
}

/// A check over every answer the run collected, made once the other cases are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCheck {
    /// Every 401 and 403 carries `WWW-Authenticate: Bearer` (RFC 9110 §11.6.1, RFC 6750 §3).
    Challenge,
    /// No refusal's body holds a stack trace, key material or the token sent.
    Leak,
}

/// How a case builds its request.
#[derive(Debug, Clone, Copy)]
pub enum Recipe {
    /// Raw `Authorization` header values built from the valid token (`T0`).
    Headers {
        /// The endpoint.
        endpoint: Endpoint,
        /// The header values, given T0.
        values: fn(&str) -> Vec<String>,
    },
    /// Raw `Authorization` header bytes (control characters included) built from T0, written
    /// on a plain TCP connection.
    RawHeaders {
        /// The endpoint.
        endpoint: Endpoint,
        /// The header values, given T0.
        values: fn(&str) -> Vec<Vec<u8>>,
    },
    /// A token from the forge, by defect name (or `""` for the valid token).
    Token {
        /// The endpoint.
        endpoint: Endpoint,
        /// The defect.
        defect: &'static str,
    },
    /// The valid token carried another way.
    Transport(Transport),
    /// A JWKS operation.
    Jwks(JwksOp),
    /// A check over the answers of every case before it.
    Responses(ResponseCheck),
}

/// One conformance case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique id; a forge defect's name for token cases.
    pub id: String,
    /// Category.
    pub category: Category,
    /// Severity if the API gets it wrong.
    pub severity: Severity,
    /// The catalogue row (`jwt-cases.md`).
    pub source: &'static str,
    /// One line: what is sent and why.
    pub about: String,
    /// How to build the request.
    pub recipe: Recipe,
    /// What a correct API answers.
    pub expect: Expect,
}
