//! PSN Auth's desktop app: a Tauri 2 window over `psn_core`.
//!
//! Window concerns only: start-up (`--demo`, `--background`, endpoint overrides), the commands
//! the webview may call ([`commands`]) and the screen they describe ([`view`]), Sony's sign-in
//! page in a window of its own ([`sign_in_window`]), copying secrets to the clipboard
//! ([`clipboard`]), refreshing in the background ([`refresher`]), running on with no window
//! ([`background`]) with a tray icon ([`tray`]) and notifications ([`notifications`]), the log
//! file ([`logging`]), and one instance at a time. Every PSN rule lives in `psn_core`.

pub mod background;
pub mod clipboard;
pub mod commands;
pub mod error;
pub mod logging;
pub mod notifications;
pub mod refresher;
pub mod sign_in_window;
pub mod startup;
pub mod state;
pub mod tray;
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

/// Starts the app: the window, or with `--background` the watcher (see [`background`]).
/// Returns when it quits.
pub fn run() {
    startup::mark_process_start();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == background::QUIT_ARG) && !args.iter().any(|a| a == "--demo") {
        // Nothing to quit if this became the first instance; a running window got the
        // arguments through the single-instance plugin (see `window`).
        quit_running_window(args);
        return;
    }
    let state = match Launch::from_args(&args).and_then(AppState::new) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("psn-auth: {message}");
            std::process::exit(1);
        }
    };
    if state.is_watcher() {
        watcher(state);
    } else {
        window(state, background::wizard_for_arg(&args));
    }
}

/// Tauri's context for this app (one copy of the embedded UI, whichever process starts).
fn context() -> tauri::Context {
    tauri::generate_context!()
}

/// Starts logging into Tauri's log folder, with file names that say which process wrote them.
fn start_logging<R: Runtime>(app: &tauri::App<R>, prefix: &str) {
    if let Ok(dir) = app.path().app_log_dir() {
        if let Some(dir) = logging::init(&dir, prefix) {
            tracing::info!(version = env!("CARGO_PKG_VERSION"), log_dir = %dir.display(), "PSN Auth started");
        }
        tracing::debug!(since_main_ms = startup::since_start_ms(), "setup");
    }
}

fn autostart_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    // Start at login runs the watcher: the tray, with no window.
    tauri_plugin_autostart::Builder::new()
        .arg(background::BACKGROUND_ARG)
        .build()
}

/// `--quit`: hands the argument to a running window (single-instance) and exits either way.
fn quit_running_window(_args: Vec<String>) {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|_, _, _| {}))
        .build(context());
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
        .plugin(autostart_plugin())
        // Only Rust opens pages (the two wizard buttons); the page's own links never reach the
        // browser through the plugin's injected click handler.
        .plugin(
            tauri_plugin_opener::Builder::new()
                .open_js_links_on_click(false)
                .build(),
        )
        .setup(|app| {
            start_logging(app, "psn-auth");
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
        .build(context())
        .expect("the window could not be created");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            handle.state::<AppState>().clipboard.clear_on_exit();
        }
    });
}

/// The watcher (`--background`): tray, background refresh and reminders, with no webview. Exits
/// at once when another watcher holds this settings folder's lock.
fn watcher(state: AppState) {
    // No window ever shows here: GTK's GL probe would load Mesa (and LLVM, ~50 MB) for nothing.
    if std::env::var_os("GDK_GL").is_none() {
        // SAFETY: no other thread runs yet (before Tauri, GTK or the async runtime start).
        unsafe { std::env::set_var("GDK_GL", "disable") };
    }
    let Some(lock) = background::claim_watcher(&state) else {
        eprintln!("psn-auth: the watcher is already running");
        return;
    };
    let builder = tauri::Builder::default()
        .plugin(autostart_plugin())
        .manage(state)
        .setup(move |app| {
            // Held, with the lock, for as long as the app runs.
            app.manage(background::WatcherLock(lock));
            start_logging(app, "psn-auth-watcher");
            if let Err(e) = tray::create(app.handle()) {
                tracing::warn!("no tray icon: {e}");
            }
            refresher::spawn(app.handle().clone());
            Ok(())
        });
    let app = builder
        .build(context())
        .expect("the watcher could not start");
    app.run(|handle, event| match event {
        // Windowless: only Quit ends it.
        tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } => api.prevent_exit(),
        tauri::RunEvent::Exit => handle.state::<AppState>().clipboard.clear_on_exit(),
        _ => {}
    });
}
