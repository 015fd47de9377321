//! The file vault's key: an X25519 identity in a key file (owner-only), or a passphrase
//! (scrypt), and what each does with age. No home-made cryptography: age does all of it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::error::{VaultError, VaultResult};

/// How a vault is unlocked.
pub enum Unlock {
    /// An X25519 identity (`AGE-SECRET-KEY-1…`) in this file, readable by its owner only.
    KeyFile(PathBuf),
    /// A passphrase (scrypt).
    Passphrase(Zeroizing<String>),
}

impl Unlock {
    /// "the key file /path", "the passphrase": for messages (never the secret).
    pub fn describe(&self) -> String {
        match self {
            Self::KeyFile(path) => format!("the key file {}", path.display()),
            Self::Passphrase(_) => "a passphrase".to_owned(),
        }
    }
}

pub(super) enum Key {
    X25519(age::x25519::Identity),
    Passphrase(SecretString),
}

impl Key {
    pub(super) fn load(unlock: Unlock) -> VaultResult<Self> {
        match unlock {
            Unlock::Passphrase(pass) => {
                if pass.is_empty() {
                    return Err(VaultError::FileKey {
                        reason: "the passphrase is empty".into(),
                    });
                }
                Ok(Self::Passphrase(SecretString::from(pass.to_string())))
            }
            Unlock::KeyFile(path) => {
                let shown = path.display().to_string();
                check_private(&path)?;
                let text = Zeroizing::new(std::fs::read_to_string(&path).map_err(|e| {
                    VaultError::FileKey {
                        reason: format!("the key file {shown} could not be read ({e})"),
                    }
                })?);
                let line = text
                    .lines()
                    .map(str::trim)
                    .find(|l| l.starts_with("AGE-SECRET-KEY-"))
                    .ok_or_else(|| VaultError::FileKey {
                        reason: format!("{shown} holds no age identity (AGE-SECRET-KEY-1…)"),
                    })?;
                let identity = line.parse().map_err(|_| VaultError::FileKey {
                    reason: format!("the identity in {shown} is not valid"),
                })?;
                Ok(Self::X25519(identity))
            }
        }
    }

    pub(super) fn what(&self) -> &'static str {
        match self {
            Self::X25519(_) => "this key file",
            Self::Passphrase(_) => "this passphrase",
        }
    }

    pub(super) fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, age::EncryptError> {
        match self {
            Self::X25519(identity) => age::encrypt(&identity.to_public(), plaintext),
            Self::Passphrase(pass) => {
                age::encrypt(&age::scrypt::Recipient::new(pass.clone()), plaintext)
            }
        }
    }

    pub(super) fn decrypt(
        &self,
        path: &Path,
        ciphertext: &[u8],
    ) -> VaultResult<Zeroizing<Vec<u8>>> {
        let shown = path.display().to_string();
        let damaged = |reason: String| VaultError::FileDamaged {
            path: shown.clone(),
            reason,
        };
        let decryptor = age::Decryptor::new_buffered(ciphertext).map_err(|e| match e {
            age::DecryptError::UnknownFormat => damaged("an unknown age format".into()),
            // Described here, not with age's own (localized) messages.
            _ => damaged("its header cannot be read".into()),
        })?;
        let rejected = || VaultError::FileKeyRejected {
            path: shown.clone(),
            with: self.what(),
        };
        let reader = match self {
            Self::X25519(identity) => {
                if decryptor.is_scrypt() {
                    return Err(VaultError::FileKey {
                        reason: format!("{shown} is locked with a passphrase, not a key file"),
                    });
                }
                decryptor.decrypt(std::iter::once(identity as &dyn age::Identity))
            }
            Self::Passphrase(pass) => {
                if !decryptor.is_scrypt() {
                    return Err(VaultError::FileKey {
                        reason: format!("{shown} is locked with a key file, not a passphrase"),
                    });
                }
                let identity = age::scrypt::Identity::new(pass.clone());
                decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
            }
        };
        let mut reader = reader.map_err(|e| match e {
            age::DecryptError::NoMatchingKeys
            | age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed => rejected(),
            age::DecryptError::InvalidMac => damaged("its header was changed".into()),
            age::DecryptError::ExcessiveWork { .. } => {
                damaged("its passphrase was set with more work than this machine allows".into())
            }
            _ => damaged("it cannot be decrypted".into()),
        })?;
        let mut plaintext = Zeroizing::new(Vec::new());
        reader
            .read_to_end(&mut plaintext)
            .map_err(|e| damaged(format!("its contents end early or were changed: {e}")))?;
        Ok(plaintext)
    }
}

/// A key file must be readable by its owner only: anyone else who can read it can read the
/// vault.
fn check_private(path: &Path) -> VaultResult<()> {
    let meta = std::fs::metadata(path).map_err(|e| VaultError::FileKey {
        reason: format!("the key file {} could not be read ({e})", path.display()),
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(VaultError::FileKey {
                reason: format!(
                    "the key file {} can be read by others (mode {mode:o}): run chmod 600 on it",
                    path.display()
                ),
            });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    Ok(())
}

/// Writes a new X25519 identity to `path` (owner-only), refusing to replace a file there.
pub fn generate_key_file(path: &Path) -> VaultResult<()> {
    let fail = |reason: String| VaultError::FileKey { reason };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsutil::create_private_dir(dir).map_err(|e| fail(e.to_string()))?;
    }
    let identity = age::x25519::Identity::generate();
    let text = Zeroizing::new(format!(
        "# PSN Auth vault key, made {}\n# public key: {}\n{}\n",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        identity.to_public(),
        identity.to_string().expose_secret()
    ));
    let mut file = crate::fsutil::new_private_file(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            fail(format!(
                "{} exists already: it was left as it is (choose another path, or remove it \
                 yourself if it is no longer needed)",
                path.display()
            ))
        } else {
            fail(format!("{} could not be written ({e})", path.display()))
        }
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| fail(format!("{} could not be written ({e})", path.display())))
}
