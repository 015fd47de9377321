//! The account service: the one place the app and the CLI go through to sign in, get a fresh
//! token, refresh, switch and sign out.
//!
//! Refreshes are serialized across processes by an OS file lock (`refresh.lock` beside
//! `accounts.json`) and inside a process by a mutex: when the app and twenty `psn-auth token`
//! calls find the access token stale at once, one refreshes and the others wait, reload, and
//! use its result. Every change to `accounts.json` also happens under that lock.
//!
//! A new account's first save is written ahead: its record goes into `accounts.json`'s
//! `saving` list, then its tokens into the keychain, then the record into the account list.
//! A process killed between two of those writes leaves no tokens that no command can see or
//! remove: the next reader adopts or drops the record ([`Accounts::reconcile`]).

use std::fs::TryLockError;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::client::PsnClient;
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::log::elapsed_ms;
use crate::refresh::{Decision, Pass, RefreshPolicy, RefreshSchedule};
use crate::reminders::{self, Reminder};
use crate::secret::Npsso;
use crate::tokens::TokenSet;
use crate::vault::meta::{create_private_dir, MetaData};
use crate::vault::{AccountMeta, Vault, VaultError, VaultResult};

/// How long a caller waits for another process's refresh before giving up: longer than a
/// legitimate refresh can take (the HTTP timeout, a keychain unlock prompt and a few keychain
/// calls).
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(120);

/// An account as the UI and `psn-auth status` show it. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub account_id: String,
    /// Online ID, else the account id, else "PSN account": the one name every front end shows.
    pub label: String,
    pub online_id: Option<String>,
    pub avatar_url: Option<String>,
    pub active: bool,
    pub obtained_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

impl AccountSummary {
    fn new(meta: &AccountMeta, active: Option<&str>) -> Self {
        let label = meta
            .online_id
            .clone()
            .or_else(|| (!is_unidentified(&meta.account_id)).then(|| meta.account_id.clone()))
            .unwrap_or_else(|| "PSN account".to_owned());
        Self {
            account_id: meta.account_id.clone(),
            label,
            online_id: meta.online_id.clone(),
            avatar_url: meta.avatar_url.clone(),
            active: active == Some(meta.account_id.as_str()),
            obtained_at: meta.obtained_at,
            access_expires_at: meta.access_expires_at,
            refresh_expires_at: meta.refresh_expires_at,
        }
    }
}

/// What the dashboard shows: every account, and the active one with its tokens masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub accounts: Vec<AccountSummary>,
    pub active: Option<ActiveAccount>,
}

impl Overview {
    fn new(data: &MetaData, active: Option<ActiveAccount>) -> Self {
        let current = data.active.as_deref();
        Self {
            accounts: data
                .accounts
                .iter()
                .map(|m| AccountSummary::new(m, current))
                .collect(),
            active,
        }
    }
}

/// A sign-in's answer: the account that signed in, and the dashboard as it now is (built from
/// what was just written, not read back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub account: AccountSummary,
    pub overview: Overview,
}

/// The active account with a few characters of each token, never more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveAccount {
    pub account: AccountSummary,
    pub access_masked: String,
    pub refresh_masked: String,
}

/// Accounts whose id Sony did not tell us get a local key with this prefix.
const UNIDENTIFIED: &str = "unidentified-";

fn is_unidentified(id: &str) -> bool {
    id.starts_with(UNIDENTIFIED)
}

/// Sign-in, tokens and accounts over one client and one vault. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Accounts {
    client: PsnClient,
    vault: Vault,
    local_lock: Arc<tokio::sync::Mutex<()>>,
    policy: RefreshPolicy,
}

struct RefreshGuard {
    _file: Option<std::fs::File>,
    _local: tokio::sync::OwnedMutexGuard<()>,
}

impl Accounts {
    pub fn new(client: PsnClient, vault: Vault) -> Self {
        Self {
            client,
            vault,
            local_lock: Arc::new(tokio::sync::Mutex::new(())),
            policy: RefreshPolicy::default(),
        }
    }

    pub fn client(&self) -> &PsnClient {
        &self.client
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// NPSSO to stored tokens: exchange, learn who signed in (best effort), save, make active.
    pub async fn sign_in(&self, npsso: &Npsso) -> Result<SignedIn> {
        let tokens = self.client.sign_in(npsso).await?;
        let account_id = match self.client.account_id(&tokens.access_token).await {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(kind = %e.kind(), "could not learn the account id");
                format!("{UNIDENTIFIED}{}", short_random())
            }
        };
        let profile = if is_unidentified(&account_id) {
            Default::default()
        } else {
            self.client
                .profile(&tokens.access_token, &account_id)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(kind = %e.kind(), "could not read the profile");
                    Default::default()
                })
        };
        // Accounts kept under a local id because who-am-I failed earlier: now that Sony
        // answers, learn who they are, so a second sign-in of the same person merges.
        let identified = if is_unidentified(&account_id) {
            Vec::new()
        } else {
            self.identify_pending().await
        };
        let _guard = self.lock().await?;
        let id = account_id.clone();
        let set = tokens.clone();
        let started = Instant::now();
        let data = self
            .blocking(move |vault| {
                for (local, real, pending) in &identified {
                    let known = *real == id || vault.meta().read()?.get(real).is_some();
                    if !known {
                        vault.save(real, pending)?;
                    }
                    vault.meta().update(|data| {
                        if let Some(mut meta) = data.get(local).cloned() {
                            if !known {
                                meta.account_id = real.clone();
                                data.upsert(meta);
                            }
                            data.remove(local);
                        }
                    })?;
                    vault.delete(local)?;
                    tracing::info!(local = %local, account = %real, merged = known, "identified an account");
                }
                let previous = vault.meta().read()?.get(&id).cloned();
                let record = AccountMeta {
                    account_id: id.clone(),
                    online_id: profile
                        .online_id
                        .or(previous.as_ref().and_then(|p| p.online_id.clone())),
                    avatar_url: profile
                        .avatar_url
                        .or(previous.as_ref().and_then(|p| p.avatar_url.clone())),
                    added_at: set.obtained_at,
                    obtained_at: set.obtained_at,
                    access_expires_at: set.access_expires_at,
                    refresh_expires_at: set.refresh_expires_at,
                };
                if previous.is_none() {
                    let ahead = record.clone();
                    vault.meta().update(|data| data.saving.push(ahead))?;
                    crash_point("sign-in-before-keychain");
                }
                if let Err(e) = vault.save(&id, &set) {
                    // A save that timed out may still land: then the record is adopted later.
                    if !matches!(e, VaultError::TimedOut { .. }) {
                        vault.meta().update(|data| data.saving.retain(|r| r.account_id != id))?;
                    }
                    return Err(e);
                }
                crash_point("sign-in-after-keychain");
                vault.meta().update(|data| {
                    data.saving.retain(|r| r.account_id != id);
                    data.upsert(record);
                    data.active = Some(id.clone());
                    data.clone()
                })
            })
            .await?;
        tracing::debug!(elapsed_ms = elapsed_ms(started), "sign-in saved");
        let overview = Overview::new(
            &data,
            Some(ActiveAccount {
                account: AccountSummary::new(
                    data.get(&account_id).expect("just upserted"),
                    Some(&account_id),
                ),
                access_masked: tokens.access_token.masked(),
                refresh_masked: tokens.refresh_token.masked(),
            }),
        );
        let account = overview
            .active
            .as_ref()
            .map(|a| a.account.clone())
            .expect("just made active");
        Ok(SignedIn { account, overview })
    }

    /// For each account kept under a local id: who it is, asked of Sony with its (refreshed if
    /// need be) access token. Best effort: what still cannot be learned stays as it is.
    async fn identify_pending(&self) -> Vec<(String, String, TokenSet)> {
        let Ok(data) = self.read_meta().await else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for meta in data
            .accounts
            .iter()
            .filter(|m| is_unidentified(&m.account_id))
        {
            let Ok(set) = self.load(&meta.account_id).await else {
                continue;
            };
            let set = if self.is_due(&set, Utc::now()) {
                match self.client.refresh(&set).await {
                    Ok(next) => next,
                    Err(_) => continue,
                }
            } else {
                set
            };
            if let Ok(real) = self.client.account_id(&set.access_token).await {
                found.push((meta.account_id.clone(), real, set));
            }
        }
        found
    }

    /// Every account on this computer, from the settings file alone (no keychain access).
    pub async fn list(&self) -> Result<Vec<AccountSummary>> {
        let data = self.read_meta().await?;
        let active = data.active.as_deref();
        Ok(data
            .accounts
            .iter()
            .map(|m| AccountSummary::new(m, active))
            .collect())
    }

    /// Every account, plus masked tokens of the active one (read from the keychain).
    pub async fn overview(&self) -> Result<Overview> {
        let data = self.read_meta().await?;
        let Some(meta) = data.active.as_deref().and_then(|id| data.get(id)) else {
            return Ok(Overview::new(&data, None));
        };
        let set = self.load(&meta.account_id).await?;
        let active = ActiveAccount {
            account: AccountSummary::new(meta, data.active.as_deref()),
            access_masked: set.access_token.masked(),
            refresh_masked: set.refresh_token.masked(),
        };
        Ok(Overview::new(&data, Some(active)))
    }

    /// One account's summary.
    pub async fn summary(&self, account_id: &str) -> Result<AccountSummary> {
        let data = self.read_meta().await?;
        data.get(account_id)
            .map(|m| AccountSummary::new(m, data.active.as_deref()))
            .ok_or_else(|| Error::UnknownAccount(account_id.to_owned()))
    }

    /// The account id `query` names (an account id or an online ID, any case), or the active
    /// account when `query` is `None`.
    pub async fn resolve(&self, query: Option<&str>) -> Result<String> {
        let data = self.read_meta().await?;
        resolve_in(&data, query)
    }

    /// The stored set, as is.
    pub async fn tokens(&self, account: Option<&str>) -> Result<(String, TokenSet)> {
        let id = self.resolve(account).await?;
        let set = self.load(&id).await?;
        Ok((id, set))
    }

    /// The keychain's set for an account id already resolved.
    async fn load(&self, id: &str) -> Result<TokenSet> {
        let key = id.to_owned();
        self.blocking(move |vault| vault.load(&key))
            .await?
            .ok_or_else(|| Error::UnknownAccount(id.to_owned()))
    }

    /// A set whose access token is not yet due for a refresh by the [`RefreshPolicy`],
    /// refreshing first (once, across every process) when it is.
    pub async fn fresh_tokens(&self, account: Option<&str>) -> Result<(String, TokenSet)> {
        let (id, set) = self.tokens(account).await?;
        if !self.is_due(&set, Utc::now()) {
            tracing::debug!(account = %id, "access token not due for a refresh");
            return Ok((id, set));
        }
        tracing::info!(account = %id, "access token due: refreshing");
        let set = self.refresh_locked(&id, true, Utc::now()).await?;
        Ok((id, set))
    }

    fn is_due(&self, set: &TokenSet, now: DateTime<Utc>) -> bool {
        self.policy
            .is_due(set.obtained_at, set.access_expires_at, now)
    }

    /// Refreshes now, even if the access token is still valid. If another caller refreshed
    /// while this one waited for the lock, its result is used instead of a second request.
    pub async fn refresh_now(&self, account: Option<&str>) -> Result<AccountSummary> {
        let id = self.resolve(account).await?;
        tracing::info!(account = %id, "refresh asked for");
        self.refresh_locked(&id, false, Utc::now()).await?;
        self.summary(&id).await
    }

    /// Refreshes under the lock. `only_if_due`: skip when the set loaded under the lock is not
    /// due (another caller refreshed meanwhile); else skip when it is newer than `asked_at`.
    async fn refresh_locked(
        &self,
        id: &str,
        only_if_due: bool,
        asked_at: DateTime<Utc>,
    ) -> Result<TokenSet> {
        let _guard = self.lock().await?;
        let current = self.load(id).await?;
        let now = Utc::now();
        let done_by_other = if only_if_due {
            !self.is_due(&current, now)
        } else {
            current.obtained_at > asked_at
        };
        if done_by_other {
            tracing::debug!(account = %id, "another caller refreshed meanwhile; using its set");
            return Ok(current);
        }
        if current.refresh_expired(now) {
            // The local clock may be wrong: ask Sony once, which says so if it has run out.
            tracing::info!(account = %id, "refresh token expired by the local clock; asking Sony");
        }
        let next = self.client.refresh(&current).await?;
        tracing::info!(account = %id, access_expires_at = %next.access_expires_at, "refreshed");
        let key = id.to_owned();
        let set = next.clone();
        self.blocking(move |vault| {
            vault.save(&key, &set)?;
            vault.meta().update(|data| {
                if let Some(meta) = data.accounts.iter_mut().find(|a| a.account_id == key) {
                    meta.obtained_at = set.obtained_at;
                    meta.access_expires_at = set.access_expires_at;
                    meta.refresh_expires_at = set.refresh_expires_at;
                }
            })
        })
        .await?;
        Ok(next)
    }

    /// Makes `account` the active one.
    pub async fn set_active(&self, account: &str) -> Result<AccountSummary> {
        let id = self.resolve(Some(account)).await?;
        {
            let _guard = self.lock().await?;
            let key = id.clone();
            self.blocking(move |vault| vault.meta().update(|d| d.active = Some(key)))
                .await?;
        }
        self.summary(&id).await
    }

    /// Removes the account's tokens from this computer. Sony offers no way to revoke them, so
    /// copies elsewhere stay valid until they expire.
    pub async fn sign_out(&self, account: Option<&str>) -> Result<String> {
        let id = self.resolve(account).await?;
        let _guard = self.lock().await?;
        let key = id.clone();
        self.blocking(move |vault| {
            vault.delete(&key)?;
            vault.meta().update(|d| d.remove(&key))
        })
        .await?;
        Ok(id)
    }

    /// One pass of a background refresher (the window's or the watcher's) over every account:
    /// refreshes those `schedule` says are due, records each outcome in it, and says when to
    /// look again. Refreshes go through the cross-process lock like every other, so two
    /// refreshers (or a `psn-auth token`) never refresh one account twice.
    pub async fn background_pass(
        &self,
        schedule: &std::sync::Mutex<RefreshSchedule>,
    ) -> Result<Pass> {
        let mut list = self.list().await?;
        schedule.lock().unwrap().retain(&list);
        let mut pass = Pass::default();
        for account in &list {
            let id = &account.account_id;
            let decision = schedule.lock().unwrap().decide(account, Utc::now());
            if decision != Decision::Refresh {
                tracing::trace!(account = %id, ?decision, "refresh decision");
                continue;
            }
            tracing::info!(account = %id, "background refresh");
            let result = self.fresh_tokens(Some(id)).await;
            let now = Utc::now();
            match result {
                Ok(_) => {
                    schedule.lock().unwrap().succeeded(id, now);
                    pass.refreshed.push(id.clone());
                }
                Err(e) => {
                    let after = schedule.lock().unwrap().failed(account, &e, now);
                    tracing::warn!(account = %id, kind = %e.kind(), ?after, "background refresh failed");
                    pass.failed.push((id.clone(), e, after));
                }
            }
        }
        if !pass.refreshed.is_empty() || !pass.failed.is_empty() {
            // New deadlines, or a stop: the next wake is computed from the file as it now is.
            list = self.list().await?;
        }
        pass.next_wake = schedule.lock().unwrap().next_wake(&list, Utc::now());
        Ok(pass)
    }

    /// The expiry reminders due at `now` that were not sent yet (see [`reminders`]).
    pub async fn reminders_due(&self, now: DateTime<Utc>) -> Result<Vec<Reminder>> {
        let data = self.read_meta().await?;
        let accounts = self.list().await?;
        Ok(reminders::due(&accounts, &data.reminded, now))
    }

    /// The reminder for a background refresh of `account_id` that failed with `kind`, unless
    /// only time fixes it or it was sent for this set already.
    pub async fn failure_reminder(
        &self,
        account_id: &str,
        kind: ErrorKind,
        now: DateTime<Utc>,
    ) -> Result<Option<Reminder>> {
        let data = self.read_meta().await?;
        let account = self.summary(account_id).await?;
        Ok(reminders::for_failure(&account, kind, &data.reminded, now))
    }

    /// Remembers that `reminder` was sent, and forgets records of sets that are gone.
    pub async fn mark_reminded(&self, reminder: &Reminder) -> Result<()> {
        let sent = reminder.sent();
        let _guard = self.lock().await?;
        self.blocking(move |vault| {
            vault.meta().update(|d| {
                let accounts: Vec<_> = d
                    .accounts
                    .iter()
                    .map(|m| AccountSummary::new(m, None))
                    .collect();
                reminders::prune(&mut d.reminded, &accounts);
                if !d.reminded.contains(&sent) {
                    d.reminded.push(sent);
                }
            })
        })
        .await?;
        Ok(())
    }

    /// True the first time it is called with `hint` on this computer (per namespace), false
    /// after: for notices a front end shows once.
    pub async fn first_time(&self, hint: &str) -> Result<bool> {
        let hint = hint.to_owned();
        let _guard = self.lock().await?;
        let first = self
            .blocking(move |vault| {
                vault.meta().update(|d| {
                    let first = !d.hints.contains(&hint);
                    if first {
                        d.hints.push(hint);
                    }
                    first
                })
            })
            .await?;
        Ok(first)
    }

    /// `accounts.json`, after [`reconcile`](Self::reconcile) when a save was cut short.
    async fn read_meta(&self) -> Result<MetaData> {
        let data = self.blocking(|vault| vault.meta().read()).await?;
        if data.saving.is_empty() {
            return Ok(data);
        }
        self.reconcile().await
    }

    /// Settles the records of first saves that never finished (the process was killed, or the
    /// keychain write timed out): an account whose set the keychain has is adopted, as the
    /// sign-in would have left it (listed and active); one whose set it has not is dropped.
    /// Under the lock, so a sign-in still under way in another process is never touched. If
    /// the keychain cannot be read now, the records wait for a later reader.
    pub async fn reconcile(&self) -> Result<MetaData> {
        let _guard = self.lock().await?;
        self.blocking(|vault| {
            let data = vault.meta().read()?;
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
            vault.meta().update(|data| {
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

    /// Runs a vault call off the async workers: a keychain call may take up to its timeout.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Vault) -> VaultResult<T> + Send + 'static,
    ) -> Result<T> {
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || f(&vault))
            .await
            .expect("vault task panicked")
            .map_err(Error::from)
    }

    async fn lock(&self) -> Result<RefreshGuard> {
        let local = tokio::time::timeout(LOCK_TIMEOUT, self.local_lock.clone().lock_owned())
            .await
            .map_err(|_| Error::LockTimeout(LOCK_TIMEOUT.as_secs()))?;
        let Some(path) = self.vault.lock_path() else {
            return Ok(RefreshGuard {
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
                    return Ok(RefreshGuard {
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

fn resolve_in(data: &MetaData, query: Option<&str>) -> Result<String> {
    match query {
        None => data.active.clone().ok_or(Error::NoAccount),
        Some(q) => data
            .accounts
            .iter()
            .find(|a| a.account_id == q)
            .or_else(|| {
                data.accounts.iter().find(|a| {
                    a.online_id
                        .as_deref()
                        .is_some_and(|o| o.eq_ignore_ascii_case(q))
                })
            })
            .map(|a| a.account_id.clone())
            .ok_or_else(|| Error::UnknownAccount(q.to_owned())),
    }
}

/// Where a test can stop this process as a crash would: with `PSN_AUTH_CRASH_AT=<name>` set,
/// the process aborts at the point of that name (tests of what a crash between two writes
/// leaves behind). Never set in normal use; nothing else reads it.
fn crash_point(name: &str) {
    if std::env::var_os("PSN_AUTH_CRASH_AT").is_some_and(|at| at == name) {
        eprintln!("psn-auth: stopped at {name} (PSN_AUTH_CRASH_AT)");
        std::process::abort();
    }
}

fn short_random() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("OS random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
