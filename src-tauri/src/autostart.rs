//! Start at login: the entry `psn_desktop::processes::autostart` builds, the same the watcher's
//! tray writes (per user, its path quoted on Windows).

use psn_core::Remedy;

use crate::error::{CommandError, CommandResult, AUTOSTART};

fn autostart_error(e: impl std::fmt::Display) -> CommandError {
    tracing::warn!("start at login: {e}");
    CommandError::app(
        AUTOSTART,
        Remedy::Other,
        format!("Start at login could not be changed: {e}"),
    )
}

fn entry() -> CommandResult<auto_launch::AutoLaunch> {
    psn_desktop::processes::autostart().ok_or_else(|| autostart_error("not available"))
}

/// Whether PSN Auth starts at login.
pub fn start_at_login() -> CommandResult<bool> {
    entry()?.is_enabled().map_err(autostart_error)
}

/// Turns start at login on or off; the state it is in afterwards.
pub fn set_start_at_login(enabled: bool) -> CommandResult<bool> {
    let entry = entry()?;
    let result = if enabled {
        entry.enable()
    } else {
        entry.disable()
    };
    result.map_err(autostart_error)?;
    tracing::info!(enabled, "start at login changed");
    start_at_login()
}
