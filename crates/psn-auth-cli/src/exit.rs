//! Exit codes: one number for each thing a script can do about a failure, and the one function
//! ([`Exit::for_kind`]) that maps the library's stable error kinds onto them.
//!
//! Messages come from `psn-core` as they are (the same words the app shows); this module only
//! prefixes them with `psn-auth: ` and, where the library's text speaks of "here", adds the
//! command that fixes it. No secret can reach stderr: `psn-core` errors never hold one.

use std::fmt;
use std::process::ExitCode;

use psn_core::Error;

/// What a run ended with. The numbers are part of the CLI's interface: never renumber them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Any other failure: settings file, an invalid endpoint override, an answer from Sony that
    /// could not be understood, stdout closed…
    Other = 1,
    /// Wrong arguments (clap exits with 2 itself; listed here so the table is complete).
    #[allow(dead_code)]
    Usage = 2,
    /// No account is signed in, or `--account` names none of them.
    NoAccount = 3,
    /// The refresh token expired or was rejected (or the stored set is damaged): a new NPSSO is
    /// needed.
    NeedNpsso = 4,
    /// The NPSSO given to `login` is malformed, or Sony did not accept it.
    BadNpsso = 5,
    /// Temporary: Sony unavailable, rate limited, no network, or another process held the
    /// refresh lock too long. Retrying later can succeed without any change.
    TryLater = 6,
    /// The OS keychain is unavailable, locked, did not answer, or refused the operation.
    Keychain = 7,
}

impl Exit {
    /// The exit code for a `psn-core` error kind ([`Error::kind`]). Unknown kinds are
    /// [`Exit::Other`], so a kind added to the library later never exits with 0.
    pub fn for_kind(kind: &str) -> Self {
        match kind {
            "no_account" | "unknown_account" => Self::NoAccount,
            // The stored set is unreadable: the fix is the same as for an expired refresh token.
            "refresh_rejected" | "keychain_corrupt" => Self::NeedNpsso,
            "invalid_npsso" | "npsso_rejected" => Self::BadNpsso,
            // Sony rejecting the code it had just issued is a hiccup on its side: retry.
            "rate_limited" | "sony_unavailable" | "network" | "lock_timeout" | "code_rejected" => {
                Self::TryLater
            }
            "keychain_unavailable" | "keychain_locked" | "keychain_timeout" | "keychain_error" => {
                Self::Keychain
            }
            _ => Self::Other,
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// The table `psn-auth --help` ends with (and the README repeats), as a literal so `cli` can
/// `concat!` it.
macro_rules! exit_table {
    () => {
        "\
Exit codes:
  0  success
  1  other error (settings file, invalid PSN_AUTH_BASE_URL / PSN_API_BASE_URL, unreadable answer)
  2  usage error (unknown command or option)
  3  no account signed in, or --account names no account on this computer
  4  refresh token expired or rejected: a new NPSSO is needed (`psn-auth login` or the app);
     `status` also exits 4 when the active account's refresh token has expired
  5  NPSSO malformed or rejected by Sony (`login`)
  6  temporary: Sony unavailable, rate limited, no network, refresh lock timeout; retry later
  7  keychain unavailable, locked, not answering, or refusing the operation"
    };
}

#[cfg(test)]
pub const TABLE: &str = exit_table!();

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Anything the library reports.
    Core(Error),
    /// The terminal or a standard stream failed (`what` says which).
    Io {
        what: &'static str,
        error: std::io::Error,
    },
}

impl Failure {
    pub fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> Self {
        move |error| Self::Io { what, error }
    }

    pub fn exit(&self) -> Exit {
        match self {
            Self::Core(e) => Exit::for_kind(e.kind()),
            Self::Io { .. } => Exit::Other,
        }
    }

    /// Prints the message (and the command that fixes it, where there is one) to stderr.
    pub fn report(&self) {
        eprintln!("psn-auth: {self}");
        if let Some(hint) = hint(self.exit()) {
            eprintln!("psn-auth: {hint}");
        }
    }
}

/// The CLI's own words for the fix, added under the library's message.
fn hint(exit: Exit) -> Option<&'static str> {
    match exit {
        Exit::NeedNpsso => {
            Some("to fix: get a new NPSSO and run `psn-auth login` (or sign in again in the app).")
        }
        _ => None,
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Core(e) => write!(f, "{e}"),
            Self::Io { what, error } => write!(f, "could not {what}: {error}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Core(e)
    }
}

impl From<psn_core::VaultError> for Failure {
    fn from(e: psn_core::VaultError) -> Self {
        Self::Core(e.into())
    }
}

impl From<psn_core::NpssoError> for Failure {
    fn from(e: psn_core::NpssoError) -> Self {
        Self::Core(e.into())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use psn_core::{NetworkFailure, NpssoError, VaultError};

    use super::*;

    /// One of every error the library has, with the code it must exit with.
    fn every_error() -> Vec<(Error, Exit)> {
        vec![
            (Error::InvalidNpsso(NpssoError::Empty), Exit::BadNpsso),
            (
                Error::InvalidNpsso(NpssoError::WrongLength { found: 3 }),
                Exit::BadNpsso,
            ),
            (Error::NpssoRejected, Exit::BadNpsso),
            (Error::CodeRejected, Exit::TryLater),
            (Error::RefreshRejected, Exit::NeedNpsso),
            (Error::RateLimited { retry_after: None }, Exit::TryLater),
            (
                Error::RateLimited {
                    retry_after: Some(Duration::from_secs(30)),
                },
                Exit::TryLater,
            ),
            (Error::SonyUnavailable { status: 503 }, Exit::TryLater),
            (
                Error::Network {
                    failure: NetworkFailure::Refused,
                },
                Exit::TryLater,
            ),
            (
                Error::MalformedResponse {
                    status: 200,
                    reason: "x",
                    excerpt: "y".into(),
                },
                Exit::Other,
            ),
            (
                Error::UnexpectedResponse {
                    status: 418,
                    excerpt: "y".into(),
                },
                Exit::Other,
            ),
            (
                Error::Vault(VaultError::Unavailable { reason: "x".into() }),
                Exit::Keychain,
            ),
            (Error::Vault(VaultError::Locked), Exit::Keychain),
            (
                Error::Vault(VaultError::TimedOut { secs: 3 }),
                Exit::Keychain,
            ),
            (
                Error::Vault(VaultError::Store { reason: "x".into() }),
                Exit::Keychain,
            ),
            (
                Error::Vault(VaultError::Corrupt {
                    account: "1".into(),
                }),
                Exit::NeedNpsso,
            ),
            (
                Error::Vault(VaultError::Settings {
                    path: "p".into(),
                    reason: "r".into(),
                }),
                Exit::Other,
            ),
            (Error::NoAccount, Exit::NoAccount),
            (Error::UnknownAccount("x".into()), Exit::NoAccount),
            (Error::LockTimeout(30), Exit::TryLater),
            (
                Error::Settings {
                    path: "p".into(),
                    reason: "r".into(),
                },
                Exit::Other,
            ),
            (Error::InvalidEndpoint("bad".into()), Exit::Other),
        ]
    }

    #[test]
    fn every_library_error_maps_to_its_documented_code() {
        for (error, expected) in every_error() {
            let failure = Failure::from(error);
            assert_eq!(failure.exit(), expected, "{}", failure);
        }
    }

    #[test]
    fn unknown_kinds_never_exit_with_success() {
        assert_eq!(Exit::for_kind("something_new"), Exit::Other);
        assert_eq!(Exit::for_kind(""), Exit::Other);
    }

    #[test]
    fn codes_are_stable() {
        let codes: Vec<u8> = [
            Exit::Ok,
            Exit::Other,
            Exit::Usage,
            Exit::NoAccount,
            Exit::NeedNpsso,
            Exit::BadNpsso,
            Exit::TryLater,
            Exit::Keychain,
        ]
        .iter()
        .map(|e| e.code())
        .collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn table_lists_every_code() {
        for code in 0..=7 {
            assert!(
                TABLE.lines().any(|l| l.starts_with(&format!("  {code}  "))),
                "code {code} missing from the table"
            );
        }
    }

    #[test]
    fn io_failures_are_other() {
        let failure = Failure::io("read standard input")(std::io::Error::other("boom"));
        assert_eq!(failure.exit(), Exit::Other);
        assert_eq!(failure.to_string(), "could not read standard input: boom");
    }
}
