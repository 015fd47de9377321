//! Start at login, through tauri-plugin-autostart: the entry `psn_desktop::processes` describes,
//! the same the watcher's tray writes.

use psn_core::Remedy;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt as _;

use crate::error::{CommandError, CommandResult, AUTOSTART};

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
