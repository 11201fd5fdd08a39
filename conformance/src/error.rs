//! The error of the library's public edge.

/// What can go wrong when the suite starts its own tenant and reference API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The embedded tenant did not start.
    #[error("the embedded tenant did not start: {0}")]
    Tenant(#[from] mock_tenant::Error),
    /// The reference API did not start.
    #[error("the reference API did not start: {0}")]
    Api(#[from] sample_api::Error),
    /// An `--exec` API did not start, or died while starting.
    #[error("{0}")]
    Exec(String),
    /// A list of expected findings could not be read or names no case.
    #[error("{0}")]
    Expected(String),
    /// No profile has this name.
    #[error("unknown profile {name:?}: one of {known}")]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The names there are, comma-separated.
        known: String,
    },
    /// A profile file could not be read or used.
    #[error("profile {}: {reason}", path.display())]
    ProfileFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// The message, for the command line.
impl From<Error> for String {
    fn from(error: Error) -> Self {
        error.to_string()
    }
}
