//! Judging: answers against the case's expectation, the post-checks, and the checks over a
//! whole run (resp-challenge, resp-leak).

use super::Ctx;
use crate::case::{Case, Expect, PostCheck, ResponseCheck};
use crate::profile::Profile;
use crate::report::Outcome;
use crate::verdict::{Exchange, Verdict, classify, has_challenge, leak};

/// resp-challenge and resp-leak: one verdict over every answer of the run so far, with the
/// first offending exchange as evidence.
pub(super) fn responses<'a>(
    case: &Case,
    check: ResponseCheck,
    done: impl Iterator<Item = &'a Outcome>,
    profile: &Profile,
) -> Outcome {
    let answers = done.flat_map(|o| o.exchanges.iter().map(move |e| (o.id.as_str(), e)));
    match check {
        ResponseCheck::Challenge => {
            let refusals: Vec<_> = answers
                .filter(|(_, e)| matches!(e.status, Some(401 | 403)))
                .collect();
            let bare: Vec<_> = refusals
                .iter()
                .filter(|(_, e)| {
                    !e.challenge
                        .as_deref()
                        .is_some_and(|c| has_challenge(c, profile))
                })
                .collect();
            let Some((first, evidence)) = bare.first() else {
                return Outcome::new(
                    case,
                    Verdict::Pass,
                    format!(
                        "all {} 401/403 answers carry a Bearer challenge",
                        refusals.len()
                    ),
                    vec![],
                );
            };
            let verdict = if profile.require_challenge {
                Verdict::WarnConformance
            } else {
                Verdict::PassTolerated
            };
            Outcome::new(
                case,
                verdict,
                format!(
                    "{} of {} 401/403 answers lack `WWW-Authenticate: Bearer` (first: {first}){}",
                    bare.len(),
                    refusals.len(),
                    if profile.require_challenge {
                        String::new()
                    } else {
                        format!("; tolerated by {}", profile.name)
                    }
                ),
                vec![(*evidence).clone()],
            )
        }
        ResponseCheck::DpopChallenge => dpop_challenge(case, answers, profile),
        ResponseCheck::Leak => {
            let mut leaks = answers.filter_map(|(id, e)| leak(e, "").map(|why| (id, e, why)));
            match leaks.next() {
                None => Outcome::new(
                    case,
                    Verdict::Pass,
                    "no refusal leaks internals".into(),
                    vec![],
                ),
                Some((id, evidence, why)) => Outcome::new(
                    case,
                    Verdict::WarnConformance,
                    format!("{why} (first: {id}; {} more)", leaks.count()),
                    vec![evidence.clone()],
                ),
            }
        }
    }
}

/// resp-challenge-dpop: every 401 to a DPoP request names the `DPoP` scheme and the proof
/// algorithms it takes (RFC 9449 §7.1: `algs`), so a client knows how to retry.
fn dpop_challenge<'a>(
    case: &Case,
    answers: impl Iterator<Item = (&'a str, &'a Exchange)>,
    profile: &Profile,
) -> Outcome {
    if profile.dpop == crate::profile::Dpop::Off {
        return Outcome::new(
            case,
            Verdict::NotApplicable,
            "not run: the profile does not use DPoP".into(),
            vec![],
        );
    }
    let refusals: Vec<_> = answers
        .filter(|(_, e)| e.dpop && e.status == Some(401))
        .collect();
    let names_dpop = |c: &str| {
        crate::verdict::schemes(c).any(|s| s.eq_ignore_ascii_case("dpop")) && c.contains("algs=")
    };
    let bare: Vec<_> = refusals
        .iter()
        .filter(|(_, e)| !e.challenge.as_deref().is_some_and(names_dpop))
        .collect();
    match bare.first() {
        None => Outcome::new(
            case,
            Verdict::Pass,
            format!(
                "all {} 401 answers to DPoP requests carry `WWW-Authenticate: DPoP` with `algs`",
                refusals.len()
            ),
            vec![],
        ),
        Some((first, evidence)) => Outcome::new(
            case,
            Verdict::WarnConformance,
            format!(
                "{} of {} 401 answers to DPoP requests lack `WWW-Authenticate: DPoP algs=...` \
                 (RFC 9449 §7.1; first: {first})",
                bare.len(),
                refusals.len()
            ),
            vec![(*evidence).clone()],
        ),
    }
}

/// The worst verdict over the exchanges, each also checked for leaks.
pub(super) fn judge(
    ctx: &Ctx<'_>,
    case: &Case,
    expect: Expect,
    exchanges: Vec<Exchange>,
    token: &str,
) -> Outcome {
    let accepted = case.if_accepted(ctx.profile);
    let mut worst = (Verdict::Pass, String::new());
    for exchange in &exchanges {
        let mut verdict = classify(expect, accepted, exchange, ctx.profile);
        if let Some(reason) = leak(exchange, token)
            && verdict.0 < Verdict::WarnConformance
        {
            verdict = (Verdict::WarnConformance, reason);
        }
        if verdict.0 > worst.0 || worst.1.is_empty() {
            worst = verdict;
        }
    }
    Outcome::new(case, worst.0, worst.1, exchanges)
}

/// The fastest answer, when every answer took [`KID_DELAY_MS`] or more (a slow first answer is
/// sent again: one slow answer on a busy machine is not work done on the token).
fn slowest_every_time(outcome: &Outcome) -> Option<u64> {
    outcome
        .exchanges
        .iter()
        .filter(|e| e.status.is_some())
        .map(|e| e.elapsed_ms)
        .min()
        .filter(|ms| *ms >= KID_DELAY_MS)
}

/// What a hostile claim's answer shows, if it came back live.
fn reflected(exchange: &Exchange) -> Option<&'static str> {
    use mock_tenant::forge::{INJECTED_HEADER, PASSWD_MARKER, SCRIPT_MARKER};
    let json = exchange
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    if exchange
        .header_names
        .iter()
        .any(|n| n.eq_ignore_ascii_case(INJECTED_HEADER))
    {
        Some(
            "the subject's CRLF became a header of the answer: the API writes the claim raw into \
             its headers (response splitting, CWE-113)",
        )
    } else if exchange.body.contains(PASSWD_MARKER) {
        Some(
            "the answer holds /etc/passwd: the API read the file its token's subject named (path \
             traversal, CWE-22)",
        )
    } else if !json && exchange.body.contains(SCRIPT_MARKER) {
        Some(
            "the claim's <script> came back unescaped in an answer that is not JSON (cross-site \
             scripting, CWE-79)",
        )
    } else {
        None
    }
}

/// An answer to a `sleep` in the `kid` slower than this means the `kid` reached a shell or a
/// database: the injection ran, whatever the status.
pub const KID_DELAY_MS: u64 = 2_500;

/// Applies the case's post-check to its outcome.
pub(super) fn post_check(case: &Case, outcome: &mut Outcome) {
    match case.post {
        None => {}
        Some(PostCheck::SlowMeansExecuted) => {
            let Some(fastest) = slowest_every_time(outcome) else {
                return;
            };
            outcome.verdict = Verdict::FailUnsafe;
            outcome.note = format!(
                "answered after {fastest} ms every time: the token's injected sleep looks executed"
            );
        }
        Some(PostCheck::SlowMeansWork) => {
            if let Some(fastest) = slowest_every_time(outcome) {
                outcome.verdict = outcome.verdict.max(Verdict::FailRobustness);
                outcome.note = format!(
                    "answered after {fastest} ms every time: the API works on the token before it \
                     refuses it (PBKDF2 with the header's iteration count): anyone can burn its CPU"
                );
            }
        }
        Some(PostCheck::NotReflected) => {
            if let Some(why) = outcome.exchanges.iter().find_map(reflected) {
                outcome.verdict = Verdict::FailUnsafe;
                outcome.note = why.to_owned();
            }
        }
        Some(PostCheck::NeedsPostRoute) => {
            if let Some(status @ (404 | 405)) = outcome.exchanges.first().and_then(|e| e.status) {
                outcome.verdict = Verdict::NotApplicable;
                outcome.note =
                    format!("not applicable: {status} to POST, the API has no POST route here");
            }
        }
    }
}
