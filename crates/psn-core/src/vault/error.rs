//! What can go wrong with the keychain or the file vault, with the kind each failure is.

use crate::kinds::ErrorKind;

/// A failure of the keychain or the file vault. No variant holds a secret.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VaultError {
    #[error(
        "The system keychain is not available: {reason}. On Linux, start GNOME Keyring or KWallet \
         (any Secret Service) and unlock it, then try again. On a server or in a container, use \
         the encrypted file vault instead (PSN_AUTH_VAULT=file)."
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

    #[error(
        "There is no vault at {path} yet. Create it first (with a key file for unattended use, or \
         a passphrase), then sign in."
    )]
    FileMissing { path: String },

    #[error(
        "The vault {path} could not be opened with {with}: it was made with another one. \
         Nothing was changed. Give the key file (PSN_AUTH_KEY_FILE) or passphrase \
         (PSN_AUTH_PASSPHRASE_FILE) it was created with."
    )]
    FileKeyRejected { path: String, with: &'static str },

    #[error("The vault's key could not be used: {reason}. Nothing was changed.")]
    FileKey { reason: String },

    #[error(
        "The vault {path} is damaged or incomplete ({reason}). It was left as it is. To start \
         over, move it aside, create a new vault and sign in again."
    )]
    FileDamaged { path: String, reason: String },

    #[error(
        "The vault {path} was written by a newer PSN Auth (format {found}). It was left as it is: \
         update PSN Auth to read it."
    )]
    FileNewer { path: String, found: u32 },

    #[error("The vault {path} could not be written: {reason}. Nothing was changed.")]
    FileWrite { path: String, reason: String },
}

impl VaultError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Unavailable { .. } => ErrorKind::KeychainUnavailable,
            Self::Locked => ErrorKind::KeychainLocked,
            Self::TimedOut { .. } => ErrorKind::KeychainTimeout,
            Self::Corrupt { .. } => ErrorKind::KeychainCorrupt,
            Self::Store { .. } => ErrorKind::KeychainError,
            Self::FileMissing { .. } => ErrorKind::VaultMissing,
            Self::FileKeyRejected { .. } => ErrorKind::VaultKeyRejected,
            Self::FileKey { .. } => ErrorKind::VaultKey,
            Self::FileDamaged { .. } | Self::FileNewer { .. } => ErrorKind::VaultDamaged,
            Self::FileWrite { .. } => ErrorKind::VaultWrite,
        }
    }
}

pub type VaultResult<T> = Result<T, VaultError>;
