//! The API's DPoP setting, and the algorithms its proofs may use: what the DPoP check, the
//! challenges and the settings share.

/// What the API does with DPoP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpopMode {
    /// Bearer tokens only; `Authorization: DPoP` is another scheme (the default).
    Off,
    /// Bearer for unbound tokens, DPoP (with a proof) for bound ones.
    Allowed,
    /// DPoP only: every request carries a bound token and its proof.
    Required,
}

/// The algorithms proofs may use, as the challenge names them (RFC 9449 §7.1).
pub(crate) const ALGS: &str = "ES256";
