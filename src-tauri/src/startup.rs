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
    if std::env::var_os("PSN_AUTH_TRACE_STARTUP").is_none() {
        return;
    }
    if let Some(started) = STARTED.get() {
        eprintln!("psn-auth: first-paint-ms {}", started.elapsed().as_millis());
    }
}
