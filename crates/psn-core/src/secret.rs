//! Secret newtypes: the NPSSO, the authorization code and every token.
//!
//! Each one prints `[redacted]` under `Debug`, has no `Display` and no `Serialize`, hands out its
//! value only through [`expose`](Npsso::expose), and is wiped from memory when dropped. A secret
//! can therefore not reach a log line, an error message or a panic by accident: the code that
//! needs the value has to ask for it by name.

use zeroize::Zeroizing;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps a value. Nothing is checked here; parsers live beside their sources.
            pub fn new(value: impl Into<String>) -> Self {
                Self(Zeroizing::new(value.into()))
            }

            /// The secret value. Call this only where the value must leave the process: a
            /// request to Sony, the keychain, or the clipboard or stdout the user asked for.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// A short hint for the UI: a few characters at each end, the middle hidden.
            /// Secrets shorter than 24 characters are hidden whole.
            pub fn masked(&self) -> String {
                mask(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// The 64-character `npsso` cookie of a signed-in PlayStation web session.
    Npsso
);
secret_type!(
    /// The single-use `code` from the authorize redirect (`v3.…`).
    AuthorizationCode
);
secret_type!(
    /// `access_token`: the bearer token PSN APIs take, valid about an hour.
    AccessToken
);
secret_type!(
    /// `refresh_token`: trades for new access tokens for about 60 days.
    RefreshToken
);
secret_type!(
    /// `id_token`: the OpenID token Sony returns beside the others.
    IdToken
);

/// Keeps 6 characters at each end of a long secret. A JWT's first characters are its
/// well-known header, so the tail is what lets a user tell two tokens apart.
pub fn mask(value: &str) -> String {
    const KEEP: usize = 6;
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 24 {
        return "•".repeat(8);
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let token = AccessToken::new("eyJhbGciOiJSUzI1NiJ9.secret-payload.signature");
        let printed = format!("{token:?}");
        assert_eq!(printed, "AccessToken([redacted])");
        assert!(!printed.contains("secret-payload"));
        let npsso = Npsso::new("a".repeat(64));
        assert_eq!(format!("{npsso:?}"), "Npsso([redacted])");
    }

    #[test]
    fn mask_keeps_only_the_ends() {
        let value = format!("ABCDEF{}UVWXYZ", "m".repeat(40));
        assert_eq!(mask(&value), "ABCDEF…UVWXYZ");
        assert_eq!(mask("short"), "••••••••");
    }
}
