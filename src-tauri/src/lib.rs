//! PSN Auth's desktop app: a Tauri 2 window over `psn_core`.
//!
//! Window concerns only: start-up (`--demo`, endpoint overrides), the commands the webview may
//! call ([`commands`]) and the screen they describe ([`view`]), Sony's sign-in page in a window
//! of its own ([`sign_in_window`]), copying secrets to the clipboard ([`clipboard`]), refreshing
//! while the window is open ([`refresher`]), handing over to the watcher when it closes
//! ([`background`]), and one instance at a time. Every PSN rule lives in `psn_core`; what the
//! window shares with the watcher (`psn-auth-watcher`), in `psn_desktop`.

pub mod background;
pub mod clipboard;
pub mod commands;
pub mod error;
pub mod refresher;
pub mod sign_in_window;
pub mod startup;
pub mod state;
pub mod ui_assets;
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
            commands::set_start_at_login,
            commands::save_calendar_reminder,
        ])
}

/// Starts the app; returns when its window closes. `--background` starts the watcher instead
/// (what start at login runs) and returns at once; `--quit` closes a running window.
pub fn run() {
    startup::mark_process_start();
    startup::prefer_cpu_rendering_without_gpu();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == background::BACKGROUND_ARG) {
        background::start_watcher_and_exit();
    }
    if args.iter().any(|a| a == background::QUIT_ARG) {
        quit_running_window();
        return;
    }
    let state = match Launch::from_args(&args).and_then(AppState::new) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("psn-auth: {message}");
            std::process::exit(1);
        }
    };
    window(state, background::wizard_for_arg(&args));
}

/// `--quit`: hands the argument to a running window (single-instance) and exits either way.
fn quit_running_window() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|_, _, _| {}))
        .build(ui_assets::context());
    if let Ok(app) = app {
        app.run(|handle, event| {
            if let tauri::RunEvent::Ready = event {
                handle.exit(0);
            }
        });
    }
}

/// The window process: the wizard and the dashboard. Closing the window ends it.
fn window(state: AppState, wizard_for: Option<String>) {
    if let Some(url) = state.demo_url() {
        eprintln!("psn-auth: demo mode: a stand-in for Sony serves on {url}");
    }
    state.watch.set_wizard_for(wizard_for);
    let builder = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts: it shows the
        // window (or, from the watcher, quits it or opens a wizard).
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            background::second_launch(app, &args);
        }))
        // Start at login runs `psn-auth-app --background`, which starts the watcher.
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .arg(background::BACKGROUND_ARG)
                .build(),
        )
        // Only Rust opens pages (the two wizard buttons); the page's own links never reach the
        // browser through the plugin's injected click handler.
        .plugin(
            tauri_plugin_opener::Builder::new()
                .open_js_links_on_click(false)
                .build(),
        )
        .setup(|app| {
            if let Ok(dir) = app.path().app_log_dir() {
                if let Some(dir) = psn_desktop::logfile::init(&dir, "psn-auth") {
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
            background::show_main(app.handle());
            background::ensure_watcher(&app.state::<AppState>());
            Ok(())
        })
        .on_window_event(|window, event| {
            if window.label() == background::MAIN {
                if let tauri::WindowEvent::CloseRequested { .. } = event {
                    background::main_closed(window.app_handle());
                }
            }
        });
    let app = with_commands(builder, state)
        .build(ui_assets::context())
        .expect("the window could not be created");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            handle.state::<AppState>().clipboard.clear_on_exit();
        }
    });
}
