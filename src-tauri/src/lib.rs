//! PSN Auth's desktop app: a Tauri 2 window over `psn_core`.
//!
//! Window concerns only: start-up ([`launch`]: `--demo`, endpoint overrides), the commands the
//! webview may call ([`commands`], one-line adapters; their names in [`ipc`]) and the screen
//! they describe ([`view`]), the account service as the window holds it ([`accounts`]), a
//! sign-in from the window ([`sign_in`]) and Sony's sign-in page in a window of its own
//! ([`sign_in_window`]), copying secrets to the clipboard ([`clipboard`]), avatars
//! ([`avatars`]), the calendar file ([`calendar`]), refreshing while the window is open
//! ([`refresher`]), the main window ([`main_window`]), start at login ([`autostart`]), handing
//! over to the watcher when it closes ([`handover`]), and one instance at a time. Every PSN rule
//! lives in `psn_core`; what the window shares with the watcher (`psn-auth-watcher`), in
//! `psn_desktop`.
//!
//! Each service is managed on its own ([`Services`]); a command takes the ones it needs.

pub mod accounts;
pub mod autostart;
pub mod avatars;
pub mod calendar;
pub mod clipboard;
pub mod commands;
pub mod error;
pub mod handover;
pub mod ipc;
pub mod launch;
pub mod main_window;
#[cfg(test)]
mod page_contract;
pub mod refresher;
pub mod sign_in;
pub mod sign_in_window;
mod single_instance;
pub mod startup;
pub mod ui_assets;
pub mod view;

use psn_core::refresher::Refresher;
use psn_core::{Accounts, PsnClient};
use psn_desktop::clipboard::SecretClipboard;
use psn_desktop::processes::Invocation;
use tauri::{Manager, Runtime};

pub use accounts::AppAccounts;
pub use launch::Launch;

/// The window's services, each managed on its own by [`with_commands`].
pub struct Services {
    pub launch: Launch,
    pub accounts: AppAccounts,
    pub wizard: main_window::WizardRequest,
}

impl Services {
    /// The services for `launch`; the keychain opens on first use.
    pub fn new(launch: Launch) -> Result<Self, String> {
        let client = PsnClient::new(launch.endpoints.clone()).map_err(|e| e.to_string())?;
        Ok(Self {
            accounts: AppAccounts::new(client, launch.namespace.clone()),
            launch,
            wizard: Default::default(),
        })
    }

    /// Services over the account service `open` makes (tests: memory, or a test keychain).
    pub fn with_accounts(
        launch: Launch,
        open: impl FnOnce(PsnClient) -> Accounts,
    ) -> Result<Self, String> {
        let client = PsnClient::new(launch.endpoints.clone()).map_err(|e| e.to_string())?;
        Ok(Self {
            accounts: AppAccounts::with(client, launch.namespace.clone(), open),
            launch,
            wizard: Default::default(),
        })
    }
}

/// Registers the commands and the services on a builder: shared by [`run`] and the tests'
/// `tauri::test::mock_builder()`.
pub fn with_commands<R: Runtime>(
    builder: tauri::Builder<R>,
    services: Services,
) -> tauri::Builder<R> {
    builder
        .manage(services.launch)
        .manage(services.accounts)
        .manage(services.wizard)
        .manage(Refresher::default())
        .manage(SecretClipboard::from_env())
        .manage(sign_in::SignIn::default())
        .manage(avatars::Avatars::default())
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
    let invocation = Invocation::parse(&args);
    match invocation {
        Invocation::Background => handover::start_watcher_and_exit(),
        Invocation::Quit => {
            quit_running_window();
            return;
        }
        Invocation::Window | Invocation::WizardFor(_) => {}
    }
    let mut services = match Launch::from_args(&args).and_then(Services::new) {
        Ok(services) => services,
        Err(message) => {
            eprintln!("psn-auth: {message}");
            std::process::exit(1);
        }
    };
    let wizard_for = match invocation {
        Invocation::WizardFor(account) => Some(account),
        _ => None,
    };
    services.wizard = main_window::WizardRequest::new(wizard_for);
    window(services);
}

/// `--quit`: hands the argument to a running window (single-instance) and exits either way.
fn quit_running_window() {
    let app = tauri::Builder::default()
        .plugin(single_instance::init(|_, _, _| {}))
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
fn window(services: Services) {
    if let Some(url) = services.launch.demo_url() {
        eprintln!("psn-auth: demo mode: a stand-in for Sony serves on {url}");
    }
    let builder = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts: it shows the
        // window (or, from the watcher, quits it or opens a wizard).
        .plugin(single_instance::init(|app, args, _cwd| {
            main_window::second_launch(app, &args);
        }))
        .setup(|app| {
            if let Ok(dir) = app.path().app_log_dir() {
                if let Some(dir) = psn_desktop::logfile::init(&dir, "psn-auth") {
                    tracing::info!(version = env!("CARGO_PKG_VERSION"), log_dir = %dir.display(), "PSN Auth started");
                }
                tracing::debug!(since_main_ms = startup::since_start_ms(), "setup");
            }
            // Open the keychain (its probe is a few D-Bus round trips) while WebKit starts,
            // rather than when the page first asks.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<AppAccounts>().get().await;
            });
            refresher::spawn(app.handle().clone());
            main_window::show_main(app.handle());
            handover::ensure_watcher(&app.state::<Launch>());
            Ok(())
        })
        .on_window_event(|window, event| {
            if window.label() == main_window::MAIN {
                if let tauri::WindowEvent::CloseRequested { .. } = event {
                    handover::main_closed(window.app_handle());
                }
            }
        });
    let app = with_commands(builder, services)
        .build(ui_assets::context())
        .expect("the window could not be created");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            handle.state::<SecretClipboard>().clear_on_exit();
        }
    });
}
