//! Handing over to the watcher. PSN Auth runs as two processes:
//!
//! - the **window** (`psn-auth-app`, this crate): the wizard and the dashboard. Closing it ends
//!   the process, its webview and every WebKit process with it;
//! - the **watcher** (`psn-auth-watcher`, `crates/psn-auth-watcher`): the tray, the background
//!   refresh and the reminders, in a process that links no WebKit. The window starts it when
//!   none runs; start at login runs `psn-auth-app --background`, which starts it and exits.
//!
//! The watcher opens the window by starting `psn-auth-app` (`--wizard-for ID` for a clicked
//! reminder); a window already open gets those arguments through the single-instance plugin.
//! The tray's Quit sends `--quit` to the window and ends the watcher.

use std::process::Command;
use std::sync::Mutex;

use psn_core::Remedy;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt as _;

use psn_desktop::watcher::{self as lock, WATCHER_BIN};

use crate::error::{CommandError, CommandResult, AUTOSTART};
use crate::state::AppState;

/// The main window's label (in `tauri.conf.json`, with `"create": false`).
pub const MAIN: &str = "main";

/// Starts the watcher and exits (what start at login runs).
pub const BACKGROUND_ARG: &str = "--background";
/// Tells a running window to close (the tray's Quit).
pub const QUIT_ARG: &str = "--quit";
/// Opens the window on the wizard for an account (a clicked reminder).
pub const WIZARD_FOR_ARG: &str = "--wizard-for";
/// Set to 1 to keep the window from starting the watcher (tests of the window alone).
pub const NO_WATCHER_ENV: &str = "PSN_AUTH_NO_WATCHER";

/// The one-time hint shown the first time the window closes while the watcher runs.
const TRAY_HINT: &str = "tray";

/// What the window opens on, when a reminder asked.
#[derive(Default)]
pub struct Watch {
    wizard_for: Mutex<Option<String>>,
}

impl Watch {
    pub fn set_wizard_for(&self, account: Option<String>) {
        *self.wizard_for.lock().unwrap() = account;
    }

    pub fn take_wizard_for(&self) -> Option<String> {
        self.wizard_for.lock().unwrap().take()
    }
}

/// The account named by `--wizard-for ID` (or `--wizard-for=ID`) in `args`.
pub fn wizard_for_arg(args: &[String]) -> Option<String> {
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == WIZARD_FOR_ARG {
            return it.next().cloned();
        }
        if let Some(id) = arg
            .strip_prefix(WIZARD_FOR_ARG)
            .and_then(|r| r.strip_prefix('='))
        {
            return Some(id.to_owned());
        }
    }
    None
}

// ------------------------------------------------------------------------------ the window

/// Shows the main window, building it (and its webview) when there is none.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN) else {
        tracing::error!("no main window in the config");
        return;
    };
    let built = tauri::WebviewWindowBuilder::from_config(app, config).and_then(|builder| {
        builder
            // The version in the title bar: the one `psn-auth --version` and the package show.
            .title(format!("PSN Auth {}", env!("CARGO_PKG_VERSION")))
            .build()
    });
    if let Err(e) = built {
        tracing::error!("the window could not be created: {e}");
    }
}

/// A second launch reached the window process: `--quit` closes it, `--wizard-for ID` opens the
/// wizard for that account, anything else shows the window.
pub fn second_launch<R: Runtime>(app: &AppHandle<R>, args: &[String]) {
    if args.iter().any(|a| a == QUIT_ARG) {
        tracing::info!("asked to quit");
        app.exit(0);
        return;
    }
    show_main(app);
    if let Some(account) = wizard_for_arg(args) {
        let _ = app.emit_to(MAIN, "open-wizard", account);
    }
}

/// The window is closing (and with it this process). The first time it closes while the
/// watcher keeps running, a notification says so and how to quit.
pub fn main_closed<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let watched = lock::is_running(state.namespace());
    tracing::info!(watched, "window closing");
    if state.is_demo() || !watched {
        return;
    }
    let first = tauri::async_runtime::block_on(async {
        match state.accounts().await {
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
pub fn ensure_watcher(state: &AppState) {
    if state.is_demo() || std::env::var(NO_WATCHER_ENV).is_ok_and(|v| v == "1") {
        return;
    }
    if lock::is_running(state.namespace()) {
        return;
    }
    match spawn_watcher() {
        Ok(()) => tracing::info!("watcher started"),
        Err(e) => tracing::warn!("the watcher could not be started: {e}"),
    }
}

/// Starts `psn-auth-watcher` from this binary's folder (it exits at once if one runs).
fn spawn_watcher() -> std::io::Result<()> {
    let path = lock::sibling(WATCHER_BIN)
        .filter(|p| p.exists())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "psn-auth-watcher is not installed beside psn-auth-app",
            )
        })?;
    Command::new(path)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map(drop)
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

// ------------------------------------------------------------------------------ start at login

fn autostart_error(e: impl std::fmt::Display) -> CommandError {
    tracing::warn!("start at login: {e}");
    CommandError::app(
        AUTOSTART,
        Remedy::Other,
        format!("Start at login could not be changed: {e}"),
    )
}

/// Whether PSN Auth starts at login (an error where the autostart plugin is not set up).
pub fn start_at_login<R: Runtime>(app: &AppHandle<R>) -> CommandResult<bool> {
    app.try_state::<tauri_plugin_autostart::AutoLaunchManager>()
        .ok_or_else(|| autostart_error("not available"))?
        .is_enabled()
        .map_err(autostart_error)
}

/// Turns start at login on or off; the state it is in afterwards.
pub fn set_start_at_login<R: Runtime>(app: &AppHandle<R>, enabled: bool) -> CommandResult<bool> {
    start_at_login(app)?;
    let manager = app.autolaunch();
    let result = if enabled {
        manager.enable()
    } else {
        manager.disable()
    };
    result.map_err(autostart_error)?;
    tracing::info!(enabled, "start at login changed");
    start_at_login(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wizard_for_is_read_in_both_spellings() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            wizard_for_arg(&args(&["app", "--wizard-for", "123"])),
            Some("123".into())
        );
        assert_eq!(
            wizard_for_arg(&args(&["app", "--wizard-for=456"])),
            Some("456".into())
        );
        assert_eq!(wizard_for_arg(&args(&["app", "--wizard-for"])), None);
        assert_eq!(wizard_for_arg(&args(&["app", "--background"])), None);
    }
}
