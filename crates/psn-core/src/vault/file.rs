//! The encrypted file vault: a [`SecretStore`] for machines without a keychain (servers,
//! containers), chosen with `PSN_AUTH_VAULT=file`.
//!
//! Every entry lives in one file, `vault.age`, encrypted with age (rage's library; no home-made
//! cryptography): to an X25519 identity kept in a key file (unattended use), or with a passphrase
//! (scrypt). The plaintext is `{"v":1,"entries":{key: value}}`, held in wiped memory only.
//!
//! A write replaces the whole file atomically: a temporary file in the same folder (owner-only),
//! flushed and synced, renamed over the old one, and the folder synced. Writers are serialized by
//! the account service's write lock, so a reader sees the old file or the new one, never a mix.
//! A file that cannot be decrypted with the key given, or that is damaged, truncated or from a
//! newer format, is never written over: each is its own error, and the file stays as it was.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::error::{VaultError, VaultResult};
use super::key::Key;
pub use super::key::{generate_key_file, Unlock};
use super::store::SecretStore;

/// The format this release writes; a file with a larger `v` is refused, never overwritten.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Contents {
    v: u32,
    entries: BTreeMap<String, String>,
}

impl Drop for Contents {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for value in self.entries.values_mut() {
            value.zeroize();
        }
    }
}

/// What identifies one version of the file, to reuse its decrypted contents (a passphrase's
/// scrypt takes about a second).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: u64,
}

fn stamp(meta: &std::fs::Metadata) -> Stamp {
    Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        #[cfg(unix)]
        inode: std::os::unix::fs::MetadataExt::ino(meta),
    }
}

/// The vault file, unlocked.
pub struct FileStore {
    path: PathBuf,
    key: Key,
    cache: Mutex<Option<(Stamp, Contents)>>,
}

impl FileStore {
    /// Opens the vault at `path` and proves `unlock` opens it.
    pub fn open(path: &Path, unlock: Unlock) -> VaultResult<Self> {
        let store = Self {
            path: path.to_owned(),
            key: Key::load(unlock)?,
            cache: Mutex::new(None),
        };
        store.with_contents(|_| ())?;
        Ok(store)
    }

    /// Creates an empty vault at `path`, locked with `unlock`; refuses to replace one.
    pub fn create(path: &Path, unlock: Unlock) -> VaultResult<Self> {
        let store = Self {
            path: path.to_owned(),
            key: Key::load(unlock)?,
            cache: Mutex::new(None),
        };
        if path.exists() {
            return Err(VaultError::FileWrite {
                path: path.display().to_string(),
                reason: "a vault is there already (it was left as it is)".into(),
            });
        }
        store.write(Contents {
            v: FORMAT,
            entries: BTreeMap::new(),
        })?;
        Ok(store)
    }

    /// Where the vault lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// Runs `f` over the current contents, read (and decrypted) only when the file changed.
    fn with_contents<T>(&self, f: impl FnOnce(&Contents) -> T) -> VaultResult<T> {
        let meta = match std::fs::metadata(&self.path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::FileMissing { path: self.shown() })
            }
            Err(e) => {
                return Err(VaultError::FileDamaged {
                    path: self.shown(),
                    reason: e.to_string(),
                })
            }
        };
        let now = stamp(&meta);
        let mut cache = self.cache.lock().unwrap();
        if let Some((stamp, contents)) = cache.as_ref() {
            if *stamp == now {
                return Ok(f(contents));
            }
        }
        let ciphertext = std::fs::read(&self.path).map_err(|e| VaultError::FileDamaged {
            path: self.shown(),
            reason: e.to_string(),
        })?;
        let plaintext = self.key.decrypt(&self.path, &ciphertext)?;
        #[derive(Deserialize)]
        struct Version {
            v: u32,
        }
        let version: Version =
            serde_json::from_slice(&plaintext).map_err(|_| VaultError::FileDamaged {
                path: self.shown(),
                reason: "its contents are not a vault".into(),
            })?;
        if version.v > FORMAT {
            return Err(VaultError::FileNewer {
                path: self.shown(),
                found: version.v,
            });
        }
        let contents: Contents =
            serde_json::from_slice(&plaintext).map_err(|_| VaultError::FileDamaged {
                path: self.shown(),
                reason: "its contents are not a vault".into(),
            })?;
        let out = f(&contents);
        *cache = Some((now, contents));
        Ok(out)
    }

    /// Encrypts `contents` and replaces the file atomically; the cache then holds them.
    fn write(&self, contents: Contents) -> VaultResult<()> {
        let fail = |reason: String| VaultError::FileWrite {
            path: self.shown(),
            reason,
        };
        let plaintext =
            Zeroizing::new(serde_json::to_vec(&contents).expect("the vault serializes"));
        let ciphertext = self
            .key
            .encrypt(&plaintext)
            .map_err(|_| fail("age could not encrypt it".into()))?;
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::fsutil::create_private_dir(dir).map_err(|e| fail(e.to_string()))?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "vault.age".into());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut file = crate::fsutil::private_file(&tmp)?;
            file.write_all(&ciphertext)?;
            file.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            crate::fsutil::sync_dir(dir)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(e.to_string()));
        }
        if let Ok(meta) = std::fs::metadata(&self.path) {
            *self.cache.lock().unwrap() = Some((stamp(&meta), contents));
        }
        Ok(())
    }

    /// Reads, changes and writes back (callers hold the account service's write lock).
    fn change(&self, f: impl FnOnce(&mut Contents)) -> VaultResult<()> {
        let mut contents = self.with_contents(|c| Contents {
            v: FORMAT,
            entries: c.entries.clone(),
        })?;
        f(&mut contents);
        self.write(contents)
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &str) -> VaultResult<Option<Zeroizing<String>>> {
        self.with_contents(|c| c.entries.get(key).map(|v| Zeroizing::new(v.clone())))
    }

    fn set(&self, key: &str, value: &str) -> VaultResult<()> {
        self.change(|c| {
            if let Some(mut old) = c.entries.insert(key.to_owned(), value.to_owned()) {
                zeroize::Zeroize::zeroize(&mut old);
            }
        })
    }

    fn delete(&self, key: &str) -> VaultResult<()> {
        if self.get(key)?.is_none() {
            return Ok(());
        }
        self.change(|c| {
            if let Some(mut old) = c.entries.remove(key) {
                zeroize::Zeroize::zeroize(&mut old);
            }
        })
    }
}

#[cfg(test)]
mod tests;
