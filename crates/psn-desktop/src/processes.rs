//! The contract between PSN Auth's two processes, in one place both import: the binaries'
//! names, the arguments one passes the other, how one starts the other, and the start-at-login
//! entry. The window (`psn-auth-app`, Tauri) registers start at login through
//! tauri-plugin-autostart and the watcher (`psn-auth-watcher`) through auto-launch: both write
//! the entry named [`AUTOSTART_NAME`] running [`WINDOW_BIN`] with [`BACKGROUND_ARG`], and a test
//! holds these names to `tauri.conf.json`.
//!
//! - the window starts the watcher when none runs ([`spawn_watcher`]); start at login runs
//!   `psn-auth-app --background`, which starts the watcher and exits;
//! - the watcher opens the window by starting it ([`open_window`]; with [`WIZARD_FOR_ARG`] for a
//!   clicked reminder), and closes it with [`QUIT_ARG`]: a window already open gets those
//!   arguments through the single-instance plugin.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The window's binary (the app crate's `[[bin]]`).
pub const WINDOW_BIN: &str = "psn-auth-app";
/// The watcher's binary, installed beside the window's.
pub const WATCHER_BIN: &str = "psn-auth-watcher";
/// The start-at-login entry's name: the app's `productName`.
pub const AUTOSTART_NAME: &str = "PSN Auth";

/// Starts the watcher and exits (what start at login runs).
pub const BACKGROUND_ARG: &str = "--background";
/// Tells a running window to close (the tray's Quit).
pub const QUIT_ARG: &str = "--quit";
/// Opens the window on the wizard for an account (a clicked reminder).
pub const WIZARD_FOR_ARG: &str = "--wizard-for";

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

/// `name` (with `.exe` on Windows) in the folder of the running binary.
pub fn sibling(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    Some(exe.parent()?.join(file))
}

/// Starts `name` from this binary's folder with `args`, detached from our stdin.
fn spawn_sibling(name: &str, args: &[&str]) -> std::io::Result<()> {
    let path = sibling(name).filter(|p| p.exists()).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{name} is not installed beside this program"),
        )
    })?;
    Command::new(path)
        .args(args)
        .stdin(Stdio::null())
        .spawn()
        .map(drop)
}

/// Starts `psn-auth-watcher` (it exits at once if one runs).
pub fn spawn_watcher() -> std::io::Result<()> {
    spawn_sibling(WATCHER_BIN, &[])
}

/// Tells an open window to close.
pub fn quit_window() -> std::io::Result<()> {
    spawn_sibling(WINDOW_BIN, &[QUIT_ARG])
}

/// Opens the window (on the wizard for `account`, when a reminder was clicked).
pub fn open_window(account: Option<&str>) {
    let result = match account {
        Some(id) => spawn_sibling(WINDOW_BIN, &[WIZARD_FOR_ARG, id]),
        None => spawn_sibling(WINDOW_BIN, &[]),
    };
    if let Err(e) = result {
        tracing::warn!("the window could not be started: {e}");
    }
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

    /// A file of the workspace, from this crate's folder.
    fn workspace_file(path: &str) -> String {
        let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
    }

    /// The window's config names the same product as the watcher's start-at-login entry, and
    /// the binaries are the ones both processes start, so each finds the other and both write
    /// one entry.
    #[test]
    fn the_contract_matches_tauri_conf() {
        let conf: serde_json::Value =
            serde_json::from_str(&workspace_file("src-tauri/tauri.conf.json")).unwrap();
        assert_eq!(conf["productName"], AUTOSTART_NAME);
        let app = workspace_file("src-tauri/Cargo.toml");
        assert!(
            app.contains(&format!("name = \"{WINDOW_BIN}\"")),
            "the app's [[bin]]"
        );
        let watcher = workspace_file("crates/psn-auth-watcher/Cargo.toml");
        assert!(
            watcher.contains(&format!("name = \"{WATCHER_BIN}\"")),
            "the watcher's name"
        );
        let sidecar = workspace_file("src-tauri/watcher-sidecar.json");
        assert!(
            sidecar.contains(&format!("binaries/{WATCHER_BIN}\"")),
            "the watcher ships beside the app: {sidecar}"
        );
    }
}
