//! The published advisories whose shapes the cases send: a case names them in its text (the
//! forge's `source`, its `about` or `why`), and this table says which releases each one hit, so
//! a finding can say `crit-unknown: warn strict (CVE-2026-32597, PyJWT < 2.12; ...)`.

use serde::Serialize;

/// One advisory: its id and the releases it affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Advisory {
    /// The CVE id, or the GHSA id of an advisory without one.
    pub id: &'static str,
    /// The library and the releases affected, e.g. `PyJWT < 2.12`.
    pub affects: &'static str,
}

impl std::fmt::Display for Advisory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.id, self.affects)
    }
}

/// Every advisory a case names, by id.
#[rustfmt::skip]
pub const ADVISORIES: &[Advisory] = &[
    Advisory { id: "CVE-2015-9235", affects: "jsonwebtoken (npm) < 4.2.2" },
    Advisory { id: "CVE-2016-10555", affects: "jwt-simple (npm) <= 0.3.0" },
    Advisory { id: "CVE-2017-11424", affects: "PyJWT <= 1.5.0" },
    Advisory { id: "CVE-2018-0114", affects: "node-jose < 0.11.0" },
    Advisory { id: "CVE-2018-6873", affects: "Auth0's hosted login, fixed server-side in 2017" },
    Advisory { id: "CVE-2019-20933", affects: "InfluxDB < 1.7.6" },
    Advisory { id: "CVE-2020-26160", affects: "dgrijalva/jwt-go <= 3.2.0" },
    Advisory { id: "CVE-2020-28042", affects: "ServiceStack <= 5.9.1" },
    Advisory { id: "CVE-2022-21449", affects: "Java 15 to 18 ECDSA, before 17.0.3 and 18.0.1" },
    Advisory { id: "CVE-2022-23540", affects: "jsonwebtoken (npm) < 9.0.0" },
    Advisory { id: "CVE-2022-23541", affects: "jsonwebtoken (npm) < 9.0.0" },
    Advisory { id: "CVE-2022-29217", affects: "PyJWT < 2.4.0" },
    Advisory { id: "CVE-2022-36083", affects: "jose (npm) < 4.9.2, 3.x < 3.20.4, 2.x < 2.0.6, 1.x < 1.28.2" },
    Advisory { id: "CVE-2022-39227", affects: "python_jwt < 3.3.4" },
    Advisory { id: "CVE-2023-48223", affects: "fast-jwt < 3.3.2" },
    Advisory { id: "CVE-2023-52428", affects: "Nimbus JOSE+JWT < 9.37.2" },
    Advisory { id: "CVE-2024-28180", affects: "go-jose v4 < 4.0.1, v3 < 3.0.3" },
    Advisory { id: "CVE-2024-33663", affects: "python-jose <= 3.3.0" },
    Advisory { id: "CVE-2024-33664", affects: "python-jose <= 3.3.0" },
    Advisory { id: "CVE-2024-37568", affects: "Authlib < 1.3.1" },
    Advisory { id: "CVE-2024-53861", affects: "PyJWT 2.10.0" },
    Advisory { id: "CVE-2025-22868", affects: "golang.org/x/oauth2 < 0.27.0" },
    Advisory { id: "CVE-2025-27144", affects: "go-jose v4 < 4.0.5, v3 < 3.0.4" },
    Advisory { id: "CVE-2025-30144", affects: "fast-jwt < 5.0.6" },
    Advisory { id: "CVE-2025-30204", affects: "golang-jwt v5 < 5.2.2, v4 < 4.5.2" },
    Advisory { id: "CVE-2025-59420", affects: "Authlib < 1.6.4" },
    Advisory { id: "CVE-2025-65945", affects: "jws (npm) < 3.2.3 and 4.0.0" },
    Advisory { id: "CVE-2026-25537", affects: "jsonwebtoken (Rust) < 10.3.0" },
    Advisory { id: "CVE-2026-27962", affects: "Authlib < 1.6.9" },
    Advisory { id: "CVE-2026-28802", affects: "Authlib 1.6.5 and 1.6.6" },
    Advisory { id: "CVE-2026-29000", affects: "pac4j-jwt < 4.5.9, 5.x < 5.7.9, 6.x < 6.3.3" },
    Advisory { id: "CVE-2026-32597", affects: "PyJWT < 2.12" },
    Advisory { id: "CVE-2026-34950", affects: "fast-jwt < 6.2.0" },
    Advisory { id: "CVE-2026-44351", affects: "fast-jwt < 6.2.4" },
    Advisory { id: "GHSA-jc38-x7x8-2xc8", affects: "web-token/jwt-library < 3.4.10, 4.0 < 4.0.7, 4.1 < 4.1.7" },
    Advisory { id: "GHSA-f67f-6cw9-8mq4", affects: "hono < 4.11.4" },
];

/// The advisories `text` names, in the order it names them, each once. An advisory named by
/// its GHSA id beside its CVE id counts once, under the id of the table.
pub(crate) fn named_in(text: &str) -> Vec<Advisory> {
    let mut found: Vec<(usize, Advisory)> = ADVISORIES
        .iter()
        .filter_map(|a| text.find(a.id).map(|at| (at, *a)))
        .collect();
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, a)| a).collect()
}

/// Advisory ids in `text`: `CVE-YYYY-N` and `GHSA-xxxx-xxxx-xxxx`.
#[cfg(test)]
fn ids_in(text: &str) -> Vec<&str> {
    let mut ids = Vec::new();
    for prefix in ["CVE-", "GHSA-"] {
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(tail.len());
            ids.push(tail[..end].trim_end_matches('-'));
            rest = &tail[end..];
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::cases;

    #[test]
    fn every_advisory_a_case_names_is_in_the_table_and_every_row_is_named() {
        let mut named = std::collections::BTreeSet::new();
        for case in cases() {
            for id in ids_in(&case.text()) {
                // A GHSA id beside the CVE id of the same advisory is an alias.
                let known = ADVISORIES.iter().any(|a| a.id == id)
                    || (id.starts_with("GHSA-") && !case.advisories().is_empty());
                assert!(known, "{}: {id} is not in ADVISORIES", case.id);
                named.insert(id.to_owned());
            }
        }
        for a in ADVISORIES {
            assert!(named.contains(a.id), "{} is named by no case", a.id);
        }
    }

    #[test]
    fn crit_unknown_names_both_advisories() {
        let case = cases()
            .into_iter()
            .find(|c| c.id == "crit-unknown")
            .unwrap();
        let shown: Vec<String> = case.advisories().iter().map(|a| a.to_string()).collect();
        assert_eq!(
            shown,
            [
                "CVE-2026-32597 (PyJWT < 2.12)",
                "CVE-2025-59420 (Authlib < 1.6.4)"
            ]
        );
    }
}
