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
//! - **Stop**: when only the user can fix it (a rejected refresh token, a damaged set) nothing
//!   is tried again for that account until the user acts ([`RefreshSchedule::resume`]) or it
//!   signs in again (its `obtained_at` changes). A locked or missing keychain stops every
//!   account, so an unlock prompt is raised once, not once per account and minute.
//!
//! Every method takes `now`, so the whole policy is tested with an injected clock.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::accounts::AccountSummary;
use crate::error::{Error, ErrorKind, Remedy};
use crate::tokens::to_chrono;

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
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            ahead: Duration::from_secs(5 * 60),
            min_interval: Duration::from_secs(30),
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(15 * 60),
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

    fn backoff(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.max(self.first_backoff);
        }
        let doubled = self
            .first_backoff
            .saturating_mul(1u32 << failures.saturating_sub(1).min(16));
        doubled.min(self.max_backoff)
    }
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
    /// The keychain needs the user (locked, prompt dismissed, missing): it is shared, so every
    /// account waits, and the unlock prompt is not raised again for each of them.
    keychain: Option<ErrorKind>,
}

impl RefreshSchedule {
    /// What to do about `account` at `now`.
    pub fn decide(&self, account: &AccountSummary, now: DateTime<Utc>) -> Decision {
        if let Some(kind) = self.keychain {
            return Decision::Stopped(kind);
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
            Remedy::FixKeychain => {
                self.keychain = Some(error.kind());
                AfterFailure::Stopped
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
        if let Some(state) = self.accounts.get_mut(account_id) {
            state.stopped = None;
            state.failures = 0;
            state.not_before = None;
        }
    }

    /// The user acted on the keychain (unlocked it, chose another): every account may try again.
    pub fn keychain_resumed(&mut self) {
        self.keychain = None;
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
mod tests {
    use super::*;
    use crate::vault::VaultError;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn secs(n: i64) -> chrono::Duration {
        chrono::Duration::seconds(n)
    }

    /// An account whose access token was obtained at `obtained` and lives `lifetime` seconds.
    fn account(obtained: DateTime<Utc>, lifetime: i64) -> AccountSummary {
        AccountSummary {
            account_id: "42".into(),
            label: "Someone".into(),
            online_id: Some("Someone".into()),
            avatar_url: None,
            active: true,
            obtained_at: obtained,
            access_expires_at: obtained + secs(lifetime),
            refresh_expires_at: obtained + secs(5_183_999),
        }
    }

    #[test]
    fn an_hour_long_token_is_due_five_minutes_ahead() {
        let p = RefreshPolicy::default();
        let a = account(t0(), 3599);
        assert_eq!(
            p.margin(a.obtained_at, a.access_expires_at),
            Duration::from_secs(300)
        );
        assert!(!p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(3298)));
        assert!(p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(3299)));
    }

    #[test]
    fn a_short_token_is_due_at_half_its_lifetime_not_at_once() {
        let p = RefreshPolicy::default();
        let a = account(t0(), 120);
        assert_eq!(
            p.margin(a.obtained_at, a.access_expires_at),
            Duration::from_secs(60)
        );
        assert!(!p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(59)));
        assert!(p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(60)));
    }

    #[test]
    fn an_expired_token_is_due() {
        let p = RefreshPolicy::default();
        let a = account(t0(), 3599);
        assert!(p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(4000)));
    }

    #[test]
    fn the_schedule_waits_until_due_then_refreshes() {
        let s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        assert_eq!(s.decide(&a, t0()), Decision::WaitUntil(t0() + secs(3299)));
        assert_eq!(s.decide(&a, t0() + secs(3300)), Decision::Refresh);
        assert_eq!(s.next_wake(&[a], t0()), Some(t0() + secs(3299)));
    }

    #[test]
    fn short_tokens_are_not_refreshed_more_often_than_the_minimum_interval() {
        let mut s = RefreshSchedule::default();
        // A 20 s token is due after 10 s; the last refresh was just now.
        let a = account(t0(), 20);
        s.succeeded("42", t0());
        assert_eq!(
            s.decide(&a, t0() + secs(15)),
            Decision::WaitUntil(t0() + secs(30))
        );
        assert_eq!(s.decide(&a, t0() + secs(30)), Decision::Refresh);
    }

    #[test]
    fn temporary_failures_back_off_doubling_up_to_the_cap() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let now = t0() + secs(3400);
        let err = Error::SonyUnavailable { status: 503 };
        let mut waits = Vec::new();
        for _ in 0..8 {
            match s.failed(&a, &err, now) {
                AfterFailure::RetryAt(at) => waits.push((at - now).num_seconds()),
                AfterFailure::Stopped => panic!("a temporary failure never stops"),
            }
        }
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(
            s.decide(&a, now + secs(899)),
            Decision::WaitUntil(now + secs(900))
        );
        assert_eq!(s.decide(&a, now + secs(900)), Decision::Refresh);
    }

    #[test]
    fn sonys_retry_after_is_honoured_even_beyond_the_cap() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let err = Error::RateLimited {
            retry_after: Some(Duration::from_secs(3600)),
        };
        assert_eq!(
            s.failed(&a, &err, t0()),
            AfterFailure::RetryAt(t0() + secs(3600))
        );
    }

    #[test]
    fn an_absurd_wait_from_sony_is_no_panic() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let err = Error::RateLimited {
            retry_after: Some(Duration::MAX),
        };
        assert!(matches!(s.failed(&a, &err, t0()), AfterFailure::RetryAt(_)));
        assert!(matches!(s.decide(&a, t0()), Decision::WaitUntil(_)));
        assert!(s.next_wake(&[a], t0()).is_some());
    }

    #[test]
    fn a_success_clears_the_back_off() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let err = Error::Network {
            failure: crate::NetworkFailure::Timeout,
        };
        s.failed(&a, &err, t0());
        s.failed(&a, &err, t0());
        s.succeeded("42", t0() + secs(70));
        let again = account(t0() + secs(70), 3599);
        assert_eq!(
            s.decide(&again, t0() + secs(70)),
            Decision::WaitUntil(t0() + secs(70 + 3299))
        );
        s.failed(&again, &err, t0() + secs(3400));
        assert_eq!(
            s.decide(&again, t0() + secs(3400)),
            Decision::WaitUntil(t0() + secs(3430)),
            "the back-off starts over at 30 s"
        );
    }

    #[test]
    fn a_rejected_refresh_token_stops_until_the_account_signs_in_again() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let now = t0() + secs(3400);
        assert_eq!(
            s.failed(&a, &Error::RefreshRejected, now),
            AfterFailure::Stopped
        );
        assert_eq!(
            s.decide(&a, now + secs(86_400)),
            Decision::Stopped(ErrorKind::RefreshRejected)
        );
        assert_eq!(s.next_wake(std::slice::from_ref(&a), now), None);
        // A new sign-in (another obtained_at) is looked at again.
        let signed_in = account(now + secs(10), 3599);
        assert!(matches!(
            s.decide(&signed_in, now + secs(10)),
            Decision::WaitUntil(_)
        ));
    }

    #[test]
    fn a_locked_keychain_stops_until_the_user_acts() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let now = t0() + secs(3400);
        let locked = Error::Vault(VaultError::Locked);
        assert_eq!(s.failed(&a, &locked, now), AfterFailure::Stopped);
        assert_eq!(
            s.decide(&a, now + secs(600)),
            Decision::Stopped(ErrorKind::KeychainLocked)
        );
        s.resume("42");
        assert_eq!(s.decide(&a, now + secs(600)), Decision::Refresh);
    }

    #[test]
    fn a_locked_keychain_stops_every_account_so_the_unlock_prompt_comes_once() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let mut b = account(t0(), 3599);
        b.account_id = "43".into();
        let now = t0() + secs(3400);
        s.failed(&a, &Error::Vault(VaultError::Locked), now);
        assert_eq!(
            s.decide(&b, now),
            Decision::Stopped(ErrorKind::KeychainLocked)
        );
        assert_eq!(s.next_wake(&[a.clone(), b.clone()], now), None);
        // Unlocking (the user acts) resumes them all.
        s.keychain_resumed();
        assert_eq!(s.decide(&b, now), Decision::Refresh);
        assert_eq!(
            s.decide(&a, now + secs(30)),
            Decision::Refresh,
            "after the minimum interval"
        );
    }

    #[test]
    fn a_damaged_set_stops_like_a_rejected_refresh_token() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let corrupt = Error::Vault(VaultError::Corrupt {
            account: "42".into(),
        });
        assert_eq!(s.failed(&a, &corrupt, t0()), AfterFailure::Stopped);
    }

    #[test]
    fn a_refresh_token_the_local_clock_calls_expired_is_tried_once() {
        // The local clock may be wrong: Sony decides, once.
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        let later = a.refresh_expires_at + secs(60);
        assert_eq!(s.decide(&a, later), Decision::Refresh);
        assert_eq!(
            s.failed(&a, &Error::RefreshRejected, later),
            AfterFailure::Stopped
        );
        assert_eq!(
            s.decide(&a, later + secs(3600)),
            Decision::Stopped(ErrorKind::RefreshRejected)
        );
    }

    #[test]
    fn accounts_that_are_gone_are_forgotten() {
        let mut s = RefreshSchedule::default();
        let a = account(t0(), 3599);
        s.failed(&a, &Error::RefreshRejected, t0());
        s.retain(&[]);
        assert!(matches!(s.decide(&a, t0()), Decision::WaitUntil(_)));
    }
}

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
