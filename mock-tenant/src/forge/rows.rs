//! The catalogue rows (`jwt-cases.md`) the named defects belong to, and who could make a token
//! of each row in real life.

/// Who could produce a token of this shape outside a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Forger {
    /// Anyone: unsigned, forged, signed by a key the attacker holds, carrying injected keys
    /// or URLs, or claims no signature covers beside a genuine one (any user holds a valid
    /// token). Accepting it lets a stranger in, or a user raise their own rights.
    Anyone,
    /// Only the tenant: signed by its own key, with odd but parseable content (or the same
    /// signature re-encoded by whoever holds the token).
    Issuer,
}

macro_rules! rows {
    ($($variant:ident => $id:literal, $forger:ident;)*) => {
        /// A catalogue row: the family a defect belongs to. Shown and serialized as its id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Row {
            $(
                #[doc = concat!("Row `", $id, "`.")]
                $variant,
            )*
        }

        impl Row {
            /// Every row, in catalogue order.
            pub const ALL: &'static [Row] = &[$(Row::$variant),*];

            /// The row's id in the catalogue, e.g. `alg-none`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Row::$variant => $id,)*
                }
            }

            /// Who could make a token of this row (a defect may say otherwise).
            pub const fn forger(self) -> Forger {
                match self {
                    $(Row::$variant => Forger::$forger,)*
                }
            }
        }
    };
}

rows! {
    SigBroken => "sig-broken", Anyone;
    SigStrip => "sig-strip", Anyone;
    Tamper => "tamper", Anyone;
    SigNoncanon => "sig-noncanon", Issuer;
    B64Garbage => "b64-garbage", Anyone;
    SigHuge => "sig-huge", Anyone;
    AlgNone => "alg-none", Anyone;
    HsPubkey => "hs-pubkey", Anyone;
    HsBlank => "hs-blank", Anyone;
    HsWeak => "hs-weak", Anyone;
    EsPsychic => "es-psychic", Anyone;
    EsAttacker => "es-attacker", Anyone;
    AlgSwapLegit => "alg-swap-legit", Issuer;
    AlgGarbage => "alg-garbage", Issuer;
    KidUnknown => "kid-unknown", Anyone;
    KidAbsent => "kid-absent", Issuer;
    KidType => "kid-type", Issuer;
    KidPath => "kid-path", Anyone;
    KidSqli => "kid-sqli", Issuer;
    KidCmdi => "kid-cmdi", Issuer;
    OtherTenant => "other-tenant", Anyone;
    JwkEmbed => "jwk-embed", Anyone;
    JkuAttacker => "jku-attacker", Anyone;
    JkuLookalike => "jku-lookalike", Anyone;
    X5Attacker => "x5-attacker", Anyone;
    HdrUrlsIgnored => "hdr-urls-ignored", Issuer;
    ExpPast => "exp-past", Issuer;
    ExpAbsent => "exp-absent", Issuer;
    ExpType => "exp-type", Issuer;
    NbfFuture => "nbf-future", Issuer;
    IatOdd => "iat-odd", Issuer;
    AudWrong => "aud-wrong", Issuer;
    AudArray => "aud-array", Issuer;
    AudEmpty => "aud-empty", Issuer;
    AudNear => "aud-near", Issuer;
    IssWrong => "iss-wrong", Issuer;
    IssNear => "iss-near", Issuer;
    IssArray => "iss-array", Issuer;
    IdToken => "id-token", Issuer;
    TypAt => "typ-at", Issuer;
    TypOther => "typ-other", Issuer;
    CtyNested => "cty-nested", Issuer;
    Jwe => "jwe", Anyone;
    JweP2c => "jwe-p2c", Anyone;
    Crit => "crit", Issuer;
    JsonDup => "json-dup", Issuer;
    JsonBad => "json-bad", Issuer;
    JwsJson => "jws-json", Issuer;
    JwsPolyglot => "jws-polyglot", Anyone;
    Oversize => "oversize", Issuer;
    ClaimSqli => "claim-sqli", Issuer;
    ClaimInject => "claim-inject", Issuer;
    ClaimHuge => "claim-huge", Issuer;
    ClaimSubType => "claim-sub-type", Issuer;
    ClaimOrgIdType => "claim-org-id-type", Issuer;
    ManyDots => "many-dots", Anyone;
    ScopeMissing => "scope-missing", Issuer;
    ScopeOther => "scope-other", Issuer;
    ScopeMulti => "scope-multi", Issuer;
    ScopeSubstr => "scope-substr", Issuer;
    ScopeSep => "scope-sep", Issuer;
    ScopeType => "scope-type", Issuer;
    PermClaim => "perm-claim", Issuer;
    ScpClaim => "scp-claim", Issuer;
    CnfBearer => "cnf-bearer", Issuer;
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
