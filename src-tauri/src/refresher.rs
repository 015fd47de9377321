//! Keeps access tokens fresh while the app runs: a loop over the library's
//! [`RefreshSchedule`](psn_core::RefreshSchedule), which decides when each account is due, how
//! long to back off after a temporary failure, and when to stop until the user acts. Refreshes
//! go through the same cross-process lock as the CLI, so a concurrent `psn-auth token` never
//! causes a second refresh. The window hears `accounts-changed` after a refresh and
//! `refresh-failed` (the error as commands send it, plus whether the refresher stopped) when one
//! fails. The pass itself is the library's (`Accounts::background_pass`), shared with the
//! watcher (`psn-auth-watcher`), which also sends the reminders.

use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use psn_core::refresh::AfterFailure;
use psn_core::RefreshSchedule;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::Notify;

use crate::error::CommandError;
use crate::state::AppState;

/// The longest the loop sleeps: accounts added by the CLI are noticed within this time.
const MAX_SLEEP: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshFailed {
    pub account_id: String,
    #[serde(flatten)]
    pub error: CommandError,
    /// True when nothing is tried again until the user acts.
    pub stopped: bool,
}

/// The schedule, shared with the commands through which the user acts.
#[derive(Default)]
pub struct RefreshControl {
    schedule: Mutex<RefreshSchedule>,
    wake: Notify,
}

impl RefreshControl {
    /// The user did something about `account_id` (Refresh now, a new sign-in, unlocked the
    /// keychain): forget its stop and back-off, and look again now.
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
}

pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut sleep = Duration::ZERO;
        loop {
            let state = app.state::<AppState>();
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = state.refresh.wake.notified() => {}
            }
            sleep = pass(&app).await.unwrap_or(MAX_SLEEP).min(MAX_SLEEP);
        }
    });
}

/// One look at every account; returns how long until the next one needs attention.
async fn pass<R: Runtime>(app: &AppHandle<R>) -> Option<Duration> {
    let state = app.state::<AppState>();
    let accounts = state.accounts().await.ok()?;
    let pass = accounts
        .background_pass(&state.refresh.schedule)
        .await
        .ok()?;
    if !pass.refreshed.is_empty() {
        let _ = app.emit("accounts-changed", ());
    }
    for (account_id, error, after) in pass.failed {
        let _ = app.emit(
            "refresh-failed",
            RefreshFailed {
                account_id,
                error: error.into(),
                stopped: after == AfterFailure::Stopped,
            },
        );
    }
    let wake = pass.next_wake?;
    Some((wake - Utc::now()).to_std().unwrap_or(Duration::ZERO))
}
