//! The error of the public API: bad settings, or an API that cannot start.

/// What can go wrong at the public edge of `sample-api`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting is missing or not valid (the message names the variable).
    #[error("{0}")]
    Settings(String),
    /// The trust store or the HTTP client for the JWKS cannot be set up.
    #[error("{0}")]
    Client(String),
    /// The API could not listen on its address.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// `host:port`.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The message, for callers that report text.
impl From<Error> for String {
    fn from(error: Error) -> Self {
        error.to_string()
    }
}
