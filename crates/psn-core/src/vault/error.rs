//! What can go wrong with the keychain, with the kind each failure is.

use crate::kinds::ErrorKind;

/// A failure of the keychain. No variant holds a secret.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VaultError {
    #[error(
        "The system keychain is not available: {reason}. On Linux, start GNOME Keyring or KWallet \
         (any Secret Service) and unlock it, then try again."
    )]
    Unavailable { reason: String },

    #[error(
        "The keychain is locked, or its unlock prompt was dismissed. Unlock it (GNOME Keyring, \
         KWallet, or the macOS Keychain) and try again. Nothing was changed."
    )]
    Locked,

    #[error(
        "The keychain did not answer within {secs} s. Check that GNOME Keyring or KWallet is \
         running and not waiting for a password, then try again. A change asked of it may still \
         land late; the tokens stored before stay readable either way."
    )]
    TimedOut { secs: u64 },

    #[error(
        "The tokens stored for account {account} are damaged or incomplete. Sign in again with a \
         new NPSSO to replace them."
    )]
    Corrupt { account: String },

    #[error("The keychain refused the operation: {reason}. Nothing was changed.")]
    Store { reason: String },
}

impl VaultError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Unavailable { .. } => ErrorKind::KeychainUnavailable,
            Self::Locked => ErrorKind::KeychainLocked,
            Self::TimedOut { .. } => ErrorKind::KeychainTimeout,
            Self::Corrupt { .. } => ErrorKind::KeychainCorrupt,
            Self::Store { .. } => ErrorKind::KeychainError,
        }
    }
}

pub type VaultResult<T> = Result<T, VaultError>;
