//! Keeping watch with no window. PSN Auth runs as two processes of the same binary:
//!
//! - the **window** (`psn-auth-app`): the wizard and the dashboard. Closing it ends the process,
//!   its webview and every WebKit process with it;
//! - the **watcher** (`psn-auth-app --background`): the tray icon, the background refresh and the
//!   reminders. It never creates a webview, so no WebKit process runs while it waits. Start at
//!   login (`tauri-plugin-autostart`) launches it; the window starts it when it is not running.
//!   One per settings folder: it holds `watcher.lock` there.
//!
//! The watcher opens the window by starting the window process (`--wizard-for ID` when a
//! reminder was clicked); a window already open gets those arguments through the
//! single-instance plugin. Quit stops both (`--quit` to the window).

use std::fs::File;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use psn_core::Remedy;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt as _;

use crate::error::{CommandError, CommandResult, AUTOSTART};
use crate::notifications::{self, Notice};
use crate::state::AppState;

/// The main window's label (in `tauri.conf.json`, with `"create": false`).
pub const MAIN: &str = "main";

/// Starts the watcher (what start at login passes).
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
    let watched = watcher_running(&state);
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
        notifications::show(
            app,
            Notice {
                title: "PSN Auth is still running".into(),
                body: "It keeps your tokens fresh and reminds you before you must sign in \
                       again. To quit, choose Quit PSN Auth in its tray menu."
                    .into(),
                open_wizard_for: None,
            },
        );
    }
}

/// Starts the watcher unless it runs already, or this is the demo, or `PSN_AUTH_NO_WATCHER=1`.
pub fn ensure_watcher(state: &AppState) {
    if state.is_demo() || std::env::var(NO_WATCHER_ENV).is_ok_and(|v| v == "1") {
        return;
    }
    if watcher_running(state) {
        return;
    }
    match spawn_self(&[BACKGROUND_ARG]) {
        Ok(()) => tracing::info!("watcher started"),
        Err(e) => tracing::warn!("the watcher could not be started: {e}"),
    }
}

/// Starts this binary again with `args`, detached from this process's life.
pub fn spawn_self(args: &[&str]) -> std::io::Result<()> {
    let exe = std::env::current_exe()?;
    Command::new(exe)
        .args(args)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map(drop)
}

// ------------------------------------------------------------------------------ the watcher

/// `watcher.lock` in the settings folder of the namespace in force.
fn lock_path(state: &AppState) -> Option<PathBuf> {
    psn_core::vault::config_dir(state.namespace())
        .ok()
        .map(|dir| dir.join("watcher.lock"))
}

/// True when a watcher holds the lock for this settings folder.
pub fn watcher_running(state: &AppState) -> bool {
    let Some(path) = lock_path(state) else {
        return false;
    };
    let Ok(file) = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
    else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(_) => true,
    }
}

/// The watcher's lock file, kept open (and so locked) as app state.
pub struct WatcherLock(pub File);

/// Takes the watcher's lock; `None` when another watcher holds it. Keep the file for the
/// process's life.
pub fn claim_watcher(state: &AppState) -> Option<File> {
    let path = lock_path(state)?;
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        let _ = builder.create(dir);
    }
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// The watcher opens the window (on the wizard for `account`, if given).
pub fn open_window(account: Option<&str>) {
    let result = match account {
        Some(id) => spawn_self(&[WIZARD_FOR_ARG, id]),
        None => spawn_self(&[]),
    };
    if let Err(e) = result {
        tracing::warn!("the window could not be started: {e}");
    }
}

/// The tray's Quit: closes the window, if one is open, and ends the watcher.
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = spawn_self(&[QUIT_ARG]) {
        tracing::warn!("the window could not be told to quit: {e}");
    }
    app.exit(0);
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
    crate::tray::changed(app);
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
