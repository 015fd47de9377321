//! The contract between PSN Auth's two processes, in one place both import: the binaries'
//! names, the arguments one passes the other, how one starts the other, and the start-at-login
//! entry. The window (`psn-auth-app`, Tauri) and the watcher (`psn-auth-watcher`) register start
//! at login through the one entry [`autostart`] builds: named [`AUTOSTART_NAME`], running
//! [`WINDOW_BIN`] with [`BACKGROUND_ARG`], for the current user only (HKCU on Windows, never
//! HKLM), its path quoted on Windows (the install folder has a space); a test holds these names
//! to `tauri.conf.json`.
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

/// Runs the demo (a stand-in for Sony inside the app); combines with any form below.
pub const DEMO_ARG: &str = "--demo";

/// What the window binary was started (or, as a second launch, asked) to do. Read once from the
/// whole argument list by [`Invocation::parse`]: each form is matched exactly, so an account id
/// can never turn into another argument (`--wizard-for --quit` does not quit), and a list
/// that is none of them just shows the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// No arguments (or unknown ones): show the window.
    Window,
    /// [`BACKGROUND_ARG`]: start the watcher and exit (start at login).
    Background,
    /// [`QUIT_ARG`]: close a running window.
    Quit,
    /// [`WIZARD_FOR_ARG`] `ID` or `--wizard-for=ID`: the wizard for that account.
    WizardFor(String),
}

impl Invocation {
    /// Reads `args` as the process got them (the program first). On Windows a second launch's
    /// arguments reach the first through a channel that joins them with `|`; an id with a `|`
    /// (or any character an account id never has) is refused, so it cannot be split into more.
    pub fn parse(args: &[String]) -> Self {
        let rest: Vec<&str> = args
            .iter()
            .skip(1)
            .map(String::as_str)
            .filter(|a| *a != DEMO_ARG)
            .collect();
        let account =
            |id: &str| psn_core::model::is_account_id(id).then(|| Self::WizardFor(id.to_owned()));
        let parsed = match rest.as_slice() {
            [] => Some(Self::Window),
            [arg] if *arg == BACKGROUND_ARG => Some(Self::Background),
            [arg] if *arg == QUIT_ARG => Some(Self::Quit),
            [arg, id] if *arg == WIZARD_FOR_ARG => account(id),
            [arg] => arg
                .strip_prefix(WIZARD_FOR_ARG)
                .and_then(|r| r.strip_prefix('='))
                .and_then(account),
            _ => None,
        };
        parsed.unwrap_or_else(|| {
            tracing::info!(
                count = rest.len(),
                "arguments not understood: showing the window"
            );
            Self::Window
        })
    }

    /// Whether `--demo` was given.
    pub fn demo(args: &[String]) -> bool {
        args.iter().skip(1).any(|a| a == DEMO_ARG)
    }
}

/// The start-at-login entry, the same from the window and the watcher.
pub fn autostart() -> Option<auto_launch::AutoLaunch> {
    let window = sibling(WINDOW_BIN)?;
    auto_launch::AutoLaunchBuilder::new()
        .set_app_name(AUTOSTART_NAME)
        .set_app_path(&entry_path(&window, cfg!(windows)))
        .set_args(&[BACKGROUND_ARG])
        .set_windows_enable_mode(auto_launch::WindowsEnableMode::CurrentUser)
        .build()
        .ok()
}

/// The program as the entry names it: on Windows in quotes, since the `Run` value is a command
/// line and `C:\Program Files\PSN Auth\…` has spaces (unquoted, Windows tries `C:\Program`).
fn entry_path(path: &std::path::Path, windows: bool) -> String {
    let path = path.display().to_string();
    if windows {
        format!("\"{path}\"")
    } else {
        path
    }
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

    fn parse(a: &[&str]) -> Invocation {
        let mut args = vec!["psn-auth-app".to_owned()];
        args.extend(a.iter().map(|s| s.to_string()));
        Invocation::parse(&args)
    }

    #[test]
    fn each_form_is_read_whole() {
        assert_eq!(parse(&[]), Invocation::Window);
        assert_eq!(parse(&["--demo"]), Invocation::Window);
        assert_eq!(parse(&["--background"]), Invocation::Background);
        assert_eq!(parse(&["--quit"]), Invocation::Quit);
        assert_eq!(
            parse(&["--wizard-for", "123"]),
            Invocation::WizardFor("123".into())
        );
        assert_eq!(
            parse(&["--wizard-for=456"]),
            Invocation::WizardFor("456".into())
        );
        assert_eq!(
            parse(&["--demo", "--wizard-for", "7"]),
            Invocation::WizardFor("7".into())
        );
        assert_eq!(parse(&["--wizard-for"]), Invocation::Window);
    }

    /// The third audit: matched anywhere in argv, `--wizard-for <id>` could turn into
    /// `--background` or `--quit`; on Windows an id with `|` could be split into more arguments.
    #[test]
    fn an_account_id_never_turns_into_another_argument() {
        assert_eq!(parse(&["--wizard-for", "--quit"]), Invocation::Window);
        assert_eq!(parse(&["--wizard-for", "--background"]), Invocation::Window);
        assert_eq!(parse(&["--wizard-for=--quit"]), Invocation::Window);
        assert_eq!(parse(&["--wizard-for", "1|--quit"]), Invocation::Window);
        // What the Windows channel makes of `1|--quit`: three arguments, none of the forms.
        assert_eq!(parse(&["--wizard-for", "1", "--quit"]), Invocation::Window);
        assert_eq!(parse(&["--quit", "--background"]), Invocation::Window);
        assert_eq!(parse(&["something", "--quit"]), Invocation::Window);
    }

    /// The third audit: the Windows entry is a command line, so a path with spaces is quoted.
    #[test]
    fn the_windows_entry_quotes_the_path() {
        let path = std::path::Path::new(r"C:\Program Files\PSN Auth\psn-auth-app.exe");
        assert_eq!(
            entry_path(path, true),
            r#""C:\Program Files\PSN Auth\psn-auth-app.exe""#
        );
        assert_eq!(
            entry_path(std::path::Path::new("/usr/bin/psn-auth-app"), false),
            "/usr/bin/psn-auth-app"
        );
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
