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

/// WebKit's rendering variables: when the user set one, their choice stands.
#[cfg(target_os = "linux")]
const WEBKIT_RENDERER_VARS: [&str; 2] = [
    "WEBKIT_SKIA_ENABLE_CPU_RENDERING",
    "WEBKIT_DISABLE_COMPOSITING_MODE",
];

/// Linux: with no GPU render node (`/dev/dri/renderD*`: virtual machines, remote and headless
/// sessions), Mesa runs WebKitGTK's GPU renderer in software (llvmpipe), compiling each Skia
/// shader with LLVM; Skia's own CPU renderer paints the same first screen in about half the time
/// (bench/notes.md). So without a GPU the window asks WebKit for the CPU renderer, unless the
/// user chose a renderer themselves. With a GPU nothing changes. Call before any thread starts:
/// the web processes inherit the environment.
#[cfg(target_os = "linux")]
pub fn prefer_cpu_rendering_without_gpu() {
    if WEBKIT_RENDERER_VARS
        .iter()
        .any(|var| std::env::var_os(var).is_some())
    {
        return;
    }
    if has_gpu_render_node(std::path::Path::new("/dev/dri")) {
        return;
    }
    // SAFETY: called first thing in `run`, before any other thread exists.
    unsafe { std::env::set_var(WEBKIT_RENDERER_VARS[0], "1") };
}

#[cfg(not(target_os = "linux"))]
pub fn prefer_cpu_rendering_without_gpu() {}

/// Whether `dri` (normally `/dev/dri`) holds a render node, `renderD128` and up.
#[cfg(target_os = "linux")]
fn has_gpu_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::has_gpu_render_node;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dri = tempfile::tempdir().unwrap();
        assert!(!has_gpu_render_node(&dri.path().join("missing")));
        std::fs::write(dri.path().join("card0"), "").unwrap();
        assert!(
            !has_gpu_render_node(dri.path()),
            "a card alone draws no pixels for us"
        );
        std::fs::write(dri.path().join("renderD128"), "").unwrap();
        assert!(has_gpu_render_node(dri.path()));
    }
}
