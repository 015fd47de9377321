//! When an access token is refreshed, and what happens after a failed refresh: the one rule the
//! app's background refresher and `psn-auth token` share.
//!
//! - **Due**: an access token is refreshed when less than its *margin* is left, where the margin
//!   is `min(5 min, lifetime / 2)`: an hour-long token (Sony's 3599 s) five minutes ahead, a
//!   two-minute token (a stand-in, a proxy) one minute ahead, never on every tick.
//! - **Not too often**: two background refreshes of one account are at least
//!   [`RefreshPolicy::min_interval`] apart.
//! - **Back-off**: after a temporary failure ([`Remedy::RetryLater`], or an answer that could not
//!   be read) the next try waits for Sony's `Retry-After` when it sent one, else 30 s, doubling
//!   after each failure up to 15 minutes.
//! - **Through an outage**: when a due refresh fails for a temporary reason
//!   ([`Remedy::RetryLater`]: Sony 5xx, 429, no network, a time-out) the current access token is
//!   still handed out while at least its *floor* is left, with a warning; under that the failure
//!   reaches the caller ([`RefreshPolicy::may_hand_out`]). The floor is `min(60 s, lifetime / 4)`:
//!   a minute of Sony's hour-long tokens, 30 s of a two-minute one (still half its margin).
//! - **Stop**: when only the user can fix it (a rejected refresh token, a damaged set) nothing
//!   is tried again for that account until the user acts ([`RefreshSchedule::resume`]) or it
//!   signs in again (its `obtained_at` changes). A locked keychain stops every account, so an
//!   unlock prompt is raised once, not once per account and minute; a keychain that was gone or
//!   not answering (restarted by a desktop update) holds every account back and is tried again
//!   with the temporary failures' back-off.
//!
//! Every method takes `now`, so the whole policy is tested with an injected clock.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::kinds::{ErrorKind, Remedy};
use crate::model::AccountSummary;
use crate::time::{human_wait, to_chrono};

/// The numbers of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// The most a token is refreshed ahead of its expiry.
    pub ahead: Duration,
    /// The least time between two background refreshes of one account.
    pub min_interval: Duration,
    /// The wait after a first temporary failure (doubled after each further one).
    pub first_backoff: Duration,
    /// The longest wait after temporary failures, unless Sony asked for longer.
    pub max_backoff: Duration,
    /// The most time left an access token handed out after its refresh failed for a temporary
    /// reason must have (a quarter of its lifetime when that is shorter): a caller gets a token it
    /// can still make a request with.
    pub hand_out_floor: Duration,
    /// After a temporary failure, how long no process asks Sony again for that set (longer when
    /// Sony's `Retry-After` says so, up to [`max_backoff`](Self::max_backoff)).
    pub shared_pause: Duration,
    /// After Sony rejected a set's refresh token, how long no process asks again about that set
    /// (a new sign-in is a new set, and the user's own Refresh always asks).
    pub rejected_pause: Duration,
    /// The wait after a keychain was gone or not answering (doubled after each further time,
    /// up to [`max_keychain_backoff`](Self::max_keychain_backoff)). Short: the keychain is a
    /// local service, restarted in seconds, and no one's rate limit is at stake, while `serve`'s
    /// files are gone once its tokens expire.
    pub first_keychain_backoff: Duration,
    pub max_keychain_backoff: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            ahead: Duration::from_secs(5 * 60),
            min_interval: Duration::from_secs(30),
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(15 * 60),
            hand_out_floor: Duration::from_secs(60),
            shared_pause: Duration::from_secs(15),
            rejected_pause: Duration::from_secs(24 * 60 * 60),
            first_keychain_backoff: Duration::from_secs(5),
            max_keychain_backoff: Duration::from_secs(60),
        }
    }
}

impl RefreshPolicy {
    /// How long before `access_expires_at` a token obtained at `obtained_at` is due.
    pub fn margin(&self, obtained_at: DateTime<Utc>, access_expires_at: DateTime<Utc>) -> Duration {
        let lifetime = (access_expires_at - obtained_at)
            .to_std()
            .unwrap_or(Duration::ZERO);
        self.ahead.min(lifetime / 2)
    }

    /// When the token becomes due.
    pub fn due_at(
        &self,
        obtained_at: DateTime<Utc>,
        access_expires_at: DateTime<Utc>,
    ) -> DateTime<Utc> {
        access_expires_at
            .checked_sub_signed(to_chrono(self.margin(obtained_at, access_expires_at)))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// True when the access token should be refreshed before use.
    pub fn is_due(
        &self,
        obtained_at: DateTime<Utc>,
        access_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        self.due_at(obtained_at, access_expires_at) <= now
    }

    /// True when a token obtained at `obtained_at` and expiring at `access_expires_at`, whose
    /// refresh just failed with `error`, may still be handed out: the failure is temporary and at
    /// least its [`floor`](Self::floor) is left.
    pub fn may_hand_out(
        &self,
        obtained_at: DateTime<Utc>,
        access_expires_at: DateTime<Utc>,
        error: &Error,
        now: DateTime<Utc>,
    ) -> bool {
        error.remedy() == Remedy::RetryLater
            && access_expires_at - now >= to_chrono(self.floor(obtained_at, access_expires_at))
    }

    /// The least time left on a token handed out through a temporary failure:
    /// `min(hand_out_floor, lifetime / 4)`.
    pub fn floor(&self, obtained_at: DateTime<Utc>, access_expires_at: DateTime<Utc>) -> Duration {
        let lifetime = (access_expires_at - obtained_at)
            .to_std()
            .unwrap_or(Duration::ZERO);
        self.hand_out_floor.min(lifetime / 4)
    }

    /// How long no process asks Sony again after a refresh failed with `error`.
    pub fn pause_after(&self, error: &Error) -> Duration {
        if matches!(error, Error::RefreshRejected) {
            return self.rejected_pause;
        }
        match error.retry_after() {
            Some(wait) => wait.clamp(self.shared_pause, self.max_backoff),
            None => self.shared_pause,
        }
    }

    /// The due rule in words, from these numbers: what help texts say (`psn-auth token --help`).
    pub fn due_rule(&self) -> String {
        format!(
            "less than {} left, or half its lifetime when that is shorter",
            human_wait(self.ahead)
        )
    }

    fn backoff(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.max(self.first_backoff);
        }
        doubling(self.first_backoff, self.max_backoff, failures)
    }

    /// The wait after the keychain failed `failures` times in a row: `first_keychain_backoff`,
    /// doubled for each further time, at most `max_keychain_backoff`.
    pub fn keychain_backoff(&self, failures: u32) -> Duration {
        doubling(
            self.first_keychain_backoff,
            self.max_keychain_backoff,
            failures,
        )
    }
}

/// `first`, doubled for each failure after the first, at most `max`.
fn doubling(first: Duration, max: Duration, failures: u32) -> Duration {
    first
        .saturating_mul(1u32 << failures.saturating_sub(1).min(16))
        .min(max)
}

/// What the background refresher does about one account now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Refresh it now.
    Refresh,
    /// Nothing before this time.
    WaitUntil(DateTime<Utc>),
    /// Stopped after a failure of this kind, until the user acts. (A refresh token the local
    /// clock calls expired is still tried once: the clock may be wrong, Sony decides.)
    Stopped(ErrorKind),
}

/// What a failed refresh leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Tried again at this time.
    RetryAt(DateTime<Utc>),
    /// Not tried again until the user acts.
    Stopped,
}

#[derive(Debug, Clone, Default)]
struct AccountState {
    last_attempt: Option<DateTime<Utc>>,
    failures: u32,
    not_before: Option<DateTime<Utc>>,
    /// The kind that stopped it, and the set (by `obtained_at`) it stopped for.
    stopped: Option<(ErrorKind, DateTime<Utc>)>,
}

/// The background refresher's memory of each account: last attempt, failures, stops.
#[derive(Debug, Clone, Default)]
pub struct RefreshSchedule {
    policy: RefreshPolicy,
    accounts: HashMap<String, AccountState>,
    /// The keychain failed: it is shared, so every account waits, and an unlock prompt is not
    /// raised again for each of them. A locked one (or a dismissed prompt) waits for the user;
    /// one that was gone or not answering (a desktop update restarting it) is tried again at
    /// the time kept here, on the keychain's own short back-off.
    keychain: Option<(ErrorKind, Option<DateTime<Utc>>)>,
    keychain_failures: u32,
}

impl RefreshSchedule {
    /// What to do about `account` at `now`.
    pub fn decide(&self, account: &AccountSummary, now: DateTime<Utc>) -> Decision {
        match self.keychain {
            Some((kind, None)) => return Decision::Stopped(kind),
            Some((_, Some(retry))) if now < retry => return Decision::WaitUntil(retry),
            _ => {}
        }
        let state = self.accounts.get(&account.account_id);
        if let Some((kind, _)) = state
            .and_then(|s| s.stopped)
            .filter(|(_, obtained)| *obtained == account.obtained_at)
        {
            return Decision::Stopped(kind);
        }
        let mut at = self
            .policy
            .due_at(account.obtained_at, account.access_expires_at);
        if let Some(state) = state {
            if let Some(last) = state.last_attempt {
                at = at.max(later(last, self.policy.min_interval));
            }
            if let Some(not_before) = state.not_before {
                at = at.max(not_before);
            }
        }
        if at <= now {
            Decision::Refresh
        } else {
            Decision::WaitUntil(at)
        }
    }

    /// The earliest time any of `accounts` needs attention, if any does.
    pub fn next_wake(
        &self,
        accounts: &[AccountSummary],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        accounts
            .iter()
            .filter_map(|a| match self.decide(a, now) {
                Decision::Refresh => Some(now),
                Decision::WaitUntil(at) => Some(at),
                Decision::Stopped(_) => None,
            })
            .min()
    }

    /// A refresh of `account_id` succeeded.
    pub fn succeeded(&mut self, account_id: &str, now: DateTime<Utc>) {
        self.keychain = None;
        self.keychain_failures = 0;
        self.accounts.insert(
            account_id.to_owned(),
            AccountState {
                last_attempt: Some(now),
                ..Default::default()
            },
        );
    }

    /// A refresh of `account` failed with `error`: back off, or stop until the user acts.
    pub fn failed(
        &mut self,
        account: &AccountSummary,
        error: &Error,
        now: DateTime<Utc>,
    ) -> AfterFailure {
        let policy = self.policy;
        let state = self.accounts.entry(account.account_id.clone()).or_default();
        state.last_attempt = Some(now);
        match error.remedy() {
            Remedy::RetryLater | Remedy::Other => {
                state.failures = state.failures.saturating_add(1);
                let at = later(now, policy.backoff(state.failures, error.retry_after()));
                state.not_before = Some(at);
                AfterFailure::RetryAt(at)
            }
            Remedy::FixKeychain if error.kind() == ErrorKind::KeychainLocked => {
                self.keychain = Some((error.kind(), None));
                AfterFailure::Stopped
            }
            Remedy::FixKeychain => {
                self.keychain_failures = self.keychain_failures.saturating_add(1);
                let at = later(now, policy.keychain_backoff(self.keychain_failures));
                self.keychain = Some((error.kind(), Some(at)));
                AfterFailure::RetryAt(at)
            }
            Remedy::NewNpsso | Remedy::FixInput => {
                state.stopped = Some((error.kind(), account.obtained_at));
                AfterFailure::Stopped
            }
        }
    }

    /// The user acted (pressed Refresh, unlocked the keychain, signed in): forget the stop and
    /// the back-off for `account_id`.
    pub fn resume(&mut self, account_id: &str) {
        self.keychain = None;
        self.keychain_failures = 0;
        if let Some(state) = self.accounts.get_mut(account_id) {
            state.stopped = None;
            state.failures = 0;
            state.not_before = None;
        }
    }

    /// The user acted on the keychain (unlocked it, chose another): every account may try again.
    pub fn keychain_resumed(&mut self) {
        self.keychain = None;
        self.keychain_failures = 0;
    }

    /// Forgets accounts that are gone.
    pub fn retain(&mut self, accounts: &[AccountSummary]) {
        self.accounts
            .retain(|id, _| accounts.iter().any(|a| &a.account_id == id));
    }
}

/// `at + wait`, saturating: no wait, however absurd, can overflow a deadline.
fn later(at: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    at.checked_add_signed(to_chrono(wait))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests;

/// What one background pass over every account did ([`crate::Accounts::background_pass`]).
#[derive(Debug, Default)]
pub struct Pass {
    /// The accounts refreshed.
    pub refreshed: Vec<String>,
    /// The accounts whose refresh failed, the error, and what happens next.
    pub failed: Vec<(String, Error, AfterFailure)>,
    /// When an account next needs attention; `None` with no account.
    pub next_wake: Option<DateTime<Utc>>,
}
