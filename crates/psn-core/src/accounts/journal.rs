//! First saves written ahead. A new account's record goes into `accounts.json`'s `saving` list,
//! then its tokens into the keychain, then the record into the account list. A process killed
//! between two of those writes leaves no tokens that no command can see or remove: the next
//! reader adopts or drops the record ([`Accounts::reconcile`]).
//!
//! A damaged `accounts.json` (not valid, not a regular file, over the size cap) is moved aside,
//! never overwritten, and the accounts it named are recovered from the keychain where their sets
//! are still there ([`Accounts::recover_settings`]).

use super::service::Accounts;
use super::settings::{Checked, SettingsData};
use crate::error::Result;
use crate::model::AccountMeta;
use crate::vault::VaultError;

impl Accounts {
    /// Recovers from a damaged `accounts.json`, under the write lock: moves it aside (kept for
    /// the user, never overwritten), and writes a new one listing every account whose id can be
    /// read from the damaged bytes and whose set the keychain still has (its deadlines from the
    /// set; its online ID comes back at the next sign-in). The rest need a new sign-in.
    pub(super) async fn recover_settings(&self) -> Result<SettingsData> {
        let _lock = self.write_lock().await?;
        self.storage(|vault, settings| {
            let (reason, bytes) = match settings.read_checked()? {
                // Another process recovered it while this one waited.
                Checked::Data(data) => return Ok(data),
                Checked::Damaged { reason, bytes } => (reason, bytes),
            };
            let aside = settings.set_aside()?;
            let mut data = SettingsData::default();
            for id in salvage_ids(&bytes) {
                match vault.load(&id) {
                    Ok(Some(set)) => data.upsert(AccountMeta {
                        account_id: id,
                        online_id: None,
                        avatar_url: None,
                        added_at: set.obtained_at,
                        obtained_at: set.obtained_at,
                        access_expires_at: set.access_expires_at,
                        refresh_expires_at: set.refresh_expires_at,
                    }),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(kind = %e.kind(), "an account could not be recovered from the keychain"),
                }
            }
            data.active = data.accounts.first().map(|a| a.account_id.clone());
            tracing::warn!(
                reason,
                kept_as = ?aside,
                recovered = data.accounts.len(),
                "accounts.json was damaged: kept aside, accounts recovered from the keychain"
            );
            settings.update(|d| *d = data.clone())?;
            Ok(data)
        })
        .await
    }

    /// Settles the records of first saves that never finished (the process was killed, or the
    /// keychain write timed out): an account whose set the keychain has is adopted, as the
    /// sign-in would have left it (listed and active); one whose set it has not is dropped.
    /// Under the lock, so a sign-in still under way in another process is never touched. If
    /// the keychain cannot be read now, the records wait for a later reader.
    pub async fn reconcile(&self) -> Result<SettingsData> {
        let _lock = self.write_lock().await?;
        self.storage(|vault, settings| {
            let data = settings.read()?;
            let mut found = Vec::new();
            for record in &data.saving {
                match vault.load(&record.account_id) {
                    Ok(set) => found.push((record.account_id.clone(), set)),
                    Err(VaultError::Corrupt { .. }) => {
                        vault.delete(&record.account_id)?;
                        found.push((record.account_id.clone(), None));
                    }
                    Err(e) => {
                        tracing::info!(kind = %e.kind(), "an unfinished save waits: the keychain cannot be read now");
                        return Ok(data);
                    }
                }
            }
            settings.update(|data| {
                for (id, set) in found {
                    let Some(i) = data.saving.iter().position(|r| r.account_id == id) else {
                        continue;
                    };
                    let mut record = data.saving.remove(i);
                    match set {
                        Some(set) if data.get(&id).is_none() => {
                            record.obtained_at = set.obtained_at;
                            record.access_expires_at = set.access_expires_at;
                            record.refresh_expires_at = set.refresh_expires_at;
                            data.upsert(record);
                            data.active = Some(id.clone());
                            tracing::info!(account = %id, "adopted the tokens of a sign-in cut short");
                        }
                        Some(_) => {}
                        None => tracing::info!(account = %id, "dropped a sign-in cut short before its tokens were saved"),
                    }
                }
                data.clone()
            })
        })
        .await
    }
}

/// Where a test can stop this process as a crash would: with `PSN_AUTH_CRASH_AT=<name>` set,
/// the process aborts at the point of that name (tests of what a crash between two writes
/// leaves behind). Only in debug builds, which the tests run: a release build has no such
/// point (an abort there could leave a core dump holding fresh tokens), and the package test
/// checks that its binaries do not even hold the variable's name.
pub(super) fn crash_point(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var_os("PSN_AUTH_CRASH_AT").is_some_and(|at| at == name) {
        eprintln!("psn-auth: stopped at {name} (PSN_AUTH_CRASH_AT)");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

/// The account ids a damaged `accounts.json` still shows (`"account_id": "…"`), at most 64, each
/// of the characters an id has.
fn salvage_ids(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut ids: Vec<String> = Vec::new();
    for part in text.split("\"account_id\"").skip(1) {
        let value = part
            .trim_start()
            .strip_prefix(':')
            .map(str::trim_start)
            .and_then(|v| v.strip_prefix('"'))
            .and_then(|v| v.split('"').next());
        if let Some(id) = value.filter(|id| crate::model::is_account_id(id)) {
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
        if ids.len() >= 64 {
            break;
        }
    }
    ids
}
