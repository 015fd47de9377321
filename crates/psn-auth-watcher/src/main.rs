//! `psn-auth-watcher`: PSN Auth while its window is closed. The tray icon, the background
//! refresh and the reminders, in a process that links no WebKit, so waiting costs little
//! (`bench/run` measures it). Started by the window (`psn-auth-app`) when none runs, and by
//! start at login (`psn-auth-app --background` hands over to it). One per settings folder: it
//! holds `watcher.lock` there. It opens the window by starting `psn-auth-app` beside it.
//!
//! Threads: the main thread runs the platform's event loop (tao), which the tray needs; a tokio
//! runtime runs the refresh passes, the reminders and the menu's actions, and sends the tray's
//! new menu and tooltip back through the event loop.

mod tray;
mod watcher;

use psn_core::vault::Namespace;
use psn_core::{Endpoints, PsnClient};
use tao::event::{Event, StartCause};
use tao::event_loop::{ControlFlow, EventLoopBuilder};

use crate::watcher::Watcher;

/// What the runtime asks of the event loop's thread.
#[derive(Debug)]
pub enum ToTray {
    /// New menu entries and tooltip, after the accounts or start at login changed.
    Update(tray::TrayModel),
    /// Quit was chosen.
    Quit,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--version" || a == "-V") {
        println!("psn-auth-watcher {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    // No window ever shows here: GTK's GL probe would load Mesa (and LLVM, ~50 MB) for nothing.
    if std::env::var_os("GDK_GL").is_none() {
        // SAFETY: no other thread runs yet.
        unsafe { std::env::set_var("GDK_GL", "disable") };
    }
    let endpoints = match Endpoints::from_env() {
        Ok(endpoints) => endpoints,
        Err(e) => {
            eprintln!("psn-auth-watcher: {e}");
            std::process::exit(1);
        }
    };
    let namespace = Namespace::for_endpoints(&endpoints);
    let Some(_lock) = psn_desktop::watcher_lock::claim(&namespace) else {
        eprintln!("psn-auth-watcher: already running");
        return;
    };
    if let Some(dir) = psn_desktop::logfile::log_dir() {
        psn_desktop::logfile::init(&dir, "psn-auth-watcher");
    }
    if let Some(warning) = psn_core::client::trust::extra_ca_warning() {
        tracing::warn!("{warning}");
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "watcher started");

    let event_loop = EventLoopBuilder::<ToTray>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let client = PsnClient::new(endpoints).expect("the HTTP client starts");
    let watcher = Watcher::new(client, namespace, proxy.clone());
    let (handle, w) = (runtime.handle().clone(), watcher.clone());
    tray::on_menu_action(move |action| {
        let w = w.clone();
        handle.spawn(async move { w.perform(action).await });
    });
    let w = watcher.clone();
    runtime.spawn(async move { w.run().await });

    let mut icon = None;
    event_loop.run(move |event, _, flow| {
        *flow = ControlFlow::Wait;
        match event {
            Event::NewEvents(StartCause::Init) => {
                icon = tray::create();
                let w = watcher.clone();
                runtime.spawn(async move { w.update_tray().await });
            }
            Event::UserEvent(ToTray::Update(model)) => {
                if let Some(icon) = &icon {
                    tray::apply(icon, &model);
                }
            }
            Event::UserEvent(ToTray::Quit) => {
                watcher.clipboard().clear_on_exit();
                *flow = ControlFlow::Exit;
            }
            _ => {}
        }
    });
}
