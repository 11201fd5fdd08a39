//! The flaws the test API can have, and what trips the crashing ones.

use super::tokens::*;
use crate::flawed_dpop::DpopFlaw;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mock_tenant::forge::Check;
use serde_json::Value;
use std::collections::HashSet;

/// One way to get it wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flaw {
    /// Accepts a token that fails this check.
    Skip(Check),
    /// A request without credentials for Bearer gets through.
    NoTokenNeeded,
    /// `bearer` (lower case) is not recognised.
    CaseSensitiveScheme,
    /// With two Authorization headers, the first wins.
    FirstHeaderWins,
    /// With two Authorization headers, the last wins.
    LastHeaderWins,
    /// Anything it cannot parse is a 500.
    CrashOnGarbage,
    /// The public endpoint wants a token.
    PublicNeedsToken,
    /// `aud` must be a string.
    AudStringOnly,
    /// `scope` must be exactly `read:messages`.
    ScopeWholeString,
    /// `typ` must be exactly `JWT`.
    TypMustBeJwt,
    /// `exp` must be an integer.
    IntegerExpOnly,
    /// Tokens issued more than a day ago are refused.
    IatMaxAge,
    /// Tokens over 4 KiB are refused.
    SmallTokens,
    /// When the keys cannot be fetched, let the request through.
    FailOpen,
    /// When the keys cannot be fetched, answer 500.
    KeysError500,
    /// Fetches the JWKS on every request.
    NoCache,
    /// Fetches the JWKS once and never again.
    StaticKeys,
    /// Merges each fetched key set into the keys it holds, the old binding of a kid winning:
    /// a key the tenant stopped publishing is never forgotten.
    KeepsRemovedKeys,
    /// Uses any key in the set (EC, `use: enc`, weak).
    AnyKey,
    /// Fetches the `jku` header's URL.
    FollowJku,
    /// Waits for the JWKS as long as it takes.
    NoTimeout,
    /// After 50 refused tokens, refuses everything.
    Lockout,
    /// Every refusal (401, 403, 400) is answered with a 500.
    ErrorsAre500,
    /// Configured with another API's audience.
    WrongAudience,
    /// The public endpoint validates a token when one is sent.
    PublicParsesToken,
    /// Tokens living longer than a day are refused.
    MaxLifetime,
    /// Any failed JWKS fetch is a 500, even with keys in the cache.
    FetchErrors500,
    /// Refusals carry no `WWW-Authenticate` header.
    NoChallenge,
    /// Refusals carry a Python stack trace in their body.
    Traceback,
    /// A `kid` with `sleep` in it reaches a shell or a database: the answer takes 3 s.
    ExecutesKid,
    /// The scoped endpoint needs `read:data`, not `read:messages` (not a flaw: another API).
    NeedsReadData,
    /// Finds the JWKS through discovery and refuses a document whose `issuer` is not the one
    /// it was configured with (not a flaw: OIDC Discovery §4.3).
    ReadsDiscovery,
    /// Reads discovery on every request and takes the `issuer` it names as the expected one
    /// (trusts a document whose issuer differs).
    FollowsDiscovery,
    /// Reads discovery once, at start, and takes the `issuer` it names as the expected one for
    /// good (what an SDK that caches the document does, trusting a document whose issuer
    /// differs).
    FollowsDiscoveryAtStart,
    /// A key set it cannot parse replaces the cached one, for an hour: after `jwks-junk`, the
    /// valid token is refused (the state a stateful case leaves behind in the API).
    KeepsBrokenKeys,
    /// A 500 on one odd but harmless request shape.
    CrashOn(Trigger),
    /// Checks `iss` with Python's `in` on strings: any substring of the issuer passes
    /// (PyJWT 2.10.0, CVE-2024-53861).
    IssuerSubstring,
    /// Takes an `iss` array that holds the issuer (fast-jwt before nearform/fast-jwt#552).
    IssuerInArray,
    /// Accepts a JSON array as the payload and skips every claim check, since no claim is
    /// `in` an array (fast-jwt before nearform/fast-jwt#639).
    ArrayPayload,
    /// Compares `aud` as a C string, up to the first NUL (CWE-158).
    CStringClaims,
    /// Verifies HS256 with a secret found in the token's own header, an `oct` key in `jwk`
    /// (a secret lookup fed by header data: CVE-2025-65945, GHSA-869p-cjfg-cm3x).
    SecretFromHeader,
    /// Takes `aud` = one of the tenant's client ids as its own: the API accepts the ID tokens
    /// of its own front end (the SPA that calls it).
    AcceptsClientIds,
    /// Refuses the whole key set when one key has a `kty` or `use` it does not know (`AKP`,
    /// a custom `use`), the way a parser that validates every member against a closed list does.
    StrictKeySet,
    /// Remembers a `kid` its last fetch did not have and never fetches for it again.
    NegativeCacheForever,
    /// When the key set's JWK has no `alg`, takes the token's: HS256 verified with the key's
    /// modulus as the secret (the fallback of GHSA-f67f-6cw9-8mq4, Hono).
    AlgFromHeader,
    /// Reads flattened JWS JSON and lets its unprotected `header` override the protected one,
    /// `alg: none` included (GHSA-jc38-x7x8-2xc8; authlib/authlib#337).
    JwsJsonUnprotected,
    /// python_jwt < 3.3.4 (CVE-2022-39227): verifies a JWS JSON token's signature as jwcrypto
    /// does, but reads the claims from between the text's first two dots.
    PolyglotClaims,
    /// A DPoP mode, or a DPoP flaw ([`DpopFlaw`]).
    Dpop(DpopFlaw),
    /// Trusts every issuer the tenant answers as (Multiple Custom Domains with an allow-list;
    /// not a flaw).
    TrustsCustomDomains,
    /// Multiple Custom Domains without an allow-list: fetches the discovery document of the
    /// token's own `iss` and verifies with the keys it names.
    FollowsIss,
    /// Serves one Auth0 organization, [`ORG`]: refuses any token whose `org_id` is not exactly
    /// its id (not a flaw: the organization-checking API the other `Org` flaws bend).
    ServesOrganization,
    /// Checks `org_id` only when the token has one.
    OrgOptional,
    /// Takes the organization's name in `org_id` as well as its id.
    OrgNameOrId,
    /// Compares `org_id` without case.
    OrgCaseless,
    /// Checks `org_name` instead of `org_id` (which Auth0 puts in tokens only under a tenant
    /// setting).
    OrgByName,
    /// Takes the issuer it trusts from the request's `Host` (a resolver fed by the request),
    /// then does as [`Flaw::FollowsIss`] for it.
    IssuerFromHost,
    /// Derives a PBES2 key before it refuses a JWE: sleeps 3 s for a `p2c` over a million (the
    /// rounds it runs; jose < 4.9.2, CVE-2022-36083).
    Pbes2Rounds,
    /// Runs the claims of a valid token as SQL: a `sleep` in any string claim sleeps 3 s.
    ExecutesClaims,
    /// Writes `sub` into an `X-User` header on a raw socket (a CRLF in it starts a header of
    /// its own) and the `https://example.com/name` claim unescaped into an HTML greeting.
    ReflectsClaims,
    /// Serves the file `<temp dir>/<sub>` as the user's profile: a `sub` with `../` reads any
    /// file.
    ReadsFileBySub,
    /// Decrypts JWEs with its encryption key (the TEST-ONLY fixture key) and trusts an unsigned
    /// token inside (pac4j-jwt's `JwtAuthenticator`: CVE-2026-29000, GHSA-pm7g-w2cf-q238).
    TrustsJweInner,
}

/// What a [`Flaw::CrashOn`] API trips on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// Two spaces after `Bearer` (`value.split(' ')[1]` is empty).
    DoubleSpace,
    /// A token in the query string next to the header.
    QueryToken,
    /// A `cnf` claim (a half-done DPoP check).
    Cnf,
    /// A JSON member twice in the header or payload (a strict parser raising).
    DuplicateKeys,
    /// A token over 32 KiB.
    HugeToken,
    /// `exp` within 5 s before now (a leeway computed with the wrong sign).
    ExpNow,
    /// `nbf` within 10 s after now.
    NbfSoon,
    /// `exp` past the year 9999 (`datetime.fromtimestamp` raising OverflowError).
    FarExp,
    /// A `sub` that is not a string (`sub.startswith` raising on a number or an object).
    SubNotString,
    /// An `org_id` that is not a string (a tenant lookup keyed by it raising).
    OrgIdNotString,
}

/// The top-level member names of a JSON object, duplicates kept (serde_json's maps drop them).
struct TopKeys(Vec<String>);

impl<'de> serde::Deserialize<'de> for TopKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = TopKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(TopKeys(keys))
            }
        }
        d.deserialize_map(Names)
    }
}

impl Trigger {
    /// Whether this request trips it.
    pub(super) fn trips(self, values: &[&str], query: &str) -> bool {
        let token = values
            .first()
            .and_then(|v| v.split_once(' '))
            .map_or("", |(_, t)| t.trim());
        let claims = part(token, 1).unwrap_or(Value::Null);
        let time = |name: &str| claims[name].as_f64();
        match self {
            Self::DoubleSpace => values.iter().any(|v| v.contains("  ")),
            Self::QueryToken => !values.is_empty() && query.contains("access_token="),
            Self::Cnf => claims["cnf"].is_object(),
            Self::DuplicateKeys => token.split('.').take(2).any(|segment| {
                let keys = URL_SAFE_NO_PAD
                    .decode(segment)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<TopKeys>(&b).ok())
                    .map_or(Vec::new(), |k| k.0);
                keys.iter().collect::<HashSet<_>>().len() < keys.len()
            }),
            Self::HugeToken => token.len() > 32 * 1024,
            Self::ExpNow => time("exp").is_some_and(|e| e <= now() && e >= now() - 5.0),
            Self::NbfSoon => time("nbf").is_some_and(|n| n > now() && n <= now() + 10.0),
            Self::FarExp => time("exp").is_some_and(|e| e > 253_402_300_799.0),
            Self::SubNotString => claims.get("sub").is_some_and(|s| !s.is_string()),
            Self::OrgIdNotString => claims.get("org_id").is_some_and(|o| !o.is_string()),
        }
    }
}

/// The organization [`Flaw::ServesOrganization`] serves, and its name.
pub const ORG: (&str, &str) = ("org_Acme0Test1Org2Id", "acme-test");
