//! The kinds of failure and what the user must do about each: a leaf every other module may
//! use. [`ErrorKind`] names a failure in a stable way (the UI's, the CLI's and the README's
//! contract); [`Remedy`] says what the user must do. What a kind *means* is decided here, once.

use serde::Serialize;

/// What the user must do about a failure. Every front end decides its next step from this (and
/// from [`ErrorKind`] where it needs more detail), through exhaustive matches: a new kind does not
/// compile until each of them has decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// What the user typed or chose is wrong (an NPSSO copied badly, an account that does not
    /// exist, an endpoint override that is not allowed): correct it and try again.
    FixInput,
    /// Only a new NPSSO helps: the refresh token expired or was rejected, the NPSSO given was
    /// rejected, the stored set is unreadable, or no account is signed in yet.
    NewNpsso,
    /// Temporary: the same request may well succeed later without any change
    /// ([`Error::retry_after`] says when, if Sony said so).
    RetryLater,
    /// The OS keychain (or the file vault chosen instead) must be started, unlocked, created or
    /// repaired.
    FixKeychain,
    /// Anything else (the settings file, an answer from Sony that could not be read).
    Other,
}

macro_rules! error_kinds {
    ($($variant:ident => $name:literal, $remedy:ident, $summary:literal;)*) => {
        /// Every kind of failure, with a stable name: the UI and the CLI's contracts. Serialized
        /// as that name (`"npsso_rejected"`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorKind {
            $(#[doc = $summary] $variant,)*
        }

        impl ErrorKind {
            /// Every kind, in the order of the README's table.
            pub const ALL: &'static [ErrorKind] = &[$(Self::$variant,)*];

            /// The stable name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// What the user must do about it.
            pub const fn remedy(self) -> Remedy {
                match self {
                    $(Self::$variant => Remedy::$remedy,)*
                }
            }

            /// What happened, in a few words (the README's table).
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Self::$variant => $summary,)*
                }
            }
        }
    };
}

error_kinds! {
    InvalidNpsso => "invalid_npsso", FixInput,
        "the text given as an NPSSO is not one (wrong length, stray characters, Sony's error page)";
    NpssoRejected => "npsso_rejected", NewNpsso,
        "Sony did not accept the NPSSO (expired, signed out, or copied from another session)";
    CodeRejected => "code_rejected", RetryLater,
        "Sony rejected the sign-in code it had just issued (a hiccup on its side)";
    RefreshRejected => "refresh_rejected", NewNpsso,
        "the refresh token expired (about 60 days) or was revoked";
    RateLimited => "rate_limited", RetryLater,
        "Sony is limiting requests (HTTP 429), for the time it says if it does";
    SonyUnavailable => "sony_unavailable", RetryLater,
        "Sony's sign-in service is down (HTTP 5xx)";
    Network => "network", RetryLater,
        "no connection to Sony (DNS, refused, timeout, TLS)";
    MalformedResponse => "malformed_response", Other,
        "Sony's answer could not be read";
    UnexpectedResponse => "unexpected_response", Other,
        "Sony answered with a status nobody expected";
    KeychainUnavailable => "keychain_unavailable", FixKeychain,
        "no keychain is running or reachable";
    KeychainLocked => "keychain_locked", FixKeychain,
        "the keychain is locked, or its unlock prompt was dismissed";
    KeychainTimeout => "keychain_timeout", FixKeychain,
        "the keychain did not answer within 3 s";
    KeychainError => "keychain_error", FixKeychain,
        "the keychain refused the operation";
    VaultMissing => "vault_missing", FixKeychain,
        "the file vault chosen (`PSN_AUTH_VAULT=file`) has not been created yet";
    VaultKeyRejected => "vault_key_rejected", FixKeychain,
        "the file vault's key file or passphrase is not the one it was made with";
    VaultKey => "vault_key", FixKeychain,
        "the file vault's key or passphrase is missing, unreadable, or readable by others";
    VaultDamaged => "vault_damaged", FixKeychain,
        "the file vault is damaged, truncated or from a newer PSN Auth (it is kept as it is)";
    VaultWrite => "vault_write", FixKeychain,
        "the file vault could not be written (disk full, permissions)";
    KeychainCorrupt => "keychain_corrupt", NewNpsso,
        "the tokens stored for the account are damaged or incomplete";
    NoAccount => "no_account", NewNpsso,
        "no account is signed in on this computer";
    UnknownAccount => "unknown_account", FixInput,
        "the account named is not on this computer";
    LockTimeout => "lock_timeout", RetryLater,
        "another process has been refreshing the tokens for too long";
    Settings => "settings", Other,
        "`accounts.json` or its folder could not be read or written";
    InvalidTokenSet => "invalid_token_set", FixInput,
        "the text given to import is not a whole token set, or Sony does not know its tokens";
    InvalidEndpoint => "invalid_endpoint", FixInput,
        "`PSN_AUTH_BASE_URL` or `PSN_API_BASE_URL` is not an allowed URL";
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and callers compare with the stable name: `assert_eq!(e.kind(), "network")`.
impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Remedy {
    /// Every remedy, in the order of the README's table.
    pub const ALL: &'static [Remedy] = &[
        Self::FixInput,
        Self::NewNpsso,
        Self::RetryLater,
        Self::FixKeychain,
        Self::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::FixInput => "fix_input",
            Self::NewNpsso => "new_npsso",
            Self::RetryLater => "retry_later",
            Self::FixKeychain => "fix_keychain",
            Self::Other => "other",
        }
    }
}
