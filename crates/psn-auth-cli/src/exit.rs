//! Exit codes: one number for each thing a script can do about a failure, and the one function
//! ([`Exit::for_kind`]) that maps the library's error kinds onto them, exhaustively: a kind added
//! to `psn-core` does not compile until it has a code here.
//!
//! Messages come from `psn-core` as they are (the same words the app shows, saying what
//! happened); this module prefixes them with `psn-auth: ` and adds the command that fixes it
//! ([`hint`]). No secret can reach stderr: `psn-core` errors never hold one.

use std::fmt;
use std::process::ExitCode;

use psn_core::{Error, ErrorKind, Remedy};

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
    /// The NPSSO given to `login` is malformed, or Sony did not accept it (or what `import` was
    /// given is not a token set Sony knows).
    BadNpsso = 5,
    /// Temporary: Sony unavailable, rate limited, no network, or another process held the
    /// refresh lock too long. Retrying later can succeed without any change.
    TryLater = 6,
    /// The OS keychain is unavailable, locked, did not answer, or refused the operation.
    Keychain = 7,
    /// `status --warn-days N`: a refresh token expires within N days (a new NPSSO will soon be
    /// needed).
    RefreshSoon = 8,
}

impl Exit {
    /// The exit code for a `psn-core` error kind. Codes follow the kind's [`Remedy`], except
    /// that "no account" and "bad NPSSO" have codes of their own.
    pub fn for_kind(kind: ErrorKind) -> Self {
        use ErrorKind as K;
        match kind {
            K::NoAccount | K::UnknownAccount => Self::NoAccount,
            K::InvalidNpsso | K::NpssoRejected | K::InvalidTokenSet => Self::BadNpsso,
            K::RefreshRejected | K::KeychainCorrupt => Self::NeedNpsso,
            K::CodeRejected | K::RateLimited | K::SonyUnavailable | K::Network | K::LockTimeout => {
                Self::TryLater
            }
            K::KeychainUnavailable
            | K::KeychainLocked
            | K::KeychainTimeout
            | K::KeychainError
            | K::VaultMissing
            | K::VaultKeyRejected
            | K::VaultKey
            | K::VaultDamaged
            | K::VaultWrite => Self::Keychain,
            K::MalformedResponse | K::UnexpectedResponse | K::Settings | K::InvalidEndpoint => {
                Self::Other
            }
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
  5  NPSSO malformed or rejected by Sony (`login`), or not a token set (`import`)
  6  temporary: Sony unavailable, rate limited, no network, refresh lock timeout; retry later
  7  keychain unavailable, locked, not answering, or refusing the operation; file vault missing,
     damaged, or its key or passphrase wrong or unreadable
  8  `status --warn-days N`: a refresh token expires within N days"
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
    /// A command's own arguments or surroundings do not work (a `serve` folder that is not
    /// one, a group that does not exist): the message says what to change.
    Usage(String),
    /// `login` found standard input empty or closed: nothing to sign in with.
    NoNpssoOnStdin,
}

impl Failure {
    /// A command's own problem, told in `message` (exit 1).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    pub fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> Self {
        move |error| Self::Io { what, error }
    }

    pub fn exit(&self) -> Exit {
        match self {
            Self::Core(e) => Exit::for_kind(e.kind()),
            Self::Io { .. } => Exit::Other,
            Self::NoNpssoOnStdin => Exit::BadNpsso,
            Self::Usage(_) => Exit::Other,
        }
    }

    /// Prints the message (and the command that fixes it, where there is one) to stderr.
    pub fn report(&self) {
        eprintln!("psn-auth: {self}");
        if let Self::Core(e) = self {
            if let Some(hint) = hint(e.kind()) {
                eprintln!("psn-auth: to fix: {hint}");
            }
        }
    }
}

/// The CLI's own words for the next step, added under the library's message (which says what
/// happened). Decided by remedy, with the kinds whose fix is a particular command.
pub fn hint(kind: ErrorKind) -> Option<&'static str> {
    use ErrorKind as K;
    match kind {
        K::NoAccount => Some("sign in with `psn-auth login` (or in the app)."),
        K::UnknownAccount => Some("`psn-auth status` lists the accounts on this computer."),
        K::InvalidNpsso => Some("copy the NPSSO again from the ssocookie page and retry."),
        K::KeychainUnavailable => Some(
            "start or unlock your keychain (GNOME Keyring, KWallet), then run the command again; \
             on a server or in a container, keep the tokens in the encrypted file vault instead: \
             `psn-auth vault init`, then run with PSN_AUTH_VAULT=file.",
        ),
        K::VaultMissing => Some(
            "create it with `psn-auth vault init` (a key file, for unattended use) or \
             `psn-auth vault init --passphrase`, then sign in with `psn-auth login`.",
        ),
        K::VaultDamaged => Some(
            "to start over, move the vault aside, run `psn-auth vault init` and sign in again \
             (`psn-auth login`, or `psn-auth import` from another machine).",
        ),
        K::VaultKeyRejected | K::VaultKey | K::VaultWrite => Some(
            "`psn-auth vault status` shows which vault is in use, where, and how it is unlocked.",
        ),
        _ => match kind.remedy() {
            Remedy::NewNpsso => Some(
                "sign in on playstation.com, copy a new NPSSO from the ssocookie page, and run \
                 `psn-auth login` (or sign in again in the app).",
            ),
            Remedy::RetryLater => Some("run the same command again later."),
            Remedy::FixKeychain => Some(
                "start or unlock your keychain (GNOME Keyring, KWallet, macOS Keychain, Windows \
                 Credential Manager), then run the command again.",
            ),
            Remedy::FixInput | Remedy::Other => None,
        },
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Core(e) => write!(f, "{e}"),
            Self::Io { what, error } => write!(f, "could not {what}: {error}"),
            Self::Usage(message) => f.write_str(message),
            Self::NoNpssoOnStdin => f.write_str(
                "standard input is empty or closed, so there is no NPSSO to sign in with. Pass it \
                 on standard input (`psn-auth login < npsso.txt`, or `pbpaste | psn-auth login`), \
                 or run `psn-auth login` in a terminal to paste it at a hidden prompt.",
            ),
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
mod tests;

#[cfg(test)]
mod readme;
