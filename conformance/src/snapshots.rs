//! `--snapshots DIR`: each case's answers (status, challenge, content type, body; volatile values
//! redacted) kept as insta-style `.snap` files. A later run reports every answer that changed,
//! with a diff; `--update` accepts the changes.

use crate::report::Report;
use std::path::Path;

/// What a snapshot check found.
#[derive(Debug, Default)]
pub struct SnapshotCheck {
    /// Cases recorded for the first time.
    pub new: Vec<String>,
    /// Cases whose answers changed, with a line diff (old `-`, new `+`).
    pub changed: Vec<(String, String)>,
    /// Cases whose answers are as recorded.
    pub unchanged: usize,
    /// Snapshot files of cases the catalogue no longer has (renamed or removed): removed with
    /// `update`, otherwise reported like a change.
    pub stale: Vec<String>,
}

/// The snapshot text of one case.
fn content(report: &Report, id: &str) -> String {
    let outcome = report.outcome(id).expect("a case of this report");
    let mut out = String::new();
    for e in &outcome.exchanges {
        match e.status {
            Some(status) => out.push_str(&format!("status: {status}\n")),
            None => out.push_str("status: no answer\n"),
        }
        if let Some(c) = &e.challenge {
            out.push_str(&format!("www-authenticate: {c}\n"));
        }
        if let Some(c) = &e.content_type {
            out.push_str(&format!("content-type: {c}\n"));
        }
        out.push_str(&format!("body: {}\n", redact(&e.body)));
    }
    out
}

/// Hides what changes between runs: ports, long numbers (times), request ids.
fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 5 {
            out.push_str("[n]");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.trim_end().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// A file name that differs by more than letter case (`alg-none-nOnE` and `alg-none-none`).
fn file_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| match c {
            'A'..='Z' => format!("^{}", c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' | '-' => c.to_string(),
            _ => "_".into(),
        })
        .collect();
    format!("{safe}.snap")
}

/// Compares every case of `report` with `dir`, recording new ones, and overwriting changed ones
/// when `update` is set.
pub fn check(report: &Report, dir: &Path, update: bool) -> std::io::Result<SnapshotCheck> {
    std::fs::create_dir_all(dir)?;
    let mut result = SnapshotCheck::default();
    for outcome in &report.outcomes {
        let path = dir.join(file_name(&outcome.id));
        let now = content(report, &outcome.id);
        let file = format!(
            "---\nsource: conformance\nexpression: {}\n---\n{now}",
            outcome.id
        );
        match std::fs::read_to_string(&path) {
            Err(_) => {
                std::fs::write(&path, file)?;
                result.new.push(outcome.id.clone());
            }
            Ok(old) => {
                let old_content = old.splitn(3, "---\n").nth(2).unwrap_or("").to_owned();
                if old_content == now {
                    result.unchanged += 1;
                } else {
                    result
                        .changed
                        .push((outcome.id.clone(), diff(&old_content, &now)));
                    if update {
                        std::fs::write(&path, file)?;
                    }
                }
            }
        }
    }
    let known: std::collections::HashSet<String> =
        crate::cases().iter().map(|c| file_name(&c.id)).collect();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".snap") && !known.contains(&name) {
            if update {
                std::fs::remove_file(entry.path())?;
            }
            result.stale.push(name);
        }
    }
    result.stale.sort();
    Ok(result)
}

/// A unified line diff (`-` recorded, `+` now) with two lines of context: moved and repeated
/// lines show as what they are.
fn diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header("recorded", "now")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_survive_case_insensitive_file_systems() {
        assert_ne!(
            file_name("alg-none-nOnE").to_lowercase(),
            file_name("alg-none-none").to_lowercase()
        );
    }

    #[test]
    fn a_moved_or_repeated_line_shows_in_the_diff() {
        let d = diff("status: 401\nbody: a\n", "body: a\nstatus: 401\n");
        assert!(d.contains("-status: 401") || d.contains("-body: a"), "{d}");
        let d = diff(
            "status: 401\nbody: a\n",
            "status: 401\nbody: a\nstatus: 401\nbody: a\n",
        );
        assert!(d.contains("+status: 401"), "{d}");
    }

    #[test]
    fn volatile_numbers_are_redacted() {
        assert_eq!(
            redact(r#"{"exp":1795481378,"code":401}"#),
            r#"{"exp":[n],"code":401}"#
        );
    }
}
