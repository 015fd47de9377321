//! The log of the window and the watcher: one file a day in the platform's log folder
//! ([`log_dir`]: on Linux `~/.local/share/dev.psnauth.desktop/logs`, on macOS
//! `~/Library/Logs/dev.psnauth.desktop`, on Windows `%LOCALAPPDATA%\dev.psnauth.desktop\logs`,
//! as Tauri's `app_log_dir`), the last seven kept, each process under its own file name; debug
//! builds also write to stderr. `info` by default; `PSN_AUTH_LOG` takes a level, or levels by target
//! (`PSN_AUTH_LOG=debug`, `PSN_AUTH_LOG=psn_core=trace`). No event carries a secret: the
//! library's secrets have no `Display`, and a test reads a `trace` log of sign-in, refresh and
//! copy for them.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, Layer};

pub use psn_core::log::{log_dir, IDENTIFIER};

/// Files kept before the oldest is deleted.
const KEEP_FILES: usize = 7;

/// The log folder and its files are the owner's alone, as `accounts.json` is: they name
/// accounts. The folder is made (0700) before the appender looks into it, which also keeps
/// tracing-appender from printing "Error reading the log directory" on a first start; files
/// left readable by an older version are narrowed; and the process creates every later file
/// owner-only (umask 077), the daily log files included (the appender opens them itself).
fn owner_only(dir: &Path) {
    if let Err(e) = psn_core::fsutil::create_private_dir(dir) {
        eprintln!(
            "psn-auth: the log folder {} could not be made: {e}",
            dir.display()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: umask only sets the process's file-creation mask; it cannot fail.
        unsafe { libc::umask(0o077) };
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_file() {
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}

/// Starts logging into `dir`, in files named `<prefix>.<date>.log` (`psn-auth` for the window,
/// `psn-auth-watcher` for the watcher). Returns the folder, or `None` when it could not be used
/// (the app then runs without a log file rather than not at all).
pub fn init(dir: &Path, prefix: &str) -> Option<PathBuf> {
    owner_only(dir);
    let directives = psn_core::log::directives(0, "info");
    let filter = || {
        directives
            .parse::<Targets>()
            .unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO))
    };
    let file = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(prefix)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir);
    let file_layer = match file {
        Ok(appender) => Some(
            fmt::layer()
                .with_ansi(false)
                .with_writer(appender)
                .with_filter(filter()),
        ),
        Err(e) => {
            eprintln!("psn-auth: no log file in {}: {e}", dir.display());
            None
        }
    };
    let logged_to = file_layer.as_ref().map(|_| dir.to_owned());
    let stderr_layer = cfg!(debug_assertions).then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
    });
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    logged_to
}
