//! Handing over to the watcher. PSN Auth runs as two processes (their contract is
//! `psn_desktop::processes`):
//!
//! - the **window** (`psn-auth-app`, this crate): the wizard and the dashboard. Closing it ends
//!   the process, its webview and every WebKit process with it;
//! - the **watcher** (`psn-auth-watcher`, `crates/psn-auth-watcher`): the tray, the background
//!   refresh and the reminders, in a process that links no WebKit. The window starts it when
//!   none runs; start at login runs `psn-auth-app --background`, which starts it and exits.

use psn_desktop::processes::spawn_watcher;
use psn_desktop::watcher_lock;
use tauri::{AppHandle, Manager, Runtime};

use crate::accounts::AppAccounts;
use crate::launch::Launch;

/// Set to 1 to keep the window from starting the watcher (tests of the window alone).
pub const NO_WATCHER_ENV: &str = "PSN_AUTH_NO_WATCHER";

/// The one-time hint shown the first time the window closes while the watcher runs.
const TRAY_HINT: &str = "tray";

/// The window is closing (and with it this process). The first time it closes while the
/// watcher keeps running, a notification says so and how to quit.
pub fn main_closed<R: Runtime>(app: &AppHandle<R>) {
    let launch = app.state::<Launch>();
    let watched = watcher_lock::is_running(&launch.namespace);
    tracing::info!(watched, "window closing");
    if launch.is_demo() || !watched {
        return;
    }
    let accounts = app.state::<AppAccounts>();
    let first = tauri::async_runtime::block_on(async {
        match accounts.get().await {
            Ok(accounts) => accounts.first_time(TRAY_HINT).await.unwrap_or(false),
            Err(_) => false,
        }
    });
    if first {
        let _ = psn_desktop::notify::show(
            "PSN Auth is still running",
            "It keeps your tokens fresh and reminds you before you must sign in again. To quit, \
             choose Quit PSN Auth in its tray menu.",
            None,
        );
    }
}

/// Starts the watcher unless it runs already, or this is the demo, or `PSN_AUTH_NO_WATCHER=1`.
pub fn ensure_watcher(launch: &Launch) {
    if launch.is_demo() || std::env::var(NO_WATCHER_ENV).is_ok_and(|v| v == "1") {
        return;
    }
    if watcher_lock::is_running(&launch.namespace) {
        return;
    }
    match spawn_watcher() {
        Ok(()) => tracing::info!("watcher started"),
        Err(e) => tracing::warn!("the watcher could not be started: {e}"),
    }
}

/// `--background` (start at login): starts the watcher and exits.
pub fn start_watcher_and_exit() -> ! {
    match spawn_watcher() {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("psn-auth: {e}");
            std::process::exit(1);
        }
    }
}
