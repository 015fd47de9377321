//! Start-up timing for the benchmarks: with `PSN_AUTH_TRACE_STARTUP=1` the app prints
//! `psn-auth: first-paint-ms N` on stderr when its page reports it has painted. Off by default.

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main`.
pub fn mark_process_start() {
    STARTED.get_or_init(Instant::now);
}

pub fn page_ready() {
    let Some(started) = STARTED.get() else { return };
    let ms = started.elapsed().as_millis();
    tracing::debug!(first_paint_ms = ms as u64, "first screen painted");
    if std::env::var_os("PSN_AUTH_TRACE_STARTUP").is_some() {
        eprintln!("psn-auth: first-paint-ms {ms}");
    }
}

/// Milliseconds since [`mark_process_start`], for start-up events in the log.
pub fn since_start_ms() -> u64 {
    STARTED.get().map_or(0, |s| psn_core::log::elapsed_ms(*s))
}
