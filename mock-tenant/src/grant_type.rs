//! The OAuth grant types as a closed set: the ones the tenant implements, and the ones Auth0
//! knows that it does not (yet). A tenant file naming anything else is refused when it is
//! read, so a typo in `grant_types` cannot pass unnoticed.

use serde::{Deserialize, Serialize};

macro_rules! grant_types {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $implemented:literal;)*) => {
        /// A grant type, as `grant_type` on `/oauth/token` and a client's `grant_types` spell it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum GrantType {
            $($(#[$doc])* $variant,)*
        }

        impl GrantType {
            /// Every grant type Auth0 knows, in this order.
            pub const ALL: &'static [GrantType] = &[$(GrantType::$variant),*];

            /// The name on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(GrantType::$variant => $name,)*
                }
            }

            /// Whether `/oauth/token` (or, for `implicit`, `/authorize`) implements it; the
            /// others answer `unsupported_grant_type`, saying the mock lacks them.
            pub const fn implemented(self) -> bool {
                match self {
                    $(GrantType::$variant => $implemented,)*
                }
            }
        }
    };
}

grant_types! {
    /// `client_credentials`: a machine-to-machine token for a client grant.
    ClientCredentials => "client_credentials", true;
    /// `authorization_code`: the code of a login, with PKCE or the client's secret.
    AuthorizationCode => "authorization_code", true;
    /// `refresh_token`: a refresh token of a login, rotated or not.
    RefreshToken => "refresh_token", true;
    /// `password`: the Resource Owner Password grant.
    Password => "password", true;
    /// Auth0's password grant naming the connection (`realm`).
    PasswordRealm => "http://auth0.com/oauth/grant-type/password-realm", true;
    /// `implicit`: tokens straight from `/authorize` (a client setting; no token request).
    Implicit => "implicit", false;
    /// The device authorization grant (RFC 8628).
    DeviceCode => "urn:ietf:params:oauth:grant-type:device_code", false;
    /// Token exchange (RFC 8693; Auth0's Custom Token Exchange).
    TokenExchange => "urn:ietf:params:oauth:grant-type:token-exchange", true;
    /// Auth0's passwordless one-time code.
    PasswordlessOtp => "http://auth0.com/oauth/grant-type/passwordless/otp", false;
    /// Auth0's MFA with a one-time password.
    MfaOtp => "http://auth0.com/oauth/grant-type/mfa-otp", false;
    /// Auth0's MFA out of band.
    MfaOob => "http://auth0.com/oauth/grant-type/mfa-oob", false;
    /// Auth0's MFA recovery code.
    MfaRecoveryCode => "http://auth0.com/oauth/grant-type/mfa-recovery-code", false;
    /// Client-Initiated Backchannel Authentication.
    Ciba => "urn:openid:params:grant-type:ciba", false;
}

impl std::fmt::Display for GrantType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A grant type that is none of Auth0's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown grant type {0:?}: one of {known}", known = known())]
pub struct UnknownGrantType(pub String);

fn known() -> String {
    GrantType::ALL
        .iter()
        .map(|g| g.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::str::FromStr for GrantType {
    type Err = UnknownGrantType;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|g| g.as_str() == name)
            .ok_or_else(|| UnknownGrantType(name.to_owned()))
    }
}

impl TryFrom<String> for GrantType {
    type Error = UnknownGrantType;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        name.parse()
    }
}

impl From<GrantType> for &'static str {
    fn from(grant: GrantType) -> Self {
        grant.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_typos_are_refused() {
        for grant in GrantType::ALL {
            assert_eq!(grant.as_str().parse::<GrantType>(), Ok(*grant));
            let json = serde_json::to_string(grant).unwrap();
            assert_eq!(serde_json::from_str::<GrantType>(&json).unwrap(), *grant);
        }
        let error = serde_json::from_str::<GrantType>("\"client_credential\"").unwrap_err();
        assert!(
            error.to_string().starts_with(
                "unknown grant type \"client_credential\": one of client_credentials,"
            ),
            "{error}"
        );
    }
}
