//! The background refresher, the same everywhere one runs: the window while it is open, the
//! watcher while the window is closed, and `psn-auth serve` on a server. A loop over the library's
//! [`RefreshSchedule`] (which decides when each account is due, how
//! long to back off after a temporary failure, and when to stop until the user acts) and its
//! pass (`Accounts::background_pass`). Refreshes go through the library's cross-process lock,
//! so the two processes and any `psn-auth token` never refresh one account twice.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use crate::accounts::Accounts;
use crate::refresh::{Pass, RefreshSchedule};
use chrono::{DateTime, Utc};
use tokio::sync::Notify;

/// The longest the loop sleeps: accounts added elsewhere (the CLI) are noticed within this.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);

/// The schedule, shared with whatever the user acts through (a command, a tray entry).
#[derive(Default)]
pub struct Refresher {
    schedule: Mutex<RefreshSchedule>,
    wake: Notify,
}

impl Refresher {
    /// The user did something about `account_id` (Refresh now, a new sign-in): forget its stop
    /// and back-off, and look again now.
    pub fn user_acted(&self, account_id: &str) {
        self.schedule.lock().unwrap().resume(account_id);
        self.wake.notify_one();
    }

    /// The user acted on the keychain (retried it, or chose memory only): every account may
    /// refresh again. Stops for an account's own reason (a rejected refresh token) stay.
    pub fn keychain_changed(&self) {
        self.schedule.lock().unwrap().keychain_resumed();
        self.wake.notify_one();
    }

    /// Look again now (a token was copied, so its account may have been refreshed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// One pass over every account of `accounts`, by this schedule.
    pub async fn pass(&self, accounts: &Accounts) -> crate::Result<Pass> {
        accounts.background_pass(&self.schedule).await
    }

    /// Runs `pass` now, then again when the time it returns comes (at most [`MAX_SLEEP`] later,
    /// or at once when woken), for ever. `pass` returns when an account next needs attention.
    pub async fn run<F, Fut>(&self, mut pass: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<DateTime<Utc>>>,
    {
        let mut sleep = Duration::ZERO;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = self.wake.notified() => {}
            }
            sleep = pass()
                .await
                .map(|at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(MAX_SLEEP)
                .min(MAX_SLEEP);
        }
    }
}
