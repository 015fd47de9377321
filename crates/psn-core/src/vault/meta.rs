//! `accounts.json`: the non-secret facts (account list, online IDs, deadlines, the active
//! account), kept beside the keychain so status shows without unlocking it.
//!
//! Written atomically (a temporary file in the same folder, flushed, then renamed over the old
//! one) with owner-only permissions. Callers that read, modify and write hold the refresh lock
//! (see `accounts`), so two processes never interleave an update.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{VaultError, VaultResult};
use crate::reminders::SentReminder;

/// What is known about one account, minus its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMeta {
    pub account_id: String,
    pub online_id: Option<String>,
    pub avatar_url: Option<String>,
    pub added_at: DateTime<Utc>,
    pub obtained_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaData {
    #[serde(default)]
    pub active: Option<String>,
    #[serde(default)]
    pub accounts: Vec<AccountMeta>,
    /// Accounts whose first keychain save is under way, written before that save: a process
    /// killed between the keychain write and the write of `accounts` leaves its record here,
    /// and the next reader adopts it (the keychain has the set) or drops it (it has not). Never
    /// listed: readers see `accounts` only. See `Accounts::reconcile`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saving: Vec<AccountMeta>,
    /// Reminders already sent (see `reminders`), so a restart does not repeat them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminded: Vec<SentReminder>,
    /// One-time hints a front end has shown (by name), such as the app's "still running in the
    /// tray" notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
}

impl MetaData {
    pub fn get(&self, account_id: &str) -> Option<&AccountMeta> {
        self.accounts.iter().find(|a| a.account_id == account_id)
    }

    /// Inserts or replaces by account id, keeping the original `added_at`.
    pub fn upsert(&mut self, mut meta: AccountMeta) {
        match self
            .accounts
            .iter_mut()
            .find(|a| a.account_id == meta.account_id)
        {
            Some(existing) => {
                meta.added_at = existing.added_at;
                *existing = meta;
            }
            None => self.accounts.push(meta),
        }
    }

    /// Removes an account; if it was active, the first remaining one becomes active.
    pub fn remove(&mut self, account_id: &str) {
        self.accounts.retain(|a| a.account_id != account_id);
        if self.active.as_deref() == Some(account_id) {
            self.active = self.accounts.first().map(|a| a.account_id.clone());
        }
    }
}

#[derive(Debug)]
enum Place {
    Disk(PathBuf),
    Memory(Mutex<MetaData>),
}

#[derive(Debug)]
pub struct MetaFile {
    place: Place,
}

impl MetaFile {
    /// `dir/accounts.json`; the folder is created (owner-only) on first write.
    pub fn on_disk(dir: &Path) -> Self {
        Self {
            place: Place::Disk(dir.to_owned()),
        }
    }

    pub fn in_memory() -> Self {
        Self {
            place: Place::Memory(Mutex::new(MetaData::default())),
        }
    }

    /// The settings folder, when on disk.
    pub fn dir(&self) -> Option<&Path> {
        match &self.place {
            Place::Disk(dir) => Some(dir),
            Place::Memory(_) => None,
        }
    }

    pub fn read(&self) -> VaultResult<MetaData> {
        match &self.place {
            Place::Memory(data) => Ok(data.lock().unwrap().clone()),
            Place::Disk(dir) => {
                let path = dir.join("accounts.json");
                match retry_if_busy(|| std::fs::read(&path)) {
                    Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                        settings_error(&path, format!("it is not valid ({e}); delete it to reset"))
                    }),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MetaData::default()),
                    Err(e) => Err(settings_error(&path, e.to_string())),
                }
            }
        }
    }

    /// Read, change, write back atomically.
    pub fn update<T>(&self, change: impl FnOnce(&mut MetaData) -> T) -> VaultResult<T> {
        match &self.place {
            Place::Memory(data) => Ok(change(&mut data.lock().unwrap())),
            Place::Disk(dir) => {
                let mut data = self.read()?;
                let out = change(&mut data);
                write_atomically(dir, &data)?;
                Ok(out)
            }
        }
    }
}

fn write_atomically(dir: &Path, data: &MetaData) -> VaultResult<()> {
    let path = dir.join("accounts.json");
    let fail = |e: std::io::Error| settings_error(&path, e.to_string());
    create_private_dir(dir).map_err(fail)?;
    let tmp = dir.join(format!(".accounts.json.{}.tmp", std::process::id()));
    let json = serde_json::to_vec_pretty(data).expect("metadata serializes");
    let result = (|| {
        let mut file = private_file(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        retry_if_busy(|| std::fs::rename(&tmp, &path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// On Windows a file that another process has open, or that is being replaced, can refuse to
/// be read or replaced for a moment ("Access denied", os error 5; virus scanners and indexers
/// do this too, and Wine does it under load): tried again for up to about a second. Elsewhere,
/// once.
fn retry_if_busy<T>(mut op: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    let mut tries = 0;
    loop {
        match op() {
            Err(e)
                if cfg!(windows)
                    && e.kind() == std::io::ErrorKind::PermissionDenied
                    && tries < 40 =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other,
        }
    }
}

fn settings_error(path: &Path, reason: String) -> VaultError {
    VaultError::Settings {
        path: path.display().to_string(),
        reason,
    }
}

/// Creates `dir` (and parents) readable only by the owner.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Opens (creating or truncating) a file readable only by the owner.
pub(crate) fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
