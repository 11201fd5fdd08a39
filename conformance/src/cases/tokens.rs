//! One case per named defect of the forge ([`mock_tenant::forge::defects`]): the forge's row says
//! what the token is, who could make it and what a correct API answers; this file adds the
//! suite's columns, per catalogue row ([`token_row`]) and, where a row's defects differ, per
//! defect ([`TIME`], [`EQUIVALENT_ISSUER`]).

use crate::case::Threat;
use crate::case::{Case, Category, Endpoint, Expect, Knob, Policy, PostCheck, Recipe, Severity};
use Category::*;
use Severity::*;
use mock_tenant::forge::{Answer, Defect, DefectId, Forger, Row, defects};

/// Every defect's case, in the forge's order.
pub(super) fn cases() -> impl Iterator<Item = Case> {
    defects().iter().map(token_case)
}

/// The policy and knob of a time defect whose token skips a check the API owns: an `exp` that
/// reads as a past instant (accepting it skipped the expiry check, within the profile's
/// leeway), an `exp` that cannot be read at all (absent: a policy under `exp_required`), an
/// `nbf` in the future. A time defect not listed is only the issuer's oddity (a future `exp`
/// in an odd form, `1e400`, an odd `iat`). A test reads each token back to prove the table.
struct TimeRow {
    defect: DefectId,
    policy: Policy,
    knob: Option<Knob>,
}

/// How late `exp-type-exponent-past`'s `1.6e9` is: years (any value past a minute reads the
/// same).
const YEARS: u64 = 5 * 365 * 86_400;

#[rustfmt::skip]
const TIME: &[TimeRow] = &[
    TimeRow { defect: DefectId::ExpPast, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: 3600 }) },
    TimeRow { defect: DefectId::ExpPast1s, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: 1 }) },
    TimeRow { defect: DefectId::ExpPast6s, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: 6 }) },
    TimeRow { defect: DefectId::ExpPast61s, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: 61 }) },
    TimeRow { defect: DefectId::ExpPast301s, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: 301 }) },
    TimeRow { defect: DefectId::ExpPastNow, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: 0 }) },
    TimeRow { defect: DefectId::ExpAbsent, policy: Policy::Expiry, knob: Some(Knob::ExpRequired) },
    TimeRow { defect: DefectId::ExpTypeNull, policy: Policy::Expiry, knob: Some(Knob::ExpRequired) },
    TimeRow { defect: DefectId::ExpTypeBool, policy: Policy::Expiry, knob: Some(Knob::ExpRequired) },
    TimeRow { defect: DefectId::ExpTypeArray, policy: Policy::Expiry, knob: Some(Knob::ExpRequired) },
    TimeRow { defect: DefectId::ExpTypeStringPast, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: 3600 }) },
    TimeRow { defect: DefectId::ExpTypeExponentPast, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: YEARS }) },
    TimeRow { defect: DefectId::ExpTypeNegative, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: YEARS }) },
    TimeRow { defect: DefectId::ExpTypeNegativeZero, policy: Policy::Expiry, knob: Some(Knob::Leeway { late_secs: YEARS }) },
    TimeRow { defect: DefectId::NbfFuture, policy: Policy::NotBefore, knob: None },
    TimeRow { defect: DefectId::NbfFutureString, policy: Policy::NotBefore, knob: None },
    TimeRow { defect: DefectId::NbfFuture3s, policy: Policy::NotBefore, knob: None },
];

/// `iss` defects that name the tenant's own issuer as an equivalent URI: no policy skipped.
const EQUIVALENT_ISSUER: &[DefectId] = &[
    DefectId::IssNearNoSlash,
    DefectId::IssNearUpper,
    DefectId::IssNearZeroWidth,
];

/// Why an equivalent spelling of the issuer is only a warning.
const EQUIVALENT: &str = "the tenant's own issuer spelled as an equivalent URI (host case, RFC 3986 §6.2.2.1; the empty path, §6.2.3; a zero-width space, which IDNA mapping (UTS #46) drops from a host): RFC 7519 §2 wants an exact comparison, but only the tenant signs it and no other issuer gets in, so accepting is `warn strict` (express-oauth2-jwt-bearer's Multiple Custom Domains mode normalizes issuers so)";

/// Why a defect that anyone can make sits in a row of tenant-signed oddities.
const FORGED_VARIANT: &str =
    "this variant is signed with a key the attacker chose: accepting it lets a stranger in";

/// A forge defect as a case.
fn token_case(defect: &Defect) -> Case {
    let (category, severity, row_policy, post, row_why) = token_row(defect.row);
    let (policy, knob, why) = if let Some(time) = TIME.iter().find(|t| t.defect == defect.id) {
        (Some(time.policy), time.knob, row_why)
    } else if category == Time {
        (None, None, row_why)
    } else if EQUIVALENT_ISSUER.contains(&defect.id) {
        (None, None, EQUIVALENT)
    } else {
        let knob = match defect.row {
            Row::PermClaim => Some(Knob::PermissionsClaim),
            Row::ScpClaim => Some(Knob::ScpClaim),
            _ => None,
        };
        (row_policy, knob, row_why)
    };
    // A polyglot raises the scope of a token that lacks it: only the scoped endpoint tells.
    let endpoint = if category == Scope
        || defect.answer == Answer::InsufficientScope
        || defect.row == Row::JwsPolyglot
    {
        Endpoint::Scoped
    } else {
        Endpoint::Private
    };
    Case {
        id: defect.name.to_owned(),
        category,
        severity,
        source: defect.row.as_str(),
        spec: defect.source,
        about: defect.about.to_owned(),
        recipe: Recipe::Token {
            endpoint,
            defect: Some(defect.id),
        },
        expect: match defect.answer {
            // Spaces and quotes: not a `b64token` (RFC 6750 §2.1), so 400 `invalid_request`
            // is as right as 401.
            Answer::Refuse if defect.row == Row::JwsPolyglot => Expect::Malformed,
            Answer::Refuse => Expect::Invalid,
            Answer::InsufficientScope => Expect::Scope,
            Answer::Accept => Expect::Ok,
            Answer::Preferred => Expect::Preferred,
            Answer::Tolerated => Expect::Tolerated,
        },
        threat: match defect.forger {
            Forger::Anyone => Threat::Anyone,
            Forger::Issuer => Threat::Issuer,
        },
        policy,
        knob,
        post,
        why: if defect.forger == Forger::Anyone && defect.row.forger() != Forger::Anyone {
            FORGED_VARIANT
        } else {
            why
        },
    }
}

/// Category, severity, the policy a 2xx would skip, the post-check and why, for each token row.
/// Who could make the token is the forge's column ([`mock_tenant::forge::Forger`]); the time rows
/// name their policy per defect ([`TIME`]).
fn token_row(
    row: Row,
) -> (
    Category,
    Severity,
    Option<Policy>,
    Option<PostCheck>,
    &'static str,
) {
    use Row::*;
    const FORGED: &str =
        "anyone can make it without the tenant's key: accepting it lets a stranger in";
    const ODD: &str = "signed by the tenant's own key: only the issuer can make it, so accepting it is `warn strict`; refusing is best";
    match row {
        SigBroken | SigStrip | Tamper | B64Garbage => (Sig, Critical, None, None, FORGED),
        SigNoncanon => (
            Sig,
            Info,
            None,
            None,
            "the tenant's signature bytes in another base64 form: only a holder of a tenant-signed token can make it",
        ),
        SigHuge => (Dos, Medium, None, None, FORGED),
        AlgNone | HsPubkey | HsBlank | HsWeak | EsPsychic | EsAttacker => {
            (Alg, Critical, None, None, FORGED)
        }
        AlgSwapLegit => (
            Alg,
            Low,
            None,
            None,
            "signed by the tenant's key under another RS/PS algorithm: outside the allow-list, but only the issuer can make it",
        ),
        AlgGarbage => (
            Alg,
            Low,
            None,
            None,
            "a garbled `alg` over the tenant's RS256 signature: only the issuer can make it; a 5xx is still a failure",
        ),
        KidUnknown | KidPath => (Kid, Critical, None, None, FORGED),
        KidAbsent | KidType => (
            Kid,
            Low,
            None,
            None,
            "the tenant's signature under a missing or strange `kid`: an API that tries every trusted key may accept it",
        ),
        KidSqli | KidCmdi => (
            Kid,
            Critical,
            None,
            Some(PostCheck::SlowMeansExecuted),
            "an injection in `kid`: it shows in behaviour (the answer waits for the injected sleep, or the attacker's host is contacted), not in the status of a tenant-signed token",
        ),
        OtherTenant | JwkEmbed | JkuAttacker | JkuLookalike | X5Attacker => {
            (Key, Critical, None, None, FORGED)
        }
        HdrUrlsIgnored => (
            Key,
            Medium,
            None,
            None,
            "a valid token carrying URLs at the attacker: the attacker's host must see no request",
        ),
        ExpPast | ExpAbsent | ExpType => (
            Time,
            Medium,
            None,
            None,
            "an `exp` the API must enforce when it can be read as a past instant (CVE-2026-25537 treated unparsable dates as absent); odd forms of a future instant are only the issuer's oddity",
        ),
        NbfFuture => (
            Time,
            Medium,
            None,
            None,
            "an `nbf` in the future must be enforced, whatever its form",
        ),
        IatOdd => (Time, Low, None, None, ODD),
        AudWrong | AudEmpty | AudNear => (
            Aud,
            High,
            Some(Policy::Audience),
            None,
            "the API owns its audience check: a token for another audience is refused whoever signed it",
        ),
        AudArray => (
            Aud,
            High,
            Some(Policy::Audience),
            None,
            "`aud` as an array that names the API is valid",
        ),
        IssWrong | IssNear => (
            Iss,
            High,
            Some(Policy::Issuer),
            None,
            "the API owns its issuer check (RFC 8725 §3.8)",
        ),
        IssArray => (
            Iss,
            Low,
            None,
            None,
            "`iss` as an array holding the tenant's issuer, signed by the tenant: only the issuer can make it, and no other issuer gets in through it, so accepting it is `warn strict`",
        ),
        IdToken => (
            Type,
            High,
            Some(Policy::Audience),
            None,
            "an ID token's audience is a client, not the API (RFC 8725 §2.8)",
        ),
        TypAt => (
            Type,
            Medium,
            None,
            None,
            "RFC 9068's `typ` for access tokens, which Auth0 issues under its RFC 9068 token profile: accepting is right; an API that pins `typ: JWT` refuses it and would lock itself out the day the tenant switches profile, so a refusal is a warning",
        ),
        TypOther => (Type, Medium, None, None, ODD),
        CtyNested | Crit | JsonDup | JsonBad => (Fmt, Low, None, None, ODD),
        JwsJson => (
            Fmt,
            Low,
            None,
            None,
            "the tenant's token re-serialized as JWS JSON: only a holder of the token can make it",
        ),
        JwsPolyglot => (
            Sig,
            Critical,
            None,
            None,
            "any user holds a valid token and can re-pack it so that the claims read are not the claims signed (CVE-2022-39227): accepting it lets a user raise their own scope or revive an expired token; a refusal is right, and a 403 means the signed claims were read (the JSON serialization was accepted: `jws-json-flattened`)",
        ),
        Jwe => (
            Fmt,
            Medium,
            None,
            None,
            "anyone can encrypt to a public key: a JWE is no proof of the issuer",
        ),
        JweP2c => (
            Dos,
            High,
            None,
            Some(PostCheck::SlowMeansWork),
            "anyone can write a PBES2 header: an API that derives the key before it refuses spends two billion PBKDF2 rounds on one request, so a slow refusal (or none) is `FAIL robustness`",
        ),
        Oversize => (
            Dos,
            Medium,
            None,
            None,
            "a large but valid token: any 4xx or a 2xx, never a 5xx",
        ),
        ManyDots => (Dos, Medium, None, None, FORGED),
        ScopeMissing | ScopeOther | ScopeMulti | ScopeSubstr | ScopeSep | ScopeType | PermClaim
        | ScpClaim => (
            Scope,
            High,
            Some(Policy::Scope),
            None,
            "the API owns its scope check: a scope it cannot find exactly, space-separated in `scope`, is not granted",
        ),
        ClaimSqli => (
            Claim,
            High,
            None,
            Some(PostCheck::SlowMeansExecuted),
            "a claim's value reaching a query: users choose the values Actions copy into claims (name, email, metadata), so it shows in behaviour (an answer that waits for the injected sleep), and any status but a 5xx is fine",
        ),
        ClaimInject => (
            Claim,
            High,
            None,
            Some(PostCheck::NotReflected),
            "a valid token whose claim carries an injection: users choose the values Actions copy into claims, so any status but a 5xx is fine, and the value must not come back live (a header its CRLF starts, its `<script>` in HTML, the file its path names)",
        ),
        ClaimHuge | ClaimSubType | ClaimOrgIdType => (
            Claim,
            Medium,
            None,
            None,
            "a valid token whose claim is huge or of the wrong JSON type: only the issuer can sign it, so any status is fine, but not a 5xx",
        ),
        CnfBearer => (
            Bind,
            Medium,
            None,
            None,
            "a sender-constrained token as a bearer token: the profile decides",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mock_tenant::forge::TokenBuilder;

    /// Unix time now.
    fn now() -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }

    /// A NumericDate read leniently: a number, or a string that parses as one. What a verifier that
    /// coerces types would see.
    fn lenient_instant(value: Option<&serde_json::Value>) -> Option<f64> {
        match value? {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The policy and knob of a time row, from the defect's own token: if a lenient reading of
    /// `exp` is a past instant (or of `nbf` a future one), accepting skipped a check the API owns;
    /// if `exp` cannot be read at all, it counts as absent (policy under `exp_required`); an odd
    /// form of a future `exp` is only the issuer's oddity.
    fn time_policy(defect: &Defect) -> (Option<Policy>, Option<Knob>) {
        let token = TokenBuilder::offline("https://time-policy.invalid/")
            .defect(defect.name)
            .sign();
        let claims = token
            .split('.')
            .nth(1)
            .and_then(|p| {
                use base64::Engine;
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(p)
                    .ok()
            })
            .and_then(|p| serde_json::from_slice::<serde_json::Value>(&p).ok());
        let Some(claims) = claims else {
            return (None, None); // not JSON a parser reads (`1e400`): an oddity
        };
        let now = now();
        if let Some(nbf) = lenient_instant(claims.get("nbf"))
            && nbf > now
        {
            return (Some(Policy::NotBefore), None);
        }
        match lenient_instant(claims.get("exp")) {
            None => (Some(Policy::Expiry), Some(Knob::ExpRequired)),
            Some(exp) if exp <= now => (
                Some(Policy::Expiry),
                Some(Knob::Leeway {
                    late_secs: (now - exp) as u64,
                }),
            ),
            Some(_) => (None, None),
        }
    }

    /// The [`TIME`] table says what each time defect's token shows when read back: the
    /// join by id cannot drift from the tokens the forge signs.
    #[test]
    fn the_time_table_matches_each_time_token() {
        for defect in defects() {
            let listed = TIME.iter().find(|t| t.defect == defect.id);
            if token_row(defect.row).0 != Time {
                assert!(listed.is_none(), "{} is not a time defect", defect.name);
                continue;
            }
            let (policy, knob) = time_policy(defect);
            let (row_policy, row_knob) = listed.map_or((None, None), |t| (Some(t.policy), t.knob));
            assert_eq!(row_policy, policy, "{}", defect.name);
            match (row_knob, knob) {
                (Some(Knob::Leeway { late_secs: row }), Some(Knob::Leeway { late_secs: read })) => {
                    assert!(
                        row.abs_diff(read) <= 2 || (row > 60 && read > 60),
                        "{}: {row} s late in the table, {read} s in the token",
                        defect.name
                    )
                }
                (row, read) => assert_eq!(row, read, "{}", defect.name),
            }
        }
    }
}
