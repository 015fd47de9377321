//! The account service's settings, `accounts.json`: the non-secret facts (account list, online
//! IDs, deadlines, the active account, reminders sent, one-time hints), kept apart from the
//! keychain so status shows without unlocking it. The folder also holds the write lock
//! ([`super::lock`]).
//!
//! Written atomically (a temporary file in the same folder, flushed, then renamed over the old
//! one) with owner-only permissions. Callers that read, modify and write hold the write lock,
//! so two processes never interleave an update.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, RefreshFailure, Result};
use crate::fsutil::{create_private_dir, private_file};
use crate::model::AccountMeta;
use crate::namespace::Namespace;
use crate::reminders::SentReminder;

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsData {
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
    /// Refreshes that just failed for a temporary reason, or whose refresh token Sony rejected:
    /// until `until`, no process asks Sony again for that set (see [`RefreshFailure`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paused: Vec<RefreshPause>,
}

/// A pause in refreshing one account's set after a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshPause {
    pub account_id: String,
    /// The set whose refresh failed (a new sign-in ends the pause).
    pub obtained_at: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub failure: RefreshFailure,
}

impl SettingsData {
    /// The pause in force now for `account_id`'s set obtained at `obtained_at`, if any.
    pub fn pause(
        &self,
        account_id: &str,
        obtained_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<&RefreshPause> {
        self.paused
            .iter()
            .find(|p| p.account_id == account_id && p.obtained_at == obtained_at && now < p.until)
    }

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
        self.paused.retain(|p| p.account_id != account_id);
        if self.active.as_deref() == Some(account_id) {
            self.active = self.accounts.first().map(|a| a.account_id.clone());
        }
    }
}

#[derive(Debug)]
enum Place {
    Disk(PathBuf),
    Memory(Mutex<SettingsData>),
}

/// `accounts.json`, on disk or (session only) in memory.
#[derive(Debug)]
pub struct Settings {
    place: Place,
}

impl Settings {
    /// The settings folder of `namespace` (see [`Namespace::config_dir`]).
    pub fn open(namespace: &Namespace) -> Result<Self> {
        let dir = namespace.config_dir().ok_or_else(|| Error::Settings {
            path: "(config directory)".into(),
            reason: "this system has no per-user config directory (is HOME set?)".into(),
        })?;
        Ok(Self::on_disk(&dir))
    }

    /// `dir/accounts.json`; the folder is created (owner-only) on first write.
    pub fn on_disk(dir: &Path) -> Self {
        Self {
            place: Place::Disk(dir.to_owned()),
        }
    }

    pub fn in_memory() -> Self {
        Self {
            place: Place::Memory(Mutex::new(SettingsData::default())),
        }
    }

    /// The settings folder, when on disk.
    pub fn dir(&self) -> Option<&Path> {
        match &self.place {
            Place::Disk(dir) => Some(dir),
            Place::Memory(_) => None,
        }
    }

    /// Where the write lock lives (`None` in memory).
    pub fn lock_path(&self) -> Option<PathBuf> {
        self.dir().map(|d| d.join("refresh.lock"))
    }

    pub fn read(&self) -> Result<SettingsData> {
        match self.read_checked()? {
            Checked::Data(data) => Ok(data),
            Checked::Damaged { reason, .. } => {
                let path = self
                    .dir()
                    .map(|d| d.join(SETTINGS_FILE))
                    .unwrap_or_default();
                Err(settings_error(&path, format!("it is damaged ({reason})")))
            }
        }
    }

    /// Reads `accounts.json` without trusting it: a file that is not a regular one (a FIFO, a
    /// link to a device), larger than [`MAX_SETTINGS_BYTES`], or not valid is *damaged*, and its
    /// bytes (up to the cap, for salvaging ids) come back instead of an error. Never blocks on
    /// a FIFO, never reads past the cap.
    pub fn read_checked(&self) -> Result<Checked> {
        let dir = match &self.place {
            Place::Memory(data) => return Ok(Checked::Data(data.lock().unwrap().clone())),
            Place::Disk(dir) => dir,
        };
        let path = dir.join(SETTINGS_FILE);
        let meta = match retry_if_busy(|| std::fs::metadata(&path)) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Checked::Data(SettingsData::default()))
            }
            Err(e) => return Err(settings_error(&path, e.to_string())),
        };
        let damaged = |reason: &str, bytes: Vec<u8>| {
            Ok(Checked::Damaged {
                reason: reason.to_owned(),
                bytes,
            })
        };
        if !meta.is_file() {
            return damaged("it is not a regular file", Vec::new());
        }
        if meta.len() > MAX_SETTINGS_BYTES {
            return damaged("it is larger than 1 MiB", Vec::new());
        }
        let Some(bytes) = retry_if_busy(|| read_capped(&path))
            .map_err(|e| settings_error(&path, e.to_string()))?
        else {
            return damaged("it is not a regular file", Vec::new());
        };
        if bytes.len() as u64 > MAX_SETTINGS_BYTES {
            return damaged("it is larger than 1 MiB", Vec::new());
        }
        match serde_json::from_slice(&bytes) {
            Ok(data) => Ok(Checked::Data(data)),
            Err(_) => damaged("it is not valid JSON", bytes),
        }
    }

    /// Moves a damaged `accounts.json` aside as `accounts.json.damaged-<unix time>` (a link or a
    /// FIFO is moved, not followed), so it is kept for the user and never overwritten; the path.
    pub fn set_aside(&self) -> Result<Option<PathBuf>> {
        let Some(dir) = self.dir() else {
            return Ok(None);
        };
        let path = dir.join(SETTINGS_FILE);
        let aside = dir.join(format!(
            "{SETTINGS_FILE}.damaged-{}",
            chrono::Utc::now().timestamp()
        ));
        std::fs::rename(&path, &aside).map_err(|e| settings_error(&path, e.to_string()))?;
        Ok(Some(aside))
    }

    /// Read, change, write back atomically.
    pub fn update<T>(&self, change: impl FnOnce(&mut SettingsData) -> T) -> Result<T> {
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

/// The name of the settings file in its folder.
pub const SETTINGS_FILE: &str = "accounts.json";

/// The most `accounts.json` may hold: a few accounts take a few KiB.
pub const MAX_SETTINGS_BYTES: u64 = 1 << 20;

/// What [`Settings::read_checked`] found.
#[derive(Debug)]
pub enum Checked {
    Data(SettingsData),
    /// Not usable: why, and its bytes when it was a regular file within the cap.
    Damaged {
        reason: String,
        bytes: Vec<u8>,
    },
}

/// Reads at most one byte past the cap, without blocking if the path became a FIFO meanwhile
/// (`None`: it is not a regular file).
fn read_capped(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    file.take(MAX_SETTINGS_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

fn write_atomically(dir: &Path, data: &SettingsData) -> Result<()> {
    let path = dir.join(SETTINGS_FILE);
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

fn settings_error(path: &Path, reason: String) -> Error {
    Error::Settings {
        path: path.display().to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    #[test]
    fn settings_in_memory_keep_nothing_on_disk() {
        let settings = Settings::in_memory();
        assert!(settings.lock_path().is_none());
        assert!(settings.dir().is_none());
    }

    #[test]
    fn metadata_file_is_private_and_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let settings = dir.path().join("psn-auth");
        let meta = Settings::on_disk(&settings);
        assert_eq!(meta.read().unwrap(), SettingsData::default());
        let now = Utc::now();
        meta.update(|d| {
            d.upsert(AccountMeta {
                account_id: "1".into(),
                online_id: Some("Player".into()),
                avatar_url: None,
                added_at: now,
                obtained_at: now,
                access_expires_at: now,
                refresh_expires_at: now,
            });
            d.active = Some("1".into());
        })
        .unwrap();
        let data = meta.read().unwrap();
        assert_eq!(data.active.as_deref(), Some("1"));
        assert_eq!(data.accounts[0].online_id.as_deref(), Some("Player"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&settings.join("accounts.json")), 0o600);
            assert_eq!(mode(&settings), 0o700);
        }
        let names: Vec<_> = std::fs::read_dir(&settings)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["accounts.json"], "no temporary file left");
    }
}
