//! The desktop's own notifications (freedesktop notifications on Linux, the platform's on
//! Windows and macOS, through notify-rust), and the reminder pass the watcher's refresher runs
//! (see [`crate::background`]): which
//! reminders are due is the library's rule (`psn_core::reminders`); showing them, and
//! remembering that they were shown, is here. A notification never holds a token: its words
//! come from `psn_core::reminders`, built from account summaries.

use chrono::Utc;
use psn_core::{ErrorKind, Reminder};
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

/// What a notification says, and the account whose wizard clicking it opens.
#[derive(Debug, Clone)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub open_wizard_for: Option<String>,
}

impl From<&Reminder> for Notice {
    fn from(reminder: &Reminder) -> Self {
        Self {
            title: reminder.title.clone(),
            body: reminder.body.clone(),
            open_wizard_for: Some(reminder.account_id.clone()),
        }
    }
}

/// Shows `notice`; false when the desktop has no notification service. Clicking it opens the
/// window (on the wizard, for a reminder) where the platform reports clicks.
pub fn show<R: Runtime>(app: &AppHandle<R>, notice: Notice) -> bool {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("PSN Auth")
        .summary(&notice.title)
        .body(&notice.body)
        .icon("psn-auth-app");
    let shown = show_and_watch(app, notification, notice.open_wizard_for);
    match &shown {
        Ok(()) => tracing::info!(title = %notice.title, "notification shown"),
        Err(e) => tracing::warn!("no notification could be shown: {e}"),
    }
    shown.is_ok()
}

/// freedesktop notifications report clicks: the D-Bus connection that showed the notification
/// waits for its action (or its closing) on a thread of its own.
#[cfg(all(unix, not(target_os = "macos")))]
fn show_and_watch<R: Runtime>(
    app: &AppHandle<R>,
    mut notification: notify_rust::Notification,
    account: Option<String>,
) -> Result<(), String> {
    notification.action("default", "Open PSN Auth");
    let (tx, rx) = std::sync::mpsc::channel();
    let app = app.clone();
    std::thread::spawn(move || {
        let handle = match notification.show() {
            Ok(handle) => {
                let _ = tx.send(Ok(()));
                handle
            }
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        handle.wait_for_action(|action| {
            if action != "default" {
                return;
            }
            if app.state::<AppState>().is_watcher() {
                crate::background::open_window(account.as_deref());
            } else {
                let opener = app.clone();
                let _ = app.run_on_main_thread(move || {
                    crate::background::second_launch(&opener, &[]);
                });
            }
        });
    });
    rx.recv()
        .unwrap_or_else(|_| Err("the notification thread ended".into()))
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show_and_watch<R: Runtime>(
    _app: &AppHandle<R>,
    notification: notify_rust::Notification,
    _account: Option<String>,
) -> Result<(), String> {
    notification.show().map(|_| ()).map_err(|e| e.to_string())
}

/// Shows `reminder` and remembers it was shown (only then: a desktop without a notification
/// service gets it on a later pass).
async fn send<R: Runtime>(app: &AppHandle<R>, reminder: &Reminder) {
    if !show(app, reminder.into()) {
        return;
    }
    let Ok(accounts) = app.state::<AppState>().accounts().await else {
        return;
    };
    if let Err(e) = accounts.mark_reminded(reminder).await {
        tracing::warn!(kind = %e.kind(), "a reminder could not be recorded");
    }
}

/// Sends the expiry reminders that are due and not sent yet.
pub async fn remind<R: Runtime>(app: &AppHandle<R>) {
    let Ok(accounts) = app.state::<AppState>().accounts().await else {
        return;
    };
    let due = match accounts.reminders_due(Utc::now()).await {
        Ok(due) => due,
        Err(e) => {
            tracing::debug!(kind = %e.kind(), "reminders not checked");
            return;
        }
    };
    tracing::info!(due = due.len(), "reminders checked");
    for reminder in &due {
        tracing::info!(account = %reminder.account_id, kind = ?reminder.kind, "reminder due");
        send(app, reminder).await;
    }
}

/// A background refresh of `account_id` failed with `kind`: tells the user when only they can
/// fix it (once per set).
pub async fn refresh_failed<R: Runtime>(app: &AppHandle<R>, account_id: &str, kind: ErrorKind) {
    let Ok(accounts) = app.state::<AppState>().accounts().await else {
        return;
    };
    match accounts
        .failure_reminder(account_id, kind, Utc::now())
        .await
    {
        Ok(Some(reminder)) => send(app, &reminder).await,
        Ok(None) => {}
        Err(e) => tracing::debug!(kind = %e.kind(), "failure reminder not checked"),
    }
}
