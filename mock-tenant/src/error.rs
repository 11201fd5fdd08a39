//! The error of the public API: what went wrong when starting a tenant, reading a tenant file
//! or naming a defect.

/// What can go wrong at the public edge of `mock-tenant`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The tenant could not listen on its address.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// `ip:port`.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The configuration is not valid: the tenant file, a custom domain, a Redis URL.
    #[error("{0}")]
    Config(String),
    /// The shared store (Redis) cannot be reached.
    #[error("the shared store is unreachable: {0}")]
    Store(String),
    /// The TLS set-up failed (the CA, the certificate, the CA file).
    #[error("{0}")]
    Tls(String),
    /// A running tenant's control API refused a call or did not answer ([`crate::ControlClient`]).
    #[error("{0}")]
    Control(String),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// There is no defect by that name.
    #[error("no defect named {0:?}; `mock-tenant defects` lists them")]
    UnknownDefect(String),
}

/// The message, for the command line and the control API, which answer with text.
impl From<Error> for String {
    fn from(error: Error) -> Self {
        error.to_string()
    }
}
