//! A bare Tauri 2 window with a static page, built by `bench/run` as the baseline for the app.
//! Like the app, with `PSN_AUTH_TRACE_STARTUP` set it prints `hello: first-paint-ms N` on stderr
//! when the page reports (two animation frames after it loaded) that it has painted.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

#[tauri::command]
fn ui_ready() {
    if std::env::var_os("PSN_AUTH_TRACE_STARTUP").is_none() {
        return;
    }
    if let Some(started) = STARTED.get() {
        eprintln!("hello: first-paint-ms {}", started.elapsed().as_millis());
    }
}

fn main() {
    STARTED.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!())
        .expect("error while running the hello-world");
}
