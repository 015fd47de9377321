//! Every failure a user can meet: a typed [`Error`] whose message says what happened, its stable
//! [`ErrorKind`], and for each kind the [`Remedy`]: what the user must do about it.
//!
//! This module is the one place that decides what a failure *means*. The CLI's exit codes, the
//! app's background refresher, the refresh policy and the window all branch on [`ErrorKind`] or
//! [`Remedy`] through exhaustive matches, and each front end adds its own next step (a command to
//! run, a button to press): library messages never name a front end.
//!
//! Three families are kept apart, as oauth2-rs does: the server said no (`NpssoRejected`,
//! `CodeRejected`, `RefreshRejected`, `RateLimited`, `SonyUnavailable`, `UnexpectedResponse`),
//! the network failed (`Network`), and the body did not parse (`MalformedResponse`). No variant
//! ever holds a secret: response excerpts pass through [`redact_excerpt`] first.

use std::time::Duration;

use serde::Serialize;

use crate::npsso::NpssoError;
use crate::vault::VaultError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What failed underneath a [`Error::Network`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFailure {
    Dns,
    Refused,
    Timeout,
    Tls,
    Other,
}

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
    /// The OS keychain must be started, unlocked or repaired.
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

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidNpsso(#[from] NpssoError),

    #[error(
        "Sony did not accept this NPSSO: it has expired, was signed out, or was copied from \
         another session. Sign in on playstation.com again, open the ssocookie page, and copy \
         the new NPSSO."
    )]
    NpssoRejected,

    #[error(
        "Sony rejected the sign-in code it had just issued. This is usually a hiccup on Sony's \
         side: try signing in again with the same NPSSO; if it keeps happening, get a new NPSSO."
    )]
    CodeRejected,

    #[error(
        "The refresh token was rejected or has expired (they last about 60 days, and a password \
         change ends them early), so a new NPSSO is needed: sign in on playstation.com and copy \
         it again from the ssocookie page."
    )]
    RefreshRejected,

    #[error("{}", rate_limited_message(*retry_after))]
    RateLimited { retry_after: Option<Duration> },

    #[error(
        "Sony's sign-in service is not available right now (HTTP {status}). Your stored tokens \
         are untouched. Try again in a few minutes."
    )]
    SonyUnavailable { status: u16 },

    #[error("{}", network_message(*failure))]
    Network { failure: NetworkFailure },

    #[error(
        "Sony's answer could not be read ({reason}; HTTP {status}). Nothing was changed. Try \
         again; if it keeps happening, Sony may have changed its sign-in service. Answer began: \
         {excerpt}"
    )]
    MalformedResponse {
        status: u16,
        reason: &'static str,
        excerpt: String,
    },

    #[error(
        "Sony answered in an unexpected way (HTTP {status}). Nothing was changed. Try again \
         later. Answer began: {excerpt}"
    )]
    UnexpectedResponse { status: u16, excerpt: String },

    #[error(transparent)]
    Vault(#[from] VaultError),

    #[error("No account is signed in on this computer.")]
    NoAccount,

    #[error("There is no account {0} on this computer.")]
    UnknownAccount(String),

    #[error(
        "Another program has been refreshing the tokens for too long ({0} s). Try again; if it \
         keeps happening, close other PSN Auth windows and commands."
    )]
    LockTimeout(u64),

    #[error("Could not read or write PSN Auth's settings in {path}: {reason}")]
    Settings { path: String, reason: String },

    #[error("{0}")]
    InvalidEndpoint(String),
}

impl Error {
    /// What kind of failure this is: the UI branches on it (through its [`Remedy`]), tests
    /// assert it, the CLI maps it to an exit code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidNpsso(_) => ErrorKind::InvalidNpsso,
            Self::NpssoRejected => ErrorKind::NpssoRejected,
            Self::CodeRejected => ErrorKind::CodeRejected,
            Self::RefreshRejected => ErrorKind::RefreshRejected,
            Self::RateLimited { .. } => ErrorKind::RateLimited,
            Self::SonyUnavailable { .. } => ErrorKind::SonyUnavailable,
            Self::Network { .. } => ErrorKind::Network,
            Self::MalformedResponse { .. } => ErrorKind::MalformedResponse,
            Self::UnexpectedResponse { .. } => ErrorKind::UnexpectedResponse,
            Self::Vault(e) => e.kind(),
            Self::NoAccount => ErrorKind::NoAccount,
            Self::UnknownAccount(_) => ErrorKind::UnknownAccount,
            Self::LockTimeout(_) => ErrorKind::LockTimeout,
            Self::Settings { .. } => ErrorKind::Settings,
            Self::InvalidEndpoint(_) => ErrorKind::InvalidEndpoint,
        }
    }

    /// What the user must do about it.
    pub fn remedy(&self) -> Remedy {
        self.kind().remedy()
    }

    /// One error of `kind`, as the front ends' tests use to check their handling of every kind.
    #[doc(hidden)]
    pub fn example(kind: ErrorKind) -> Self {
        use ErrorKind as K;
        match kind {
            K::InvalidNpsso => NpssoError::WrongLength { found: 12 }.into(),
            K::NpssoRejected => Self::NpssoRejected,
            K::CodeRejected => Self::CodeRejected,
            K::RefreshRejected => Self::RefreshRejected,
            K::RateLimited => Self::RateLimited {
                retry_after: Some(Duration::from_secs(90)),
            },
            K::SonyUnavailable => Self::SonyUnavailable { status: 503 },
            K::Network => Self::Network {
                failure: NetworkFailure::Refused,
            },
            K::MalformedResponse => Self::MalformedResponse {
                status: 200,
                reason: "not JSON",
                excerpt: "<html>".into(),
            },
            K::UnexpectedResponse => Self::UnexpectedResponse {
                status: 418,
                excerpt: "(empty)".into(),
            },
            K::KeychainUnavailable => VaultError::Unavailable {
                reason: "no Secret Service (GNOME Keyring or KWallet) is running".into(),
            }
            .into(),
            K::KeychainLocked => VaultError::Locked.into(),
            K::KeychainTimeout => VaultError::TimedOut { secs: 3 }.into(),
            K::KeychainError => VaultError::Store {
                reason: "an entry is not valid text".into(),
            }
            .into(),
            K::KeychainCorrupt => VaultError::Corrupt {
                account: "1234".into(),
            }
            .into(),
            K::NoAccount => Self::NoAccount,
            K::UnknownAccount => Self::UnknownAccount("someone".into()),
            K::LockTimeout => Self::LockTimeout(30),
            K::Settings => Self::Settings {
                path: "/home/u/.config/psn-auth/accounts.json".into(),
                reason: "permission denied".into(),
            },
            K::InvalidEndpoint => Self::InvalidEndpoint(
                "PSN_AUTH_BASE_URL must start with https:// (or http:// on loopback).".into(),
            ),
        }
    }

    /// Seconds to wait before trying again, when Sony said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }
}

fn rate_limited_message(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!(
            "Sony is limiting requests right now. Wait {} and try again; your stored tokens are \
             untouched.",
            human_wait(wait)
        ),
        None => "Sony is limiting requests right now. Wait a few minutes and try again; your \
                 stored tokens are untouched."
            .to_owned(),
    }
}

fn network_message(failure: NetworkFailure) -> String {
    let what = match failure {
        NetworkFailure::Dns => "Sony's server name could not be looked up",
        NetworkFailure::Refused => "the connection to Sony was refused",
        NetworkFailure::Timeout => "Sony did not answer in time",
        NetworkFailure::Tls => "a secure connection to Sony could not be set up",
        NetworkFailure::Other => "the connection to Sony failed",
    };
    format!(
        "No connection: {what}. Check that this computer is online (and any proxy or firewall), \
         then try again. Your stored tokens are untouched."
    )
}

/// "45 seconds", "2 minutes", "1 hour".
pub fn human_wait(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    let (n, unit) = if secs < 90 {
        (secs, "second")
    } else if secs < 90 * 60 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs.div_ceil(3600), "hour")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A short, single-line excerpt of a response body with anything token-like replaced by
/// `[redacted]`: any run of 20 or more characters that could belong to a JWT, a code or an
/// NPSSO. Error messages may show it; it can never carry a secret.
pub fn redact_excerpt(body: &str) -> String {
    const LIMIT: usize = 160;
    let mut out = String::new();
    let mut run = String::new();
    let token_char = |c: char| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c);
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 20 {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in body.chars() {
        if token_char(c) {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !c.is_control() {
            out.push(c);
        }
        if out.chars().count() > LIMIT * 2 {
            break;
        }
    }
    flush(&mut run, &mut out);
    let out = out.trim();
    if out.is_empty() {
        return "(empty)".to_owned();
    }
    if out.chars().count() > LIMIT {
        format!("{}…", out.chars().take(LIMIT).collect::<String>())
    } else {
        out.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_redacts_token_like_runs() {
        let body =
            r#"{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-xyz","x":1}"#;
        let excerpt = redact_excerpt(body);
        assert_eq!(excerpt, r#"{"access_token":"[redacted]","x":1}"#);
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let body = "<html>\n<body>\n".to_owned() + &"word ".repeat(200);
        let excerpt = redact_excerpt(&body);
        assert!(!excerpt.contains('\n'));
        assert!(excerpt.chars().count() <= 161);
        assert!(excerpt.ends_with('…'));
    }

    #[test]
    fn rate_limit_message_names_the_wait() {
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(120)),
        };
        assert!(e.to_string().contains("Wait 2 minutes"), "{e}");
        assert_eq!(e.kind(), "rate_limited");
    }

    #[test]
    fn kinds_serialize_as_their_stable_names_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
            assert!(seen.insert(kind.as_str()), "{kind} named twice");
        }
        for remedy in Remedy::ALL {
            assert_eq!(
                serde_json::to_value(remedy).unwrap(),
                serde_json::json!(remedy.as_str())
            );
        }
    }

    #[test]
    fn every_example_has_its_kind() {
        for kind in ErrorKind::ALL {
            assert_eq!(Error::example(*kind).kind(), *kind);
        }
    }

    #[test]
    fn only_temporary_kinds_are_retried_later() {
        let later: Vec<&str> = ErrorKind::ALL
            .iter()
            .filter(|k| k.remedy() == Remedy::RetryLater)
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            later,
            [
                "code_rejected",
                "rate_limited",
                "sony_unavailable",
                "network",
                "lock_timeout"
            ]
        );
    }

    #[test]
    fn a_damaged_store_needs_a_new_npsso_like_an_expired_refresh_token() {
        let corrupt = Error::Vault(VaultError::Corrupt {
            account: "1".into(),
        });
        assert_eq!(corrupt.remedy(), Remedy::NewNpsso);
        assert_eq!(Error::RefreshRejected.remedy(), Remedy::NewNpsso);
        assert_eq!(
            Error::Vault(VaultError::Locked).remedy(),
            Remedy::FixKeychain
        );
    }

    #[test]
    fn messages_name_no_front_end() {
        for e in [
            Error::NoAccount,
            Error::UnknownAccount("x".into()),
            Error::RefreshRejected,
            Error::Vault(VaultError::Unavailable { reason: "r".into() }),
        ] {
            let text = e.to_string();
            for front_end in ["psn-auth ", "the app", " here", "memory"] {
                assert!(!text.contains(front_end), "{text:?} names {front_end:?}");
            }
        }
    }

    #[test]
    fn human_wait_rounds_up() {
        assert_eq!(human_wait(Duration::from_secs(1)), "1 second");
        assert_eq!(human_wait(Duration::from_secs(30)), "30 seconds");
        assert_eq!(human_wait(Duration::from_secs(91)), "2 minutes");
        assert_eq!(human_wait(Duration::from_secs(3600 * 3)), "3 hours");
    }
}
