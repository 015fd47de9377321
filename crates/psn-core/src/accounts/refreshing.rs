//! Tokens fresh by the refresh rule ([`crate::refresh`]): what `psn-auth token`, every Copy
//! and the background refreshers (the window's and the watcher's) call.

use chrono::{DateTime, Utc};

use super::service::Accounts;
use super::settings::RefreshPause;
use crate::error::{Error, RefreshFailure, Result};
use crate::model::AccountSummary;
use crate::refresh::{Decision, Pass, RefreshSchedule};
use crate::time::{human_wait, to_chrono};
use crate::tokens::{TokenSet, Which};

/// A set handed out by [`Accounts::fresh_tokens`]: fresh by the refresh rule, or the current
/// one handed out through a temporary failure of its refresh.
#[derive(Debug)]
pub struct Fresh {
    pub account_id: String,
    pub set: TokenSet,
    /// The temporary failure the current set was handed out through, if its refresh failed.
    pub refresh_failed: Option<Error>,
}

impl Fresh {
    /// What every front end says when it hands out a token through a failed refresh (stderr,
    /// the log, the window's notice): the failure's kind, what happened and how long the token
    /// handed out has left. Never a secret.
    pub fn warning(&self, now: DateTime<Utc>) -> Option<String> {
        let error = self.refresh_failed.as_ref()?;
        Some(format!(
            "the access token is due for a refresh, which failed ({}): {error} \
             Handing out the current one, valid for {} more.",
            error.kind(),
            human_wait(
                (self.set.access_expires_at - now)
                    .to_std()
                    .unwrap_or_default()
            ),
        ))
    }
}

impl Accounts {
    /// A set whose access token is not yet due for a refresh by the
    /// [`RefreshPolicy`](crate::RefreshPolicy), refreshing first (once, across every process)
    /// when it is. When that refresh fails for a temporary reason and the current token still
    /// has its [`floor`](crate::RefreshPolicy::floor) left, the current set is
    /// handed out with the failure ([`Fresh::refresh_failed`]); otherwise the failure is
    /// returned.
    pub async fn fresh_tokens(&self, account: Option<&str>) -> Result<Fresh> {
        let (id, set) = self.tokens(account).await?;
        if !self.is_due(&set, Utc::now()) {
            tracing::debug!(account = %id, "access token not due for a refresh");
            return Ok(Fresh {
                account_id: id,
                set,
                refresh_failed: None,
            });
        }
        tracing::info!(account = %id, "access token due: refreshing");
        match self.refresh_locked(&id, true, Utc::now()).await {
            Ok(set) => Ok(Fresh {
                account_id: id,
                set,
                refresh_failed: None,
            }),
            Err(e)
                if self.policy.may_hand_out(
                    set.obtained_at,
                    set.access_expires_at,
                    &e,
                    Utc::now(),
                ) =>
            {
                // Info: each front end says so itself (stderr, a notice), with `Fresh::warning`.
                tracing::info!(
                    account = %id,
                    kind = %e.kind(),
                    access_expires_at = %set.access_expires_at,
                    "refresh failed for a temporary reason: handing out the current access token"
                );
                Ok(Fresh {
                    account_id: id,
                    set,
                    refresh_failed: Some(e),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The set to hand `which` out of, the same for every front end's Copy: for the access
    /// token, [`fresh_tokens`](Self::fresh_tokens) (a copied token is one a tool is about to
    /// use); for the refresh token, the stored set (nothing to refresh for it).
    pub async fn to_hand_out(&self, account: Option<&str>, which: Which) -> Result<Fresh> {
        match which {
            Which::Access => self.fresh_tokens(account).await,
            Which::Refresh => {
                let (account_id, set) = self.tokens(account).await?;
                Ok(Fresh {
                    account_id,
                    set,
                    refresh_failed: None,
                })
            }
        }
    }

    pub(super) fn is_due(&self, set: &TokenSet, now: DateTime<Utc>) -> bool {
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
        let _lock = self.write_lock().await?;
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
        if only_if_due {
            // Sony failed moments ago, or said no to this refresh token (for this or another
            // process): do not ask again yet.
            let data = self.read_settings().await?;
            if let Some(pause) = data.pause(id, current.obtained_at, now) {
                tracing::debug!(account = %id, until = %pause.until, "refresh paused after a failure");
                return Err(pause.failure.to_error());
            }
        }
        if current.refresh_expired(now) {
            // The local clock may be wrong: ask Sony once, which says so if it has run out.
            tracing::info!(account = %id, "refresh token expired by the local clock; asking Sony");
        }
        let next = match self.client.refresh(&current).await {
            Ok(next) => next,
            Err(e) => {
                self.pause_refreshes(id, &current, &e).await;
                return Err(e);
            }
        };
        tracing::info!(account = %id, access_expires_at = %next.access_expires_at, "refreshed");
        let key = id.to_owned();
        let set = next.clone();
        self.storage(move |vault, settings| {
            vault.save(&key, &set)?;
            settings.update(|data| {
                data.paused.retain(|p| p.account_id != key);
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

    /// Remembers a failure of `current`'s refresh in `accounts.json` (a temporary one, or Sony's
    /// no to its refresh token), so that no process asks Sony again before the pause ends. Best
    /// effort: a settings file that cannot be written costs requests, not tokens.
    async fn pause_refreshes(&self, id: &str, current: &TokenSet, error: &Error) {
        let Some(failure) = RefreshFailure::of(error) else {
            return;
        };
        let pause = RefreshPause {
            account_id: id.to_owned(),
            obtained_at: current.obtained_at,
            until: Utc::now() + to_chrono(self.policy.pause_after(error)),
            failure,
        };
        tracing::info!(account = %id, kind = %error.kind(), until = %pause.until, "refresh failed; paused");
        let written = self
            .storage(move |_, settings| {
                settings.update(|data| {
                    data.paused.retain(|p| p.account_id != pause.account_id);
                    data.paused.push(pause);
                })
            })
            .await;
        if let Err(e) = written {
            tracing::warn!(kind = %e.kind(), "the refresh pause could not be recorded");
        }
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
            // Not `fresh_tokens`: a failure here must reach the schedule, which backs off.
            let result = self.refresh_locked(id, true, Utc::now()).await;
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
}
