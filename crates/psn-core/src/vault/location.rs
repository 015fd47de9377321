//! Which vault the environment chooses, where the file vault lives, and how it is unlocked
//! without asking anyone: the rules every front end shares.
//!
//! - `PSN_AUTH_VAULT`: `keychain` (the default) or `file`.
//! - `PSN_AUTH_VAULT_FILE`: the file vault's path; else `vault.age` in the data folder
//!   (`$XDG_DATA_HOME/psn-auth` on Linux; `psn-auth-demo`, `psn-auth-override-…` for the other
//!   namespaces).
//! - Unlocking: `PSN_AUTH_KEY_FILE`; else `$CREDENTIALS_DIRECTORY/psn-auth.key` (systemd's
//!   `LoadCredential=`); else `vault.key` beside the vault when it is there; else a passphrase
//!   from `PSN_AUTH_PASSPHRASE_FILE`. A vault made with a passphrase skips the key files.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::error::{VaultError, VaultResult};
use super::file::Unlock;
use crate::namespace::Namespace;

pub const ENV_VAULT: &str = "PSN_AUTH_VAULT";
pub const ENV_VAULT_FILE: &str = "PSN_AUTH_VAULT_FILE";
pub const ENV_KEY_FILE: &str = "PSN_AUTH_KEY_FILE";
pub const ENV_PASSPHRASE_FILE: &str = "PSN_AUTH_PASSPHRASE_FILE";
/// The credential's name under `$CREDENTIALS_DIRECTORY` (systemd's `LoadCredential=psn-auth.key:…`).
pub const CREDENTIAL_NAME: &str = "psn-auth.key";

/// Where tokens are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service).
    Keychain,
    /// The encrypted file vault.
    File,
}

impl Backend {
    /// `PSN_AUTH_VAULT`: unset or `keychain` for the keychain, `file` for the file vault.
    pub fn from_env() -> VaultResult<Self> {
        match std::env::var(ENV_VAULT).ok().as_deref().map(str::trim) {
            None | Some("") | Some("keychain") => Ok(Self::Keychain),
            Some("file") => Ok(Self::File),
            Some(other) => Err(VaultError::Unavailable {
                reason: format!("{ENV_VAULT} is {other:?}; it may be \"keychain\" or \"file\""),
            }),
        }
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `PSN_AUTH_VAULT_FILE`, else `vault.age` in the namespace's data folder; an error when this
/// system has no data folder.
pub fn vault_path(namespace: &Namespace) -> VaultResult<PathBuf> {
    env_path(ENV_VAULT_FILE)
        .or_else(|| Some(namespace.data_dir()?.join("vault.age")))
        .ok_or_else(|| VaultError::FileKey {
            reason: "this system has no data folder for the vault (is HOME set?)".into(),
        })
}

/// Where `vault init` writes a key file when given none: `vault.key` beside the vault.
pub fn default_key_path(vault: &Path) -> PathBuf {
    vault.with_file_name("vault.key")
}

/// The key file the environment names, if any (see the module's rules).
pub fn key_file(vault: &Path) -> Option<PathBuf> {
    env_path(ENV_KEY_FILE)
        .or_else(|| {
            env_path("CREDENTIALS_DIRECTORY")
                .map(|d| d.join(CREDENTIAL_NAME))
                .filter(|p| p.exists())
        })
        .or_else(|| Some(default_key_path(vault)).filter(|p| p.exists()))
}

/// True when the vault at `path` is locked with a passphrase (false when it cannot be read).
pub fn is_passphrase_vault(path: &Path) -> bool {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| {
            age::Decryptor::new_buffered(&bytes[..])
                .ok()
                .map(|d| d.is_scrypt())
        })
        .unwrap_or(false)
}

/// How to unlock the vault at `path` without asking: a key file, or a passphrase from
/// `PSN_AUTH_PASSPHRASE_FILE` (its first line); `None` when the environment has neither.
pub fn unlock_from_env(path: &Path) -> VaultResult<Option<Unlock>> {
    if !is_passphrase_vault(path) {
        if let Some(key) = key_file(path) {
            return Ok(Some(Unlock::KeyFile(key)));
        }
    }
    let Some(file) = env_path(ENV_PASSPHRASE_FILE) else {
        return Ok(None);
    };
    let text = Zeroizing::new(
        std::fs::read_to_string(&file).map_err(|e| VaultError::FileKey {
            reason: format!(
                "the passphrase file {} could not be read ({e})",
                file.display()
            ),
        })?,
    );
    let line = Zeroizing::new(text.lines().next().unwrap_or_default().to_owned());
    Ok(Some(Unlock::Passphrase(line)))
}

/// How to unlock the vault at `path`: as the environment says, else with the passphrase
/// `ask_passphrase` gets (a prompt on a terminal; `None` where nobody can be asked).
pub fn unlock(
    path: &Path,
    ask_passphrase: impl FnOnce() -> Option<Zeroizing<String>>,
) -> VaultResult<Unlock> {
    if let Some(unlock) = unlock_from_env(path)? {
        return Ok(unlock);
    }
    let pass = ask_passphrase().ok_or_else(|| VaultError::FileKey {
        reason: format!(
            "{} needs its key file ({ENV_KEY_FILE}) or passphrase ({ENV_PASSPHRASE_FILE})",
            path.display()
        ),
    })?;
    Ok(Unlock::Passphrase(pass))
}
