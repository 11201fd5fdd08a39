//! Verdicts: how one answer compares with what the case expects, under a profile.

use crate::case::{Case, Expect, Knob, Policy, Recipe, Threat};
use crate::profile::{Dpop, Profile};
use serde::Serialize;

/// The outcome class of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The API answered as it must.
    Pass,
    /// An answer the profile tolerates (for example no challenge header in the quickstart profile).
    PassTolerated,
    /// The case does not apply to this API (it has no POST route, it does not read discovery,
    /// its declared cache outlives what a run can wait). Not a failure; the note says why.
    NotApplicable,
    /// The answer is safe but not what the profile expects (missing challenge, another status).
    WarnConformance,
    /// A token only the issuer could sign, or a request only a holder of the valid token could
    /// send, was accepted although it is odd: stricter is better, but nobody else can send it.
    /// Reported; not a failure.
    WarnStrict,
    /// A `warn strict` under `--strict` (`Profile::strict`): the team's policy fails what only
    /// the issuer or a holder of a valid token could send.
    FailStrict,
    /// A 5xx, no answer in time, a dropped connection, a JWKS fetch storm, or a request to the
    /// attacker's host.
    FailRobustness,
    /// The valid token (or a benign variant) was refused.
    FailFunctional,
    /// A 2xx for a forged or invalid token.
    FailUnsafe,
}

impl Verdict {
    /// Whether this verdict fails the run.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Self::FailUnsafe | Self::FailFunctional | Self::FailRobustness | Self::FailStrict
        )
    }

    /// A warning: reported, not a failure.
    pub fn is_warning(self) -> bool {
        matches!(self, Self::WarnConformance | Self::WarnStrict)
    }

    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::PassTolerated => "pass (tolerated)",
            Self::NotApplicable => "n/a",
            Self::WarnConformance => "warn",
            Self::WarnStrict => "warn strict",
            Self::FailStrict => "FAIL strict",
            Self::FailRobustness => "FAIL robustness",
            Self::FailFunctional => "FAIL functional",
            Self::FailUnsafe => "FAIL unsafe",
        }
    }
}

/// One request and the API's answer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Exchange {
    /// `GET /api/private` and the `Authorization` values sent (tokens shortened).
    pub request: String,
    /// The status, if the API answered.
    pub status: Option<u16>,
    /// The `WWW-Authenticate` header, if any.
    pub challenge: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body (at most 2 KiB).
    pub body: String,
    /// Milliseconds until the answer (or the failure).
    pub elapsed_ms: u64,
    /// The transport error, if there was no answer.
    pub error: Option<String>,
    /// Whether the request used DPoP (the `DPoP` scheme or a proof), for the run's DPoP
    /// challenge check. The request line shows it too.
    #[serde(skip)]
    pub dpop: bool,
    /// The `DPoP-Nonce` header of the answer, if any (RFC 9449 §9).
    #[serde(skip)]
    pub nonce: Option<String>,
    /// The names of the answer's headers, for the reflection checks
    /// ([`PostCheck::NotReflected`](crate::PostCheck::NotReflected)).
    #[serde(skip)]
    pub header_names: Vec<String>,
    /// Bytes of the `Authorization` and extra header values sent: past
    /// 8 KiB (`OVERSIZE_HEADERS`) a server may refuse the request before it reads the token.
    #[serde(skip)]
    pub header_bytes: usize,
}

/// Header bytes past which common HTTP servers refuse a request as too large before any
/// application code reads it: nginx and Apache allow 8 KiB per header line, Node.js and
/// Python's h11 (uvicorn) 16 KiB of headers in all, and h11 answers a plain 400 (nginx too:
/// `400 Request Header Or Cookie Too Large`). A 400, 413 or 431 to such a request is the
/// server's refusal, not the API's, and is tolerated where a 401 is expected.
pub const OVERSIZE_HEADERS: usize = 8 * 1024;

/// Classifies one answer against the expectation. `accepted` is the verdict for a 2xx to what
/// must be refused ([`Case::if_accepted`](crate::Case::if_accepted)). Returns the verdict and a
/// short reason.
pub fn classify(
    expect: Expect,
    accepted: Verdict,
    exchange: &Exchange,
    profile: &Profile,
) -> (Verdict, String) {
    use Verdict::*;
    let Some(status) = exchange.status else {
        let error = exchange.error.as_deref().unwrap_or("no answer");
        return (FailRobustness, format!("no answer: {error}"));
    };
    if status >= 500 {
        if expect == Expect::FailClosed && status == 503 {
            return (Pass, "503: fails closed".into());
        }
        return (FailRobustness, format!("{status}: a server error"));
    }
    let ok = (200..300).contains(&status);
    let challenge = exchange.challenge.as_deref().unwrap_or("");
    let has_bearer = has_challenge(challenge, profile);
    let missing_challenge = |base: Verdict, what: &str| {
        if has_bearer {
            (base, format!("{status} {what}"))
        } else if profile.require_challenge {
            (
                WarnConformance,
                format!(
                    "{status} without a WWW-Authenticate: {} challenge",
                    challenge_schemes(profile)
                ),
            )
        } else {
            (
                PassTolerated,
                format!(
                    "{status}, no challenge header (tolerated by {})",
                    profile.name
                ),
            )
        }
    };
    match expect {
        Expect::Ok if ok => (Pass, format!("{status}")),
        Expect::Ok => (
            FailFunctional,
            format!("{status}: a valid request was refused"),
        ),
        Expect::Tolerated => (Pass, format!("{status} (either answer is acceptable)")),
        Expect::HeaderOnly if ok => (
            WarnConformance,
            format!("{status}: accepts the token outside the Authorization header"),
        ),
        Expect::HeaderOnly => (Pass, format!("{status}: only the header carries tokens")),
        Expect::Discouraged if ok => (
            WarnConformance,
            format!("{status}: accepted; not a failure, but reported"),
        ),
        Expect::Discouraged => (Pass, format!("{status}: refused")),
        Expect::Preferred if ok => (Pass, format!("{status}")),
        Expect::Preferred => (
            WarnConformance,
            format!("{status}: refused a legal request; not a failure, but reported"),
        ),
        _ if ok && accepted == WarnStrict => (
            WarnStrict,
            format!(
                "{status}: accepted; only the issuer or a holder of the valid token can send this"
            ),
        ),
        _ if ok => (accepted, format!("{status}: accepted what must be refused")),
        Expect::Invalid => match status {
            401 if challenge.contains("invalid_token") => (Pass, "401 invalid_token".into()),
            401 if challenge.contains("invalid_dpop_proof") => {
                (Pass, "401 invalid_dpop_proof".into())
            }
            400 if challenge.contains("invalid_dpop_proof")
                || (profile.dpop != Dpop::Off && challenge.contains("invalid_request")) =>
            {
                (Pass, format!("400 {}", error_code(challenge)))
            }
            401 => missing_challenge(PassTolerated, "without error=\"invalid_token\""),
            400 if !profile.require_challenge => (PassTolerated, "400 for an invalid token".into()),
            // The server would not read a request that large: refused before the token. Whether
            // uvicorn's h11 says 400 or reads on depends on how the bytes arrive, so a 400 is as
            // good as a 413 or 431 here.
            413 | 431 => (
                PassTolerated,
                format!("{status}: refused as too large, before the token was read"),
            ),
            400 if exchange.header_bytes > OVERSIZE_HEADERS => (
                PassTolerated,
                "400 to an oversized request: refused before the token was read".into(),
            ),
            _ => (
                WarnConformance,
                format!("{status}, expected 401 invalid_token"),
            ),
        },
        Expect::Scope => match status {
            403 if challenge.contains("insufficient_scope") => {
                (Pass, "403 insufficient_scope".into())
            }
            403 => missing_challenge(PassTolerated, "without error=\"insufficient_scope\""),
            401 if !profile.require_challenge => {
                (PassTolerated, "401 for a missing scope (legacy)".into())
            }
            _ => (
                WarnConformance,
                format!("{status}, expected 403 insufficient_scope"),
            ),
        },
        Expect::Challenge => match status {
            401 if has_bearer && !challenge.contains("error=") => {
                (Pass, "401 with a bare Bearer challenge".into())
            }
            401 if has_bearer => (
                WarnConformance,
                "401 with an error code although no token was sent (RFC 6750 §3.1)".into(),
            ),
            401 => missing_challenge(Pass, ""),
            400 => (PassTolerated, "400".into()),
            _ => (WarnConformance, format!("{status}, expected 401")),
        },
        Expect::Malformed => match status {
            400 | 401 => missing_challenge(Pass, "refused"),
            _ => (WarnConformance, format!("{status}, expected 400 or 401")),
        },
        Expect::FailClosed => match status {
            401 => (Pass, "401: fails closed".into()),
            _ => (WarnConformance, format!("{status}, expected 401 or 503")),
        },
        Expect::ClientError => (Pass, format!("{status}")),
    }
}

/// The auth schemes a `WWW-Authenticate` value names (several headers joined by `, `):
/// `Bearer realm="api", error="invalid_token", DPoP algs="ES256"` names `Bearer` and `DPoP`. A
/// token followed by `=` is a parameter, not a scheme.
pub(crate) fn schemes(challenge: &str) -> impl Iterator<Item = &str> {
    challenge.split(',').filter_map(|part| {
        let part = part.trim_start();
        let scheme = part.split([' ', '=']).next().unwrap_or("");
        let parameter = part[scheme.len()..].trim_start().starts_with('=');
        (!scheme.is_empty() && !parameter).then_some(scheme)
    })
}

/// Whether a `WWW-Authenticate` value holds a challenge the profile's APIs speak: `Bearer`,
/// and `DPoP` under a DPoP profile.
pub(crate) fn has_challenge(challenge: &str, profile: &Profile) -> bool {
    schemes(challenge).any(|scheme| {
        scheme.eq_ignore_ascii_case("bearer")
            || (profile.dpop != Dpop::Off && scheme.eq_ignore_ascii_case("dpop"))
    })
}

/// `Bearer`, or `Bearer or DPoP`: what a challenge must name under the profile.
fn challenge_schemes(profile: &Profile) -> &'static str {
    if profile.dpop == Dpop::Off {
        "Bearer"
    } else {
        "Bearer or DPoP"
    }
}

/// The first `error="…"` of a challenge, or `refused`.
fn error_code(challenge: &str) -> &str {
    challenge
        .split("error=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("refused")
}

/// Words in an error body that betray internals: stack traces, keys, exceptions.
const LEAKS: &[&str] = &[
    "Traceback (most recent call last)",
    "-----BEGIN",
    "panicked at",
    "Exception in thread",
    "    at ",
    "File \"/",
];

/// A reason if the body of a refusal leaks internals or echoes the token.
pub fn leak(exchange: &Exchange, token: &str) -> Option<String> {
    if exchange.status.is_some_and(|s| (200..300).contains(&s)) {
        return None;
    }
    if let Some(word) = LEAKS.iter().find(|w| exchange.body.contains(*w)) {
        return Some(format!("the error body leaks internals ({word:?})"));
    }
    let signature = token.rsplit('.').next().unwrap_or("");
    if signature.len() > 16 && exchange.body.contains(signature) {
        return Some("the error body echoes the token".into());
    }
    None
}

impl Case {
    /// The verdict for a 2xx to a request that must be refused: `FAIL unsafe` when anyone
    /// could send it or a policy the API owns was skipped, `warn strict` otherwise.
    pub fn if_accepted(&self, profile: &Profile) -> Verdict {
        let bound_without_proof =
            profile.dpop == Dpop::Required && matches!(self.recipe, Recipe::Transport(_));
        let policy = match (self.policy, self.knob) {
            _ if bound_without_proof => true,
            (Some(Policy::Expiry), Some(Knob::ExpRequired)) => profile.exp_required,
            (Some(Policy::SenderConstraint), Some(Knob::DpopRequired { .. })) => {
                profile.dpop == Dpop::Required
            }
            (policy, _) => policy.is_some(),
        };
        if self.threat == Threat::Anyone || policy {
            Verdict::FailUnsafe
        } else {
            Verdict::WarnStrict
        }
    }
}

#[cfg(test)]
mod scheme_tests {
    use super::schemes;

    #[test]
    fn schemes_are_the_tokens_not_followed_by_an_equals_sign() {
        let found: Vec<&str> =
            schemes(r#"Bearer realm="api", error="invalid_token", DPoP algs="ES256""#).collect();
        assert_eq!(found, ["Bearer", "DPoP"]);
        assert_eq!(schemes("Bearer").collect::<Vec<_>>(), ["Bearer"]);
        assert_eq!(schemes(r#"error="x""#).count(), 0);
    }
}

#[cfg(test)]
mod oversize_tests {
    use super::{Exchange, OVERSIZE_HEADERS, Verdict, classify};
    use crate::case::Expect;
    use crate::profile::Profile;

    fn plain_400(header_bytes: usize) -> Verdict {
        let exchange = Exchange {
            status: Some(400),
            header_bytes,
            ..Exchange::default()
        };
        let profile = Profile::rfc6750_strict();
        classify(Expect::Invalid, Verdict::FailUnsafe, &exchange, &profile).0
    }

    #[test]
    fn a_plain_400_is_the_servers_refusal_only_for_an_oversized_request() {
        assert_eq!(plain_400(64 * 1024 + 100), Verdict::PassTolerated);
        assert_eq!(plain_400(OVERSIZE_HEADERS + 1), Verdict::PassTolerated);
        assert_eq!(plain_400(OVERSIZE_HEADERS), Verdict::WarnConformance);
        assert_eq!(plain_400(900), Verdict::WarnConformance);
    }
}
