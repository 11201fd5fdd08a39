//! How the command line shows a run's progress on stderr: a bar redrawn in place on a terminal,
//! and one plain line per finished case otherwise (CI logs), so a long run is never silent.

use conformance::{RunEvent, Verdict};
use std::io::Write;

/// Shows one event. `terminal`: redraw a one-line bar; otherwise print a line per finished case.
pub(super) fn show(terminal: bool, event: RunEvent<'_>) {
    let mut err = std::io::stderr().lock();
    match (terminal, event) {
        (true, RunEvent::Started { index, total, id }) => {
            let _ = write!(err, "\r\x1b[2K{}", bar(index, total, id, None));
        }
        (
            true,
            RunEvent::Waiting {
                index,
                total,
                id,
                waited,
            },
        ) => {
            let _ = write!(err, "\r\x1b[2K{}", bar(index, total, id, Some(waited)));
        }
        (true, RunEvent::Finished { index, total, .. }) if index + 1 == total => {
            let _ = write!(err, "\r\x1b[2K");
        }
        (
            false,
            RunEvent::Finished {
                index,
                total,
                outcome,
                took,
            },
        ) => {
            let contaminated = outcome
                .contaminated_by
                .as_ref()
                .map_or(String::new(), |c| format!(" [contaminated by {c}]"));
            let note = if outcome.verdict >= Verdict::WarnConformance {
                format!("  {}", outcome.note)
            } else {
                String::new()
            };
            let _ = writeln!(
                err,
                "[{:>3}/{total}] {:<17} {} ({:.1} s){contaminated}{note}",
                index + 1,
                outcome.verdict.label(),
                outcome.id,
                took.as_secs_f64()
            );
        }
        _ => {}
    }
}

fn bar(done: usize, total: usize, id: &str, waited: Option<std::time::Duration>) -> String {
    let width = 30;
    let filled = width * done / total.max(1);
    let wait = waited.map_or(String::new(), |w| {
        format!(" waiting {:.1} s", w.as_secs_f64())
    });
    format!(
        "[{}{}] {done}/{total} {id}{wait}",
        "#".repeat(filled),
        ".".repeat(width - filled)
    )
}
