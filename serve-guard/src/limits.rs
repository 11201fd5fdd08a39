//! [`Limits`]: what a connection may cost a server.

use std::time::Duration;

/// What a connection may cost a server. The defaults are far beyond what a test run meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest a client may take to send a request's headers (HTTP/1.1), from its first byte or
    /// from the end of the previous answer: a slowloris is closed after it.
    pub header_read_timeout: Duration,
    /// Longest a connection may go with no byte read or written while no request is in flight:
    /// a socket opened and left (after its TLS handshake too) is closed after it.
    pub idle_timeout: Duration,
    /// Most connections open at once; past it new clients wait in the listen queue until one
    /// closes, instead of the process running out of file descriptors.
    pub max_connections: usize,
    /// Longest a stop waits for the requests in flight to be answered.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(120),
            max_connections: default_max_connections(),
            drain: Duration::from_secs(5),
        }
    }
}

/// Descriptors kept for everything but client connections: files, key fetches, Redis.
const RESERVED_DESCRIPTORS: usize = 64;

/// The process's soft limit on open files, less [`RESERVED_DESCRIPTORS`], between 16 and
/// 16,384 (1,024 where the limit cannot be read).
pub fn default_max_connections() -> usize {
    soft_open_files_limit()
        .map_or(1024, |n| n.saturating_sub(RESERVED_DESCRIPTORS))
        .clamp(16, 16_384)
}

/// `Max open files` of `/proc/self/limits` (Linux), without `unsafe`.
fn soft_open_files_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_open_files(&text)
}

fn parse_open_files(limits: &str) -> Option<usize> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line
        .trim_start_matches("Max open files")
        .split_whitespace()
        .next()?;
    match soft {
        "unlimited" => Some(usize::MAX),
        n => n.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_open_files_limit_is_read_from_proc_self_limits() {
        let text = "Limit                     Soft Limit           Hard Limit           Units     \n\
                    Max cpu time              unlimited            unlimited            seconds   \n\
                    Max open files            256                  524288               files     \n";
        assert_eq!(parse_open_files(text), Some(256));
        assert_eq!(
            parse_open_files("Max open files            unlimited            unlimited  files"),
            Some(usize::MAX)
        );
        assert_eq!(parse_open_files("Max processes 10 10"), None);
    }

    #[test]
    fn the_default_cap_leaves_room_below_the_descriptor_limit() {
        let cap = default_max_connections();
        assert!((16..=16_384).contains(&cap), "{cap}");
        if let Some(limit) = soft_open_files_limit() {
            assert!(cap < limit, "{cap} >= {limit}");
        }
    }
}
