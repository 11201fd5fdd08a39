//! Expected findings: a run judged against the list of cases it is known to fail (or warn on),
//! as a test runner treats its expected failures. A new finding fails, and so does one that is
//! gone: either way the list no longer says what the API does.
//!
//! The file has one case id per line; `#` starts a comment line; `?id` marks a case that may go
//! either way (a timing-dependent finding), and is ignored when comparing.

use crate::report::{Outcome, Report};
use std::collections::BTreeSet;
use std::path::Path;

/// Which findings a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Findings {
    /// The cases that fail (`FAIL unsafe`, `FAIL functional`, `FAIL robustness`); a case marked
    /// contaminated by an earlier one does not count.
    Failures,
    /// The cases with a warning (`warn`, `warn strict`).
    Warnings,
}

impl Findings {
    /// Whether this outcome is one of these findings.
    pub fn holds(self, outcome: &Outcome) -> bool {
        match self {
            Self::Failures => outcome.verdict.is_failure() && outcome.contaminated_by.is_none(),
            Self::Warnings => outcome.verdict.is_warning(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Failures => "failures",
            Self::Warnings => "warnings",
        }
    }
}

/// A list of expected findings, read from a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// The cases expected among the findings.
    pub cases: BTreeSet<String>,
    /// The cases that may or may not be among them (`?id`).
    pub either: BTreeSet<String>,
}

impl Expected {
    /// Parses the text of a list: one id per line, `#` comments, `?id` either way.
    pub fn parse(text: &str) -> Self {
        let mut expected = Self::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.strip_prefix('?') {
                Some(id) => expected.either.insert(id.trim().to_owned()),
                None => expected.cases.insert(line.to_owned()),
            };
        }
        expected
    }

    /// Reads a list; a missing file is an empty list (an API expected to pass everything), and
    /// an id that names no case of the catalogue is an error naming the file and line.
    pub fn read(path: &Path) -> Result<Self, crate::Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(crate::Error::Expected(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        let known: BTreeSet<String> = crate::cases().into_iter().map(|c| c.id).collect();
        for (number, line) in text.lines().enumerate() {
            let id = line.trim().trim_start_matches('?').trim();
            if !id.is_empty() && !line.trim().starts_with('#') && !known.contains(id) {
                return Err(crate::Error::Expected(format!(
                    "{}:{}: {id:?} is no case id (conformance --list shows them)",
                    path.display(),
                    number + 1
                )));
            }
        }
        Ok(Self::parse(&text))
    }

    /// Compares the report's findings of this kind with the list.
    pub fn check(&self, report: &Report, findings: Findings) -> ExpectCheck {
        let found: BTreeSet<&str> = report
            .outcomes
            .iter()
            .filter(|o| findings.holds(o) && !self.either.contains(&o.id))
            .map(|o| o.id.as_str())
            .collect();
        ExpectCheck {
            findings,
            matched: found.len(),
            new: found
                .iter()
                .filter(|id| !self.cases.contains(**id))
                .map(|id| (*id).to_owned())
                .collect(),
            gone: self
                .cases
                .iter()
                .filter(|id| !found.contains(id.as_str()))
                .cloned()
                .collect(),
        }
    }
}

/// How a run's findings compare with a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectCheck {
    /// Which findings were compared.
    pub findings: Findings,
    /// How many findings the run had (less the `?` ones).
    pub matched: usize,
    /// Findings the list does not have.
    pub new: Vec<String>,
    /// Listed cases the run did not find.
    pub gone: Vec<String>,
}

impl ExpectCheck {
    /// Whether the findings are exactly the list.
    pub fn holds(&self) -> bool {
        self.new.is_empty() && self.gone.is_empty()
    }
}

impl std::fmt::Display for ExpectCheck {
    /// `failures as expected (3)`, or the new and gone cases, one a line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = self.findings.name();
        if self.holds() {
            return write!(f, "{what} as expected ({})", self.matched);
        }
        write!(f, "{what} differ from the expected list:")?;
        for id in &self.new {
            write!(f, "\n  new: {id}")?;
        }
        for id in &self.gone {
            write!(f, "\n  gone: {id}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blank_lines_and_either_way_cases_are_read() {
        let expected = Expected::parse("# header\n\nalg-none\n  ?jwks-storm \nkid-sqli\n");
        assert_eq!(
            expected.cases,
            ["alg-none", "kid-sqli"].map(String::from).into()
        );
        assert_eq!(expected.either, ["jwks-storm"].map(String::from).into());
    }

    #[test]
    fn an_unknown_id_names_the_file_and_line() {
        let dir = std::env::temp_dir().join(format!("expect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("expected.txt");
        std::fs::write(&path, "# ok\nalg-none\nalg-nope\n").unwrap();
        let error = Expected::read(&path).unwrap_err().to_string();
        assert!(
            error.ends_with(
                "expected.txt:3: \"alg-nope\" is no case id (conformance --list shows them)"
            ),
            "{error}"
        );
        std::fs::write(&path, "alg-none\n?jwks-storm\n").unwrap();
        assert!(Expected::read(&path).is_ok());
        assert_eq!(
            Expected::read(&dir.join("absent.txt")).unwrap(),
            Expected::default()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
