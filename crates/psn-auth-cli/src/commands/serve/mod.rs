//! `psn-auth serve`: token files that other programs read (bots, Home Assistant, containers),
//! kept fresh by the background refresher the app runs too (`psn_core::refresher`).
//!
//! In DIR, for each account served: `<account id>/access_token` (the token alone) and
//! `<account id>/token.json` (`token --json`'s shape), and the same two at the top for the
//! active account. Each file is written beside its target and renamed over it, so a reader never
//! sees a partial or empty file. Through a temporary failure (Sony down, rate limited, offline)
//! the current token stays served while at least a minute of it is left, the rule every hand-out
//! follows. When only the user can fix a refresh, or under that minute, `<account id>/error.json`
//! says why and the token files go. One serve per folder (a lock file).

mod files;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use psn_core::refresh::AfterFailure;
use psn_core::refresher::Refresher;
use psn_core::{AccountSummary, Accounts, Error, TokenSet};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::commands::tokens::TokenJson;
use crate::exit::{Exit, Failure};
use crate::present::{handed_out, rfc3339};
use psn_core::time::to_chrono;

const ACCESS_TOKEN: &str = "access_token";
const TOKEN_JSON: &str = "token.json";
/// Token files go this long before the token expires: a reader that opens them as the sweep
/// wakes must not get a token already expired (the soak saw one read 30 ms late).
const EXPIRY_MARGIN: std::time::Duration = std::time::Duration::from_secs(2);
const ERROR_JSON: &str = "error.json";

pub struct Options {
    pub dir: Option<PathBuf>,
    pub account: Option<String>,
    pub group: Option<String>,
    pub on_change: Option<String>,
    pub once: bool,
    pub keep: bool,
}

pub async fn run(accounts: &Accounts, options: Options) -> Result<Exit, Failure> {
    let dir = match options.dir.clone() {
        Some(dir) => dir,
        None => std::env::var_os("XDG_RUNTIME_DIR")
            .filter(|d| !d.is_empty())
            .map(|d| PathBuf::from(d).join("psn-auth"))
            .ok_or_else(|| {
                Failure::usage("XDG_RUNTIME_DIR is not set: name the folder with --dir DIR")
            })?,
    };
    let gid = options.group.as_deref().map(files::group_id).transpose()?;
    files::prepare_dir(&dir, gid)?;
    let _lock = files::lock(&dir)?;
    let only = match &options.account {
        Some(query) => Some(accounts.resolve(Some(query)).await?),
        None => None,
    };
    let served = Served {
        accounts,
        dir: dir.clone(),
        gid,
        only,
        on_change: options.on_change,
        written: Mutex::new(HashMap::new()),
        failing: Mutex::new(HashMap::new()),
        failed_reads: Mutex::new(0),
        refresher: Refresher::default(),
    };
    eprintln!("psn-auth: serving tokens in {}", dir.display());
    if options.once {
        for account in served.accounts().await? {
            let (_, set) = handed_out(accounts.fresh_tokens(Some(&account.account_id)).await?);
            served.write(&account, &set)?;
        }
        return Ok(Exit::Ok);
    }
    tokio::select! {
        _ = served.refresher.run(|| served.pass()) => {}
        _ = served.sweep_expired() => {}
        _ = stopped() => {}
    }
    if !options.keep {
        served.remove_all();
    }
    eprintln!("psn-auth: stopped serving tokens");
    Ok(Exit::Ok)
}

struct Served<'a> {
    accounts: &'a Accounts,
    dir: PathBuf,
    gid: Option<u32>,
    only: Option<String>,
    on_change: Option<String>,
    /// The set written for each account.
    written: Mutex<HashMap<String, Written>>,
    /// Accounts whose last refresh failed (and has not succeeded since).
    failing: Mutex<HashMap<String, ErrorJson>>,
    /// Passes in a row whose read of the tokens failed: the re-read backs off as the refresher
    /// does from a keychain (`RefreshPolicy::keychain_backoff`).
    failed_reads: Mutex<u32>,
    refresher: Refresher,
}

/// What was written for an account: which set, until when it is valid, and whether the
/// top-level files mirror it.
#[derive(Debug, Clone, Copy)]
struct Written {
    obtained_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    top: bool,
}

/// `error.json`: why an account's files are gone, and what to do.
#[derive(Debug, Clone, Serialize)]
struct ErrorJson {
    kind: &'static str,
    remedy: &'static str,
    message: String,
}

impl From<&Error> for ErrorJson {
    fn from(error: &Error) -> Self {
        Self {
            kind: error.kind().as_str(),
            remedy: error.remedy().as_str(),
            message: error.to_string(),
        }
    }
}

impl Served<'_> {
    /// The accounts served: every one, or the one `--account` named.
    async fn accounts(&self) -> Result<Vec<AccountSummary>, Error> {
        let mut list = self.accounts.list().await?;
        if let Some(only) = &self.only {
            list.retain(|a| &a.account_id == only);
        }
        Ok(list)
    }

    /// Refreshes what is due, writes what changed, removes what fell under its floor; when to
    /// look again.
    async fn pass(&self) -> Option<DateTime<Utc>> {
        let pass = match self.refresher.pass(self.accounts).await {
            Ok(pass) => pass,
            Err(e) => {
                // The keychain or the settings cannot be read: nothing can be refreshed or
                // re-read (what was written still goes when it expires: `sweep_expired`).
                tracing::warn!(kind = %e.kind(), "no refresh pass");
                return None;
            }
        };
        {
            let mut failing = self.failing.lock().unwrap();
            for id in &pass.refreshed {
                failing.remove(id);
            }
            for (id, error, _) in &pass.failed {
                failing.insert(id.clone(), ErrorJson::from(error));
            }
        }
        for (account_id, error, after) in &pass.failed {
            let served = self.only.as_ref().is_none_or(|only| only == account_id);
            if *after == AfterFailure::Stopped && served {
                self.write_error(account_id, &ErrorJson::from(error));
            } else if served {
                tracing::warn!(
                    account = %account_id,
                    kind = %error.kind(),
                    "refresh failed for a temporary reason: serving the current token while its \
                     floor is left"
                );
            }
        }
        let now = Utc::now();
        let mut wake = pass.next_wake;
        let mut read_failed = false;
        for account in self.accounts().await.unwrap_or_default() {
            let id = &account.account_id;
            let failing = self.failing.lock().unwrap().get(id).cloned();
            // A token is served until EXPIRY_MARGIN before it expires (the sweep's rule) or, once
            // its refresh is failing, until under its floor is left: the rule every hand-out
            // follows (`RefreshPolicy::floor`).
            let until = |set: &TokenSet| {
                let floor = self
                    .accounts
                    .policy()
                    .floor(set.obtained_at, set.access_expires_at);
                match failing {
                    Some(_) => set.access_expires_at - to_chrono(floor),
                    None => set.access_expires_at - to_chrono(EXPIRY_MARGIN),
                }
            };
            match self.accounts.tokens(Some(id)).await {
                Ok((_, set)) if until(&set) <= now => {
                    // Under the floor after a temporary failure: that failure reaches the
                    // readers, as it does `psn-auth token`'s callers.
                    if let Some(why) = &failing {
                        if self.written.lock().unwrap().contains_key(id) {
                            self.write_error(id, why);
                        }
                    }
                    self.remove_account(&account)
                }
                Ok((_, set)) => {
                    // When the files must go, if no refresh replaces them first (a failing
                    // refresh is retried meanwhile; the pass runs again then).
                    let expiry = until(&set);
                    wake = Some(wake.map_or(expiry, |w| w.min(expiry)));
                    if let Err(e) = self.write(&account, &set) {
                        tracing::warn!("the token files could not be written: {e}");
                    }
                }
                Err(e) => {
                    tracing::warn!(kind = %e.kind(), "the tokens could not be read");
                    read_failed = true;
                }
            }
        }
        // A keychain restarted under serve (or a vault being replaced): read again soon, not at
        // the next due time, so readers get a set another process stored meanwhile within
        // seconds; backing off while it stays unreadable.
        let mut failed_reads = self.failed_reads.lock().unwrap();
        *failed_reads = if read_failed { *failed_reads + 1 } else { 0 };
        if read_failed {
            let again = now + to_chrono(self.accounts.policy().keychain_backoff(*failed_reads));
            wake = Some(wake.map_or(again, |w| w.min(again)));
        }
        // Tokens that could not be read back (a keychain gone meanwhile) still expire: the
        // sweep removes them, without waiting for a pass.
        wake
    }

    fn account_dir(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// The top-level files mirror this account: `--account`'s, else the active one.
    fn is_top(&self, account: &AccountSummary) -> bool {
        match &self.only {
            Some(only) => &account.account_id == only,
            None => account.active,
        }
    }

    /// Writes `set`'s files for `account` when it is new, and runs `--on-change`.
    fn write(&self, account: &AccountSummary, set: &TokenSet) -> Result<(), Failure> {
        let id = &account.account_id;
        let fresh =
            self.written.lock().unwrap().get(id).map(|w| w.obtained_at) != Some(set.obtained_at);
        let top = self.is_top(account);
        let top_missing = top && !self.dir.join(ACCESS_TOKEN).exists();
        if !fresh && !top_missing {
            return Ok(());
        }
        let token = Zeroizing::new(format!("{}\n", set.access_token.expose()));
        let json = TokenJson {
            access_token: set.access_token.expose(),
            expires_at: rfc3339(set.access_expires_at),
            account_id: id,
            online_id: account.online_id.as_deref(),
        };
        let mut text =
            Zeroizing::new(serde_json::to_string_pretty(&json).expect("strings serialize"));
        text.push('\n');
        let dir = self.account_dir(id);
        self.make_dir(&dir)?;
        let _ = std::fs::remove_file(dir.join(ERROR_JSON));
        let mut targets = vec![dir];
        if top {
            targets.push(self.dir.clone());
        }
        for target in &targets {
            self.replace(&target.join(ACCESS_TOKEN), token.as_bytes())?;
            self.replace(&target.join(TOKEN_JSON), text.as_bytes())?;
        }
        let written = Written {
            obtained_at: set.obtained_at,
            expires_at: set.access_expires_at,
            top,
        };
        self.written.lock().unwrap().insert(id.clone(), written);
        tracing::info!(account = %id, expires_at = %set.access_expires_at, "token files written");
        if fresh {
            self.on_change(account);
        }
        Ok(())
    }

    fn write_error(&self, id: &str, why: &ErrorJson) {
        let mut text = serde_json::to_string_pretty(why).expect("strings serialize");
        text.push('\n');
        let dir = self.account_dir(id);
        let written = self
            .make_dir(&dir)
            .and_then(|()| self.replace(&dir.join(ERROR_JSON), text.as_bytes()));
        match written {
            Ok(()) if why.remedy == psn_core::Remedy::RetryLater.as_str() => {
                tracing::warn!(account = %id, kind = why.kind, "serving paused until a refresh succeeds")
            }
            Ok(()) if why.remedy == psn_core::Remedy::FixKeychain.as_str() => {
                tracing::warn!(account = %id, kind = why.kind, "serving stopped until the keychain or vault is fixed")
            }
            Ok(()) => {
                tracing::warn!(account = %id, kind = why.kind, "serving stopped until a new sign-in")
            }
            Err(e) => tracing::warn!("error.json could not be written: {e}"),
        }
    }

    /// Runs `--on-change` for a new token, off the async workers, never with the token in argv.
    fn on_change(&self, account: &AccountSummary) {
        let Some(command) = self.on_change.clone() else {
            return;
        };
        let file = self.account_dir(&account.account_id).join(ACCESS_TOKEN);
        let id = account.account_id.clone();
        let online_id = account.online_id.clone().unwrap_or_default();
        tokio::task::spawn_blocking(move || {
            let mut shell = if cfg!(windows) {
                let mut c = std::process::Command::new("cmd");
                c.arg("/C");
                c
            } else {
                let mut c = std::process::Command::new("sh");
                c.arg("-c");
                c
            };
            let status = shell
                .arg(&command)
                .env("PSN_ACCESS_TOKEN_FILE", &file)
                .env("PSN_ACCOUNT_ID", &id)
                .env("PSN_ONLINE_ID", &online_id)
                .stdin(std::process::Stdio::null())
                .status();
            match status {
                Ok(s) if s.success() => tracing::info!(account = %id, "--on-change ran"),
                Ok(s) => tracing::warn!(account = %id, status = %s, "--on-change failed"),
                Err(e) => tracing::warn!(account = %id, "--on-change could not run: {e}"),
            }
        });
    }

    fn make_dir(&self, dir: &Path) -> Result<(), Failure> {
        files::make_dir(dir, self.gid)
    }

    fn replace(&self, path: &Path, bytes: &[u8]) -> Result<(), Failure> {
        files::replace(path, bytes, self.gid)
    }

    /// Removes an account's token files (its `error.json` stays: it says why), and the top-level
    /// ones when they mirror this account ([`is_top`](Self::is_top)).
    fn remove_account(&self, account: &AccountSummary) {
        let id = &account.account_id;
        let dir = self.account_dir(id);
        let had = dir.join(ACCESS_TOKEN).exists();
        for name in [ACCESS_TOKEN, TOKEN_JSON] {
            let _ = std::fs::remove_file(dir.join(name));
        }
        if self.written.lock().unwrap().remove(id).is_some() || had {
            if self.is_top(account) {
                for name in [ACCESS_TOKEN, TOKEN_JSON] {
                    let _ = std::fs::remove_file(self.dir.join(name));
                }
            }
            tracing::info!(account = %id, "token expired: its files were removed");
        }
    }

    /// Removes each token's files the moment it expires, whatever the refresh pass is doing: a
    /// pass can wait a minute on a keychain's unlock prompt (gnome-keyring restarted locked), and
    /// a reader must never be handed an expired token meanwhile. Needs nothing but memory.
    async fn sweep_expired(&self) {
        loop {
            let next = self.drop_expired(Utc::now());
            let wait = next
                .and_then(|at| (at - Utc::now()).to_std().ok())
                .unwrap_or(std::time::Duration::from_secs(1))
                .clamp(
                    std::time::Duration::from_millis(100),
                    std::time::Duration::from_secs(1),
                );
            tokio::time::sleep(wait).await;
        }
    }

    /// Removes the files of every token written that is within [`EXPIRY_MARGIN`] of expiring
    /// (when the keychain could not be read to know better), and says when the next one is.
    fn drop_expired(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut written = self.written.lock().unwrap();
        let expired: Vec<(String, Written)> = written
            .iter()
            .filter(|(_, w)| w.expires_at <= now + to_chrono(EXPIRY_MARGIN))
            .map(|(id, w)| (id.clone(), *w))
            .collect();
        for (id, w) in expired {
            written.remove(&id);
            let dir = self.account_dir(&id);
            let mut paths = vec![dir.join(ACCESS_TOKEN), dir.join(TOKEN_JSON)];
            if w.top {
                paths.extend([self.dir.join(ACCESS_TOKEN), self.dir.join(TOKEN_JSON)]);
            }
            for path in paths {
                let _ = std::fs::remove_file(path);
            }
            tracing::warn!(account = %id, "token expired and could not be renewed: its files were removed");
        }
        written
            .values()
            .map(|w| w.expires_at - to_chrono(EXPIRY_MARGIN))
            .min()
    }

    /// On stop: every file this serve wrote, and the folders it leaves empty.
    fn remove_all(&self) {
        let ids: Vec<String> = self.written.lock().unwrap().keys().cloned().collect();
        for id in ids {
            let dir = self.account_dir(&id);
            for name in [ACCESS_TOKEN, TOKEN_JSON, ERROR_JSON] {
                let _ = std::fs::remove_file(dir.join(name));
            }
            let _ = std::fs::remove_dir(&dir);
        }
        for name in [ACCESS_TOKEN, TOKEN_JSON, files::LOCK] {
            let _ = std::fs::remove_file(self.dir.join(name));
        }
    }
}

/// Resolves when SIGTERM or SIGINT (Ctrl+C) arrives.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
