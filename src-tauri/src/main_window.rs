//! The main window: built from `tauri.conf.json` when there is none, shown when PSN Auth is
//! launched again, and opened on the wizard when a reminder asks.

use std::sync::Mutex;

use psn_desktop::processes::Invocation;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::ipc::OPEN_WIZARD;

/// The main window's label (in `tauri.conf.json`, with `"create": false`).
pub const MAIN: &str = "main";

/// The account a clicked reminder asked the wizard for, until the page's first view takes it.
#[derive(Default)]
pub struct WizardRequest {
    account: Mutex<Option<String>>,
}

impl WizardRequest {
    pub fn new(account: Option<String>) -> Self {
        Self {
            account: Mutex::new(account),
        }
    }

    pub fn take(&self) -> Option<String> {
        self.account.lock().unwrap().take()
    }
}

/// Shows the main window, building it (and its webview) when there is none.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN) else {
        tracing::error!("no main window in the config");
        return;
    };
    let built = tauri::WebviewWindowBuilder::from_config(app, config).and_then(|builder| {
        builder
            // The version in the title bar: the one `psn-auth --version` and the package show.
            .title(format!("PSN Auth {}", env!("CARGO_PKG_VERSION")))
            .build()
    });
    if let Err(e) = built {
        tracing::error!("the window could not be created: {e}");
    }
}

/// A second launch reached the window process: `--quit` closes it, `--wizard-for ID` opens the
/// wizard for that account, anything else shows the window.
pub fn second_launch<R: Runtime>(app: &AppHandle<R>, args: &[String]) {
    match Invocation::parse(args) {
        Invocation::Quit => {
            tracing::info!("asked to quit");
            app.exit(0);
        }
        Invocation::WizardFor(account) => {
            show_main(app);
            let _ = app.emit_to(MAIN, OPEN_WIZARD, account);
        }
        Invocation::Window | Invocation::Background => show_main(app),
    }
}
