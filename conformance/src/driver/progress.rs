//! What a run tells its observer as it goes: the library reports events, and the command line
//! decides how to show them (a bar on a terminal, one line per case otherwise).

use crate::report::Outcome;
use std::time::Duration;

/// One step of a run, for [`Run::observed`](crate::Run::observed).
#[derive(Debug, Clone, Copy)]
pub enum RunEvent<'a> {
    /// Case `index` (from 0) of `total` starts.
    Started {
        /// Its place in the run.
        index: usize,
        /// How many cases the run has.
        total: usize,
        /// The case id.
        id: &'a str,
    },
    /// The run is sitting out a declared wait (cooldown, cache lifetime) inside case `index`.
    Waiting {
        /// Its place in the run.
        index: usize,
        /// How many cases the run has.
        total: usize,
        /// The case id.
        id: &'a str,
        /// The run's declared waits so far.
        waited: Duration,
    },
    /// Case `index` has its outcome.
    Finished {
        /// Its place in the run.
        index: usize,
        /// How many cases the run has.
        total: usize,
        /// What happened.
        outcome: &'a Outcome,
        /// How long the case took, waits included.
        took: Duration,
    },
}

/// Receives the [`RunEvent`]s of a run.
pub type Observer<'a> = &'a (dyn Fn(RunEvent<'_>) + Send + Sync);

/// Where the run is, for [`RunEvent::Waiting`].
#[derive(Default)]
pub(super) struct Position {
    pub(super) index: usize,
    pub(super) total: usize,
    pub(super) id: String,
}
