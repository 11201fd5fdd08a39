//! `--only` and `--list`: choosing cases by id prefix, and saying so when a filter matches
//! nothing instead of running zero cases and passing.

use conformance::Case;

/// The cases whose id starts with one of `only` (all when empty). A prefix that matches no case
/// is an error naming the closest ids: a typo must not turn into a green run of nothing.
pub(super) fn selected(all: Vec<Case>, only: &[String]) -> Result<Vec<Case>, String> {
    let unmatched: Vec<&String> = only
        .iter()
        .filter(|p| !all.iter().any(|c| c.id.starts_with(p.as_str())))
        .collect();
    if let Some(prefix) = unmatched.first() {
        let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
        let closest = closest(prefix, &ids, 5);
        return Err(format!(
            "--only {prefix:?} matches no case; closest ids: {} (--list shows them all)",
            closest.join(", ")
        ));
    }
    Ok(all
        .into_iter()
        .filter(|c| only.is_empty() || only.iter().any(|p| c.id.starts_with(p.as_str())))
        .collect())
}

/// The `n` ids nearest to `wanted`: by edit distance to the id's start of the same length (so a
/// prefix with a typo finds its family), then to the whole id.
fn closest<'a>(wanted: &str, ids: &[&'a str], n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(usize, usize, &str)> = ids
        .iter()
        .map(|id| {
            let head: String = id.chars().take(wanted.chars().count()).collect();
            (distance(wanted, &head), distance(wanted, id), *id)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, id)| id).collect()
}

/// Levenshtein distance, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// `--list`: one line per case with its id, catalogue row, category, severity, who could send
/// it and what a correct API answers, then why.
pub(super) fn list(cases: &[Case]) -> String {
    use std::fmt::Write;
    let width = cases.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in cases {
        let advisories: Vec<String> = c.advisories().iter().map(|a| a.to_string()).collect();
        let about = if advisories.is_empty() {
            c.about.clone()
        } else {
            format!("{} [{}]", c.about, advisories.join(", "))
        };
        let _ = writeln!(
            out,
            "{:width$}  {:<10} {:<11} {:<8} {:<10} {:<12} {}",
            c.id,
            c.source,
            c.category.to_string(),
            format!("{:?}", c.severity),
            format!("{:?}", c.threat),
            format!("{:?}", c.expect),
            about
        );
    }
    let _ = writeln!(out, "{} cases", cases.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_matching_nothing_is_an_error_with_the_closest_ids() {
        let err = selected(conformance::cases(), &["alg-nonee".into()]).unwrap_err();
        assert!(err.contains("matches no case"), "{err}");
        assert!(err.contains("alg-none"), "{err}");
        let err = selected(conformance::cases(), &["zzz".into()]).unwrap_err();
        assert!(err.contains("closest ids: "), "{err}");
    }

    #[test]
    fn one_bad_prefix_among_good_ones_is_still_an_error() {
        assert!(selected(conformance::cases(), &["alg-".into(), "jwks-dwn".into()]).is_err());
    }

    #[test]
    fn prefixes_select_their_families_and_nothing_else() {
        let chosen = selected(conformance::cases(), &["alg-none".into(), "rot-".into()]).unwrap();
        assert!(!chosen.is_empty());
        assert!(
            chosen
                .iter()
                .all(|c| c.id.starts_with("alg-none") || c.id.starts_with("rot-"))
        );
        assert_eq!(
            selected(conformance::cases(), &[]).unwrap().len(),
            conformance::cases().len()
        );
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", "abc"), 0);
    }

    #[test]
    fn the_list_has_one_line_per_case() {
        let cases = conformance::cases();
        let text = list(&cases);
        assert_eq!(text.lines().count(), cases.len() + 1);
        assert!(text.lines().any(|l| l.starts_with("alg-none")));
    }
}
