//! What gets logged, shared by the front ends (each decides where: the CLI to stderr, the app
//! to a file). The library emits `tracing` events for every exchange step (status, timing),
//! keychain call (timing, outcome) and refresh decision; no event carries a secret (they are
//! types without `Display`, see [`crate::secret`]), which a test checks at `trace` level.

/// A filter (`debug`, `psn_core=trace,info`, …: a level, and levels by target) that replaces
/// the default.
pub const ENV_LOG: &str = "PSN_AUTH_LOG";

/// The filter for a front end: `-v` given `verbosity` times wins (1 info, 2 debug, 3+ trace);
/// else `PSN_AUTH_LOG` when set; else `default`.
pub fn directives(verbosity: u8, default: &str) -> String {
    let from_flag = match verbosity {
        0 => None,
        1 => Some("info"),
        2 => Some("debug"),
        _ => Some("trace"),
    };
    if let Some(level) = from_flag {
        return level.to_owned();
    }
    std::env::var(ENV_LOG)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Milliseconds since `started`, for the `elapsed_ms` field of events.
pub fn elapsed_ms(started: std::time::Instant) -> u64 {
    started.elapsed().as_millis().try_into().unwrap_or(u64::MAX)
}

/// The app's identifier (`tauri.conf.json`), which names its folders.
pub const IDENTIFIER: &str = "dev.psnauth.desktop";

/// The platform's log folder for PSN Auth's window and watcher (the one Tauri's `app_log_dir`
/// gives the window), which `psn-auth doctor` names too.
pub fn log_dir() -> Option<std::path::PathBuf> {
    if cfg!(target_os = "macos") {
        return dirs::home_dir().map(|h| h.join("Library/Logs").join(IDENTIFIER));
    }
    dirs::data_local_dir().map(|d| d.join(IDENTIFIER).join("logs"))
}
