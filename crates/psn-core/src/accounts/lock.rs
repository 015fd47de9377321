//! The write lock: every change to the keychain's sets or to `accounts.json` happens under it,
//! across processes (an OS file lock on `refresh.lock` in the settings folder) and inside one
//! (a mutex), so a refresh is never made twice and no update is interleaved.

use std::fs::TryLockError;
use std::time::{Duration, Instant};

use super::service::Accounts;
use crate::error::{Error, Result};
use crate::fsutil::create_private_dir;

/// How long a caller waits for another process's refresh before giving up: longer than a
/// legitimate refresh can take (the HTTP timeout, a keychain unlock prompt and a few keychain
/// calls).
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(120);

/// Held while an account's tokens or the settings change; released when dropped.
pub(super) struct WriteLock {
    _file: Option<std::fs::File>,
    _local: tokio::sync::OwnedMutexGuard<()>,
}

impl Accounts {
    /// Waits (up to [`LOCK_TIMEOUT`]) for the write lock.
    pub(super) async fn write_lock(&self) -> Result<WriteLock> {
        let local = tokio::time::timeout(LOCK_TIMEOUT, self.local_lock.clone().lock_owned())
            .await
            .map_err(|_| Error::LockTimeout(LOCK_TIMEOUT.as_secs()))?;
        let Some(path) = self.settings.lock_path() else {
            return Ok(WriteLock {
                _file: None,
                _local: local,
            });
        };
        let settings = |e: std::io::Error| Error::Settings {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            create_private_dir(dir).map_err(settings)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(settings)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(WriteLock {
                        _file: Some(file),
                        _local: local,
                    })
                }
                Err(TryLockError::WouldBlock) if started.elapsed() < LOCK_TIMEOUT => {
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::LockTimeout(LOCK_TIMEOUT.as_secs()))
                }
                Err(TryLockError::Error(e)) => return Err(settings(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientConfig;
    use crate::vault::KEYCHAIN_TIMEOUT;

    /// A waiter must outlast a legitimate refresh by another process: the HTTP request at its
    /// timeout, a keychain unlock prompt (60 s) and a few bounded keychain calls.
    #[test]
    fn lock_waiters_outlast_a_legitimate_refresh() {
        let prompt = Duration::from_secs(60);
        let refresh = ClientConfig::default().timeout + prompt + 4 * KEYCHAIN_TIMEOUT;
        assert!(LOCK_TIMEOUT > refresh, "{LOCK_TIMEOUT:?} <= {refresh:?}");
    }
}
