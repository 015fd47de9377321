//! PSN Auth's desktop app: a Tauri 2 window over `psn_core`.
//!
//! Window concerns only: start-up (`--demo`, endpoint overrides), the commands the webview may
//! call ([`commands`]) and the screen they describe ([`view`]), Sony's sign-in page in a window
//! of its own ([`sign_in_window`]), copying secrets to the
//! clipboard ([`clipboard`]), refreshing in the background ([`refresher`]), the log file
//! ([`logging`]), and one instance at a time. Every PSN rule lives in `psn_core`.

pub mod clipboard;
pub mod commands;
pub mod error;
pub mod logging;
pub mod refresher;
pub mod sign_in_window;
pub mod startup;
pub mod state;
pub mod view;

use tauri::{Manager, Runtime};

pub use state::{AppState, Launch};

/// Registers the commands and the state on a builder: shared by [`run`] and the tests'
/// `tauri::test::mock_builder()`.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_view,
            commands::screen,
            commands::use_session_only,
            commands::retry_keychain,
            commands::validate_npsso,
            commands::paste_npsso,
            commands::sign_in,
            commands::open_sign_in_page,
            commands::open_ssocookie_page,
            sign_in_window::sign_in_here,
            commands::avatar,
            commands::copy_token,
            commands::refresh_now,
            commands::switch_account,
            commands::sign_out,
            commands::ui_ready,
        ])
}

/// Starts the app; returns when its window closes.
pub fn run() {
    startup::mark_process_start();
    let args: Vec<String> = std::env::args().collect();
    let state = match Launch::from_args(&args).and_then(AppState::new) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("psn-auth: {message}");
            std::process::exit(1);
        }
    };
    if let Some(url) = state.demo_url() {
        eprintln!("psn-auth: demo mode: a stand-in for Sony serves on {url}");
    }
    let builder = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        // Only Rust opens pages (the two wizard buttons); the page's own links never reach the
        // browser through the plugin's injected click handler.
        .plugin(
            tauri_plugin_opener::Builder::new()
                .open_js_links_on_click(false)
                .build(),
        )
        .setup(|app| {
            if let Ok(dir) = app.path().app_log_dir() {
                if let Some(dir) = logging::init(&dir) {
                    tracing::info!(version = env!("CARGO_PKG_VERSION"), log_dir = %dir.display(), "PSN Auth started");
                }
                tracing::debug!(since_main_ms = startup::since_start_ms(), "setup");
            }
            // Open the keychain (its self-check is a few D-Bus round trips) while WebKit starts,
            // rather than when the page first asks.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<AppState>().accounts().await;
            });
            refresher::spawn(app.handle().clone());
            // The version in the title bar: the one `psn-auth --version` and the package show.
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_title(&format!("PSN Auth {}", env!("CARGO_PKG_VERSION")));
            }
            Ok(())
        });
    let app = with_commands(builder, state)
        .build(tauri::generate_context!())
        .expect("the window could not be created");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            handle.state::<AppState>().clipboard.clear_on_exit();
        }
    });
}
