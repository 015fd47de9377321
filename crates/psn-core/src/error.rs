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
//! ever holds a secret: response excerpts pass through [`redact_excerpt`](crate::redact::redact_excerpt)
//! first.

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use crate::kinds::{ErrorKind, Remedy};
use crate::npsso::NpssoError;
use crate::time::human_wait;
use crate::vault::VaultError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What failed underneath a [`Error::Network`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkFailure {
    Dns,
    Refused,
    Timeout,
    Tls,
    Other,
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

    #[error("{0} Nothing was saved.")]
    InvalidTokenSet(String),
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
            Self::InvalidTokenSet(_) => ErrorKind::InvalidTokenSet,
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
            K::VaultMissing => VaultError::FileMissing {
                path: "/home/u/.local/share/psn-auth/vault.age".into(),
            }
            .into(),
            K::VaultKeyRejected => VaultError::FileKeyRejected {
                path: "/home/u/.local/share/psn-auth/vault.age".into(),
                with: "this key file",
            }
            .into(),
            K::VaultKey => VaultError::FileKey {
                reason: "the key file /srv/psn-auth.key can be read by others (mode 644): run \
                         chmod 600 on it"
                    .into(),
            }
            .into(),
            K::VaultDamaged => VaultError::FileDamaged {
                path: "/home/u/.local/share/psn-auth/vault.age".into(),
                reason: "its contents end early or were changed".into(),
            }
            .into(),
            K::VaultWrite => VaultError::FileWrite {
                path: "/home/u/.local/share/psn-auth/vault.age".into(),
                reason: "No space left on device (os error 28)".into(),
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
            K::InvalidTokenSet => Self::InvalidTokenSet(
                "That is an access token alone: a set needs its refresh token too.".into(),
            ),
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

/// A failed refresh as `accounts.json` remembers it for every process: callers that come within
/// the pause that follows get the same failure (or, for a temporary one, the current token by the
/// hand-out rule) without asking Sony again. So twenty scripts and a watcher make one request per
/// pause during an outage, not one each, and one request in all for a refresh token Sony rejected
/// (it stays rejected: only a new sign-in, a new set, is asked about again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefreshFailure {
    RateLimited { retry_after_secs: Option<u64> },
    SonyUnavailable { status: u16 },
    Network { failure: NetworkFailure },
    Rejected,
}

impl RefreshFailure {
    /// The failure to remember, for an error that came from Sony or the network: one that may
    /// pass, or Sony's no to the refresh token. Nothing for the rest (a keychain, a damaged
    /// answer), which the next caller should meet for itself.
    pub fn of(error: &Error) -> Option<Self> {
        match error {
            Error::RateLimited { retry_after } => Some(Self::RateLimited {
                retry_after_secs: retry_after.map(|d| d.as_secs()),
            }),
            Error::SonyUnavailable { status } => Some(Self::SonyUnavailable { status: *status }),
            Error::Network { failure } => Some(Self::Network { failure: *failure }),
            Error::RefreshRejected => Some(Self::Rejected),
            _ => None,
        }
    }

    /// The error it was.
    pub fn to_error(self) -> Error {
        match self {
            Self::RateLimited { retry_after_secs } => Error::RateLimited {
                retry_after: retry_after_secs.map(Duration::from_secs),
            },
            Self::SonyUnavailable { status } => Error::SonyUnavailable { status },
            Self::Network { failure } => Error::Network { failure },
            Self::Rejected => Error::RefreshRejected,
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

#[cfg(test)]
mod tests;
