//! What a case is: an id, a category, a severity, its catalogue row, a recipe and an
//! expectation. The cases themselves are in [`table`](crate::table).

use crate::profile::{Dpop, Profile, ScopeSource, Transports};
use mock_tenant::forge::{DefectId, DpopDefectId};
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
    /// Hostile values in the claims of a valid token: injections, wrong types, huge strings.
    Claim,
    /// The API's handling of the tenant's key set.
    Jwks,
    /// What every answer must look like.
    Resp,
    /// One operation of the API's routes and one check (`--openapi`, `--routes`).
    Route,
    /// Auth0 Organizations: `org_id` (`--organization`).
    Org,
}

impl std::fmt::Display for Category {
    /// The catalogue's spelling (`HDR`, `JWKS`), the same in the table, JSON, JUnit and HTML.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format!("{self:?}").to_uppercase())
    }
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
    /// Refusing passes; a 2xx is not a failure but is reported as a warning (two token methods
    /// at once, a form feed as separator, a replayed DPoP proof).
    Discouraged,
    /// A 2xx passes; a refusal is not a failure but is reported as a warning: the request is
    /// legal and a refusal is defensible, but locks out clients that send it (`typ: at+jwt`,
    /// a stale token on a public route, RFC 6750 §3.1).
    Preferred,
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
    /// The signing `kid` is re-bound to a new key; the old token must be refused once the API
    /// fetched the key set again.
    RotateRemove,
    /// The signing key is revoked: the tenant rotates and drops it from the key set; its old
    /// token must be refused once the API fetched the key set again, the new key's accepted.
    RotateRevoke,
    /// 100 random `kid`s and 100 garbage tokens: fetches must not grow with them.
    Storm,
    /// A key of the wrong kind (`use: enc`, EC) is published and signs a token.
    PoisonedKey,
    /// Discovery names another `issuer` than the tenant's (OIDC Discovery §4.3: the document
    /// must be refused), and a tenant-signed token carries that issuer.
    DiscoveryIssuerMismatch,
    /// Two rotations, and the key set also holds keys no RS256 API can use (an `AKP` ML-DSA
    /// key, an unknown `kty`, a custom `use`): the new key must still be found and accepted.
    OddKeys,
    /// Two rotations, and the key set publishes its keys without `alg`: the new key's RS256
    /// token must be accepted, HS256 tokens keyed with its public key refused.
    NoAlg,
    /// Two rotations, but the API's next fetch gets the key set from before them; after its
    /// cooldown it must fetch again and accept the new key (no permanent negative cache).
    RotateLag,
}

impl JwksOp {
    /// Whether the scenario waits for the API to fetch and accept a new key, within the
    /// declared cooldown: not run when that is longer than a run waits.
    pub fn waits_for_new_key(self) -> bool {
        matches!(
            self,
            Self::RotateAdd | Self::OddKeys | Self::RotateLag | Self::NoAlg
        )
    }

    /// Whether a fresh API is sent the valid token first: the scenario tests refetches on new
    /// kids, as a run on one pair does after the token cases warmed the API, so the API must
    /// hold a key set before it starts (and the storm's budget counts refetches, not the first
    /// fill of an empty cache).
    pub fn warms_up(self) -> bool {
        matches!(
            self,
            Self::RotateAdd | Self::OddKeys | Self::NoAlg | Self::Storm
        )
    }

    /// What a correct API answers to the scenario's main request.
    pub fn expect(self) -> Expect {
        match self {
            Self::DownCold | Self::Slow | Self::Junk | Self::DiscoveryIssuerMismatch => {
                Expect::FailClosed
            }
            Self::DownWarm | Self::RotateAdd | Self::OddKeys | Self::RotateLag | Self::NoAlg => {
                Expect::Ok
            }
            Self::PoisonedKey | Self::RotateRemove | Self::RotateRevoke => Expect::Invalid,
            Self::Storm => Expect::ClientError,
        }
    }

    /// Why the scenario has its verdicts.
    pub fn why(self) -> &'static str {
        match self {
            Self::DownCold => {
                "no keys, no trust: a 2xx would need keys the API never had; a 5xx or no recovery once the JWKS is back is a failure"
            }
            Self::DownWarm => {
                "a cached key keeps working while the JWKS is down; a forged token under a new kid is still refused (anyone can make it)"
            }
            Self::Slow => {
                "a slow key source must not hang the API (its own timeout) nor starve the public endpoint"
            }
            Self::Junk => {
                "a key source serving junk fails closed; the tokens are signed by a key the tenant never publishes, so a 2xx is a forgery accepted"
            }
            Self::PoisonedKey => {
                "keys the tenant publishes for encryption or of another type must not verify signatures; only the issuer holds them, so a 2xx is `warn strict`"
            }
            Self::Storm => {
                "unknown kids must not make the API fetch the keys once per request (RFC 8725 §3.10 guidance; a denial of service of the tenant)"
            }
            Self::RotateAdd => {
                "Auth0 rotates keys: a new kid is fetched within the declared cooldown, or the API breaks on every rotation"
            }
            Self::RotateRemove => {
                "a key the tenant stopped publishing (rotated after a leak) must stop working once the API has fetched the key set again: still accepted after a refetch is `FAIL unsafe`; no refetch within the declared cache lifetime is `n/a` (the API may keep keys longer, as documented caches do: declare `--jwks-ttl` up to 60 s to wait for it); longer than 60 s and the case is not run"
            }
            Self::RotateRevoke => {
                "Auth0's \"revoke signing key\" drops a leaked key from the key set: whoever holds it can sign anything, so once the API fetched the key set again, a token it signed is refused (still accepted after a refetch is `FAIL unsafe`; no refetch within the declared cache lifetime is `n/a`), and the new key's tokens pass"
            }
            Self::OddKeys => {
                "a key set may hold keys of types and uses the API does not know (ML-DSA is coming to JWKS); a correct API skips them and keeps verifying with its key, or breaks the day the tenant publishes one"
            }
            Self::NoAlg => {
                "`alg` is optional in a JWK (Entra ID omits it): the API's own allow-list decides, so the RS256 token passes, and HS256 keyed with the public key is a forgery anyone can make (GHSA-f67f-6cw9-8mq4: Hono took the token's `alg` when the JWK had none)"
            }
            Self::RotateLag => {
                "a key set fetched just before it was updated (a CDN, a replica) misses the new kid once; an API that never asks again for a kid it once missed refuses the tenant's tokens for good"
            }
            Self::DiscoveryIssuerMismatch => {
                "OIDC Discovery §4.3: a document whose `issuer` is not the expected issuer must not be used; only whoever serves the tenant's domain can publish it, so trusting it is `warn strict`. A `jwks_uri` on another host is legal and not tested"
            }
        }
    }
}

/// A check over every answer the run collected, made once the other cases are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCheck {
    /// Every 401 and 403 carries `WWW-Authenticate: Bearer` (RFC 9110 §11.6.1, RFC 6750 §3).
    Challenge,
    /// No refusal's body holds a stack trace, key material or the token sent.
    Leak,
    /// Every 401 to a DPoP request carries `WWW-Authenticate: DPoP` with `algs` (RFC 9449
    /// §7.1). Run only under a DPoP profile.
    DpopChallenge,
}

/// What a DPoP case sends (RFC 9449). Every one uses a token bound to the suite's key
/// (`cnf.jkt`) unless it says otherwise, as `Authorization: DPoP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DpopCase {
    /// The bound token with a fresh, valid proof.
    Valid,
    /// The bound token with a proof that has this defect ([`mock_tenant::forge::dpop_defects`]).
    Proof(DpopDefectId),
    /// The bound token, no `DPoP` header.
    NoProof,
    /// The bound token as `Authorization: Bearer`, no proof (a downgrade).
    BearerDowngrade,
    /// A token bound to another key, with a valid proof of the suite's key.
    OtherKey,
    /// Two valid proofs in two `DPoP` headers.
    TwoProofs,
    /// The same proof twice; the second answer is judged.
    Replay,
    /// An unbound token as `Authorization: DPoP` with a valid proof.
    Unbound,
    /// An unbound token as `Authorization: Bearer`.
    BearerUnbound,
    /// A proof for another path on the API, replayed with that path injected into `Host`
    /// (`Host: 127.0.0.1:3010/other#`): the URL a server builds from it matches the proof.
    HostInjection,
    /// A proof for another host, replayed with `Host` naming that host.
    HostSpoof,
    /// A proof for another host, replayed with `X-Forwarded-Host` and `X-Forwarded-Proto`
    /// naming it, to an API that is not behind a proxy.
    ForwardedHost,
    /// To an API that demanded a nonce: a valid proof without one.
    NonceMissing,
    /// To an API that demanded a nonce: a valid proof with a nonce it never issued.
    NonceStale,
}

/// Who could send a case's request in real life. Decides what accepting it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threat {
    /// Anyone: no credentials, a forged or unsigned token, an attacker's key, injected keys or
    /// URLs. Accepting it lets a stranger in: `FAIL unsafe`.
    Anyone,
    /// Only the issuer: signed by the tenant's own key, odd but parseable. Accepting it is
    /// `warn strict`, unless a policy the API owns was skipped (see [`Policy`]).
    Issuer,
    /// Only a client that holds the valid token: the request's shape is odd (two headers, an
    /// unknown scheme, quotes). Accepting it is `warn strict`.
    Client,
}

/// A check the API owns whatever the issuer signs: skipping it is `FAIL unsafe` even for a
/// token only the issuer could make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// `aud` names this API.
    Audience,
    /// `iss` is the tenant.
    Issuer,
    /// `exp` is in the future (and present, where the profile requires it).
    Expiry,
    /// `nbf` is not in the future.
    NotBefore,
    /// The scope the endpoint needs is granted.
    Scope,
    /// Under `--dpop required`, only a token bound to the proof's key, with its proof, gets in.
    SenderConstraint,
    /// `org_id` is exactly the organization the API serves (`--organization`).
    Organization,
}

/// A profile setting that changes what a case expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Knob {
    /// The token has no usable `exp`: refused when the profile requires `exp`; otherwise
    /// accepting it is discouraged, not a failure.
    ExpRequired,
    /// Expired this many seconds ago: any answer is fine within the profile's leeway.
    Leeway {
        /// How long ago `exp` passed.
        late_secs: u64,
    },
    /// The scope sits in `permissions` only: granted under `scope+permissions`.
    PermissionsClaim,
    /// The scope sits in `scp` only: granted under `scope+scp`.
    ScpClaim,
    /// The valid token in the query or a form body: accepted under `header-query-body`.
    QueryOrBody,
    /// The valid token in the header and the query: discouraged under `header-query-body`.
    TwoMethods,
    /// The case's expectation holds under `--dpop required`; under `optional`, a correct API
    /// answers this instead, and accepting is no skipped policy.
    DpopRequired {
        /// What a correct API answers under `--dpop optional`.
        optional: Expect,
    },
    /// `Authorization: DPoP` without a proof: under a DPoP profile, the API knows the scheme,
    /// so any 400 or 401 is right (its challenge may carry an error code).
    DpopScheme,
    /// A token of the tenant's custom-domain issuer: accepted when the profile says the API
    /// trusts the custom domains, refused (policy: iss) otherwise.
    CustomDomains,
}

/// A check made on the answers besides their status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostCheck {
    /// The token asks a shell or a database to sleep: an answer later than
    /// [`KID_DELAY_MS`](crate::KID_DELAY_MS) means the injection ran, whatever the status.
    SlowMeansExecuted,
    /// A claim carries text that must not come back live: the header its CRLF injects
    /// ([`INJECTED_HEADER`](mock_tenant::forge::INJECTED_HEADER)), its `<script>` unescaped in a
    /// body that is not JSON, or the `/etc/passwd` its path names. Any of them fails, whatever
    /// the status.
    NotReflected,
    /// A header that makes a careless verifier work for seconds before it refuses (PBES2's
    /// iteration count): an answer later than [`KID_DELAY_MS`](crate::KID_DELAY_MS) every time
    /// is a `FAIL robustness`, whatever the status.
    SlowMeansWork,
    /// Sent with `POST`: a 404 or 405 means the API has no such route, so the case does not
    /// apply.
    NeedsPostRoute,
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
    /// A token from the forge: the valid token, or one with a named defect.
    Token {
        /// The endpoint.
        endpoint: Endpoint,
        /// The defect; `None` for the valid token.
        defect: Option<DefectId>,
    },
    /// The tenant's own tokens from real logins, each sent to `/api/private`.
    Login(LoginTokens),
    /// The valid token carried another way.
    Transport(Transport),
    /// A JWKS operation.
    Jwks(JwksOp),
    /// A check over the answers of every case before it.
    Responses(ResponseCheck),
    /// A DPoP case: runs only under a DPoP profile.
    Dpop(DpopCase),
    /// A custom-domain (second issuer) case.
    Issuer(IssuerCase),
    /// An Organizations case: runs only when the profile names the API's organization.
    Organization(OrgCase),
}

/// What an Organizations case sends: a valid token whose `org_id` is...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgCase {
    /// ... the organization the API serves.
    Expected,
    /// ... another organization of the tenant.
    Other,
    /// ... absent: a login without an organization.
    Missing,
    /// ... the expected organization's name, not its id.
    NameAsId,
    /// ... the expected id with its letters' case flipped.
    IdCase,
}

/// What a custom-domain case sends (Auth0 custom domains, Multiple Custom Domains).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerCase {
    /// A token of the tenant's custom-domain issuer, signed by the tenant.
    CustomDomain,
    /// A token of the tenant's custom-domain issuer, signed by a key that is not the tenant's.
    CustomDomainForeignKey,
    /// `iss-wrong-attacker-host`'s token, with `Host` naming the attacker's host.
    HostSpoof,
}

/// Which tokens of a real login a [`Recipe::Login`] case sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginTokens {
    /// The ID token of a login to each of the tenant's login clients.
    IdTokens,
    /// The access token of a login without an audience, good only for `/userinfo`: a JWE, as
    /// Auth0 issues it (or the tenant's JWT when it is told to issue those).
    Userinfo,
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
    /// The standard's section, or the advisory, the case comes from (`RFC 6750 §2.1`, a CVE);
    /// `-` where the case is the suite's own.
    pub spec: &'static str,
    /// One line: what is sent and why.
    pub about: String,
    /// How to build the request.
    pub recipe: Recipe,
    /// What a correct API answers (before the profile's knob, if any).
    pub expect: Expect,
    /// Who could send it.
    pub threat: Threat,
    /// The policy at stake when the API accepts it, if any.
    pub policy: Option<Policy>,
    /// The profile setting that changes the expectation, if any.
    pub knob: Option<Knob>,
    /// A check on the answers besides their status, if any.
    pub post: Option<PostCheck>,
    /// Why the case has its verdicts: the spec clause, the advisory, the threat.
    pub why: &'static str,
}

impl Case {
    /// Where the case names its advisories: what it sends and why, or for a forge token the
    /// defect's source (its spec section and advisories).
    /// A forge token's advisories are its defect's own (`source`): the row's reason may name
    /// a neighbour's advisory.
    pub(crate) fn text(&self) -> String {
        match self.recipe {
            Recipe::Token {
                defect: Some(d), ..
            } => d.defect().source.to_owned(),
            _ => format!("{}\n{}", self.about, self.why),
        }
    }

    /// The published advisories whose behaviour this case reproduces ([`crate::ADVISORIES`]),
    /// in the order its text names them.
    pub fn advisories(&self) -> Vec<crate::Advisory> {
        crate::advisories::named_in(&self.text())
    }

    /// The endpoint its requests go to, for cases sent to one of the profile's three paths.
    pub fn endpoint(&self) -> Option<Endpoint> {
        match self.recipe {
            Recipe::Headers { endpoint, .. }
            | Recipe::RawHeaders { endpoint, .. }
            | Recipe::Token { endpoint, .. } => Some(endpoint),
            _ => None,
        }
    }

    /// Whether the case runs under this profile: the DPoP cases need a DPoP profile, the
    /// Organizations cases a profile that names the API's organization.
    pub fn applies(&self, profile: &Profile) -> bool {
        let dpop = matches!(
            self.recipe,
            Recipe::Dpop(_) | Recipe::Responses(ResponseCheck::DpopChallenge)
        );
        let org = matches!(self.recipe, Recipe::Organization(_));
        (!dpop || profile.dpop != Dpop::Off) && (!org || profile.organization.is_some())
    }

    /// What a correct API answers under this profile.
    pub fn expectation(&self, profile: &Profile) -> Expect {
        if profile.dpop == Dpop::Required && matches!(self.recipe, Recipe::Transport(_)) {
            // A bound token outside the header carries no proof: it must be refused.
            return Expect::Malformed;
        }
        match self.knob {
            Some(Knob::DpopRequired { optional }) if profile.dpop != Dpop::Required => optional,
            Some(Knob::DpopScheme) if profile.dpop != Dpop::Off => Expect::Malformed,
            Some(Knob::CustomDomains) if profile.custom_domains => Expect::Ok,
            Some(Knob::Leeway { late_secs }) if late_secs <= profile.leeway_secs.min(60) => {
                Expect::Tolerated
            }
            Some(Knob::PermissionsClaim) => match profile.scope_source {
                ScopeSource::ScopeAndPermissions => Expect::Ok,
                _ => Expect::Scope,
            },
            Some(Knob::ScpClaim) => match profile.scope_source {
                ScopeSource::ScopeAndScp => Expect::Ok,
                _ => Expect::Scope,
            },
            Some(Knob::QueryOrBody) if profile.transports == Transports::HeaderQueryBody => {
                Expect::Ok
            }
            Some(Knob::TwoMethods) if profile.transports == Transports::HeaderQueryBody => {
                Expect::Discouraged
            }
            _ => self.expect,
        }
    }
}
