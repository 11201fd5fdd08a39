//! Rate limits on demand (`rate_limits` in the tenant file): per client, or for every client,
//! on `/oauth/token`, counted in fixed windows. Over the limit the tenant answers as Auth0 does:
//! 429 `too_many_requests` with `x-ratelimit-limit`, `x-ratelimit-remaining` and
//! `x-ratelimit-reset` (UNIX seconds); under it, the same headers ride on every answer, so a
//! client's caching and back-off can be tested.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// The endpoints a limit can be set on.
pub const RATE_LIMITED_ENDPOINTS: &[&str] = &["/oauth/token"];

/// One limit: at most `limit` requests per `window_secs` on `endpoint`, for one client or,
/// without `client_id`, for each client separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// The endpoint: `/oauth/token`.
    pub endpoint: String,
    /// The client it applies to; every client (each with its own count) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Requests allowed per window.
    pub limit: u32,
    /// The window, in seconds.
    pub window_secs: u64,
}

impl RateLimit {
    /// The first thing wrong with the limit, for the tenant file's check.
    pub(crate) fn problem(&self) -> Option<String> {
        if !RATE_LIMITED_ENDPOINTS.contains(&self.endpoint.as_str()) {
            return Some(format!(
                "endpoint {:?} cannot be limited (only {})",
                self.endpoint,
                RATE_LIMITED_ENDPOINTS.join(", ")
            ));
        }
        if self.limit == 0 || self.window_secs == 0 {
            return Some("limit and window_secs must both be at least 1".into());
        }
        None
    }
}

/// What the headers say after a request was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    /// `x-ratelimit-limit`.
    pub(crate) limit: u32,
    /// `x-ratelimit-remaining`.
    pub(crate) remaining: u32,
    /// `x-ratelimit-reset`: when the window ends, UNIX seconds.
    pub(crate) reset: i64,
    /// Whether this request was over the limit.
    pub(crate) exceeded: bool,
}

impl Quota {
    /// The three `x-ratelimit-*` headers.
    pub(crate) fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("x-ratelimit-limit", self.limit.to_string()),
            ("x-ratelimit-remaining", self.remaining.to_string()),
            ("x-ratelimit-reset", self.reset.to_string()),
        ]
    }
}

/// The counts of the current windows, by rule and client. This process's own: tenants that
/// share a Redis count separately.
#[derive(Debug, Default)]
pub(crate) struct Windows(Mutex<HashMap<String, (i64, u32)>>);

impl Windows {
    /// Counts a request of `client` on `endpoint` against every limit that applies; returns
    /// the tightest (the fewest requests left), or `None` when no limit applies.
    pub(crate) fn take(
        &self,
        limits: &[RateLimit],
        endpoint: &str,
        client: &str,
        now: i64,
    ) -> Option<Quota> {
        // No limit set (the usual case): no lock on the token path.
        if !limits.iter().any(|rule| rule.endpoint == endpoint) {
            return None;
        }
        let mut windows = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut tightest: Option<Quota> = None;
        for (i, rule) in limits.iter().enumerate() {
            if rule.endpoint != endpoint || rule.client_id.as_deref().is_some_and(|c| c != client) {
                continue;
            }
            let window = i64::try_from(rule.window_secs).unwrap_or(i64::MAX).max(1);
            let start = now - now.rem_euclid(window);
            let slot = windows
                .entry(format!("{i}:{endpoint}:{client}"))
                .or_insert((start, 0));
            if slot.0 != start {
                *slot = (start, 0);
            }
            slot.1 = slot.1.saturating_add(1);
            let quota = Quota {
                limit: rule.limit,
                remaining: rule.limit.saturating_sub(slot.1),
                reset: start.saturating_add(window),
                exceeded: slot.1 > rule.limit,
            };
            let tighter = match tightest {
                None => true,
                Some(t) => {
                    (quota.exceeded, std::cmp::Reverse(quota.remaining))
                        > (t.exceeded, std::cmp::Reverse(t.remaining))
                }
            };
            if tighter {
                tightest = Some(quota);
            }
        }
        tightest
    }

    /// Forgets every count (`POST /_mock/reset`).
    pub(crate) fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(client: Option<&str>, limit: u32, window_secs: u64) -> RateLimit {
        RateLimit {
            endpoint: "/oauth/token".into(),
            client_id: client.map(str::to_owned),
            limit,
            window_secs,
        }
    }

    #[test]
    fn a_window_counts_to_its_limit_then_starts_again() {
        let windows = Windows::default();
        let limits = [limit(Some("a"), 2, 60)];
        let now = 1_000_037;
        let first = windows.take(&limits, "/oauth/token", "a", now).unwrap();
        assert_eq!((first.remaining, first.exceeded), (1, false));
        assert_eq!(first.reset, now - now % 60 + 60);
        let second = windows.take(&limits, "/oauth/token", "a", now).unwrap();
        assert_eq!((second.remaining, second.exceeded), (0, false));
        let third = windows.take(&limits, "/oauth/token", "a", now + 1).unwrap();
        assert_eq!((third.remaining, third.exceeded), (0, true));
        // Another client, and the next window, are not limited by it.
        assert!(windows.take(&limits, "/oauth/token", "b", now).is_none());
        let next = windows
            .take(&limits, "/oauth/token", "a", third.reset)
            .unwrap();
        assert_eq!((next.remaining, next.exceeded), (1, false));
    }

    #[test]
    fn the_tightest_of_several_limits_is_reported() {
        let windows = Windows::default();
        let limits = [limit(None, 10, 60), limit(Some("a"), 1, 60)];
        let first = windows.take(&limits, "/oauth/token", "a", 0).unwrap();
        assert_eq!((first.limit, first.remaining), (1, 0));
        let second = windows.take(&limits, "/oauth/token", "a", 0).unwrap();
        assert!(second.exceeded && second.limit == 1);
        // Every client counts apart under the limit without client_id.
        let other = windows.take(&limits, "/oauth/token", "b", 0).unwrap();
        assert_eq!((other.limit, other.remaining), (10, 9));
    }
}
