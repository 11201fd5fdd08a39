//! The one-line progress display on a terminal.

use std::time::Duration;

/// A one-line progress display: which case, how far, and what the run is waiting for.
pub(super) struct Progress {
    pub(super) done: usize,
    pub(super) total: usize,
    pub(super) case: String,
}

impl Progress {
    pub(super) fn show(&self, waiting: Option<Duration>) {
        let bar_width = 30;
        let filled = bar_width * self.done / self.total.max(1);
        let bar = format!("{}{}", "#".repeat(filled), ".".repeat(bar_width - filled));
        let wait = waiting.map_or(String::new(), |w| {
            format!(" waiting {:.1} s", w.as_secs_f64())
        });
        eprint!(
            "\r\x1b[2K[{bar}] {}/{} {}{wait}",
            self.done, self.total, self.case
        );
    }
}
