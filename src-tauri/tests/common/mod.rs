//! The app on Tauri's mock runtime (`tauri::test::mock_builder`), driven through its IPC as the
//! webview drives it, against the loopback stand-in. Shared by the command and log tests.
// Each test binary uses part of this module.
#![allow(dead_code)]

use psn_auth_app::{Launch, Services};
use psn_core::vault::Namespace;
use psn_core::{Accounts, Endpoints, PsnClient};
use psn_standin::{Config, StandIn};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

pub struct Harness {
    pub standin: StandIn,
    _app: tauri::App<tauri::test::MockRuntime>,
    window: tauri::WebviewWindow<tauri::test::MockRuntime>,
}

/// The app over a session-only vault.
pub fn harness() -> Harness {
    harness_with(Accounts::session_only)
}

/// The app over the account service `open` makes from its client.
pub fn harness_with(open: impl FnOnce(PsnClient) -> Accounts) -> Harness {
    harness_on(Config::default(), open)
}

/// The app against a stand-in configured as `config`, over the account service `open` makes.
pub fn harness_on(config: Config, open: impl FnOnce(PsnClient) -> Accounts) -> Harness {
    let standin = tauri::async_runtime::block_on(StandIn::start(config)).unwrap();
    let launch = Launch {
        endpoints: Endpoints::single(&standin.url()).unwrap(),
        namespace: Namespace::Real,
        demo: None,
    };
    let services = Services::with_accounts(launch, open).unwrap();
    let app = psn_auth_app::with_commands(mock_builder(), services)
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        standin,
        _app: app,
        window,
    }
}

impl Harness {
    /// The app, for what Rust calls without IPC (the tray's actions).
    pub fn handle(&self) -> tauri::AppHandle<tauri::test::MockRuntime> {
        self._app.handle().clone()
    }

    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    /// Signs in with the stand-in's NPSSO (as the ssocookie page shows it); the account.
    pub fn sign_in(&self) -> Value {
        self.sign_in_view()["account"].clone()
    }

    pub fn sign_in_view(&self) -> Value {
        let line = format!("{{\"npsso\":\"{}\"}}", self.standin.npsso());
        self.invoke("sign_in", json!({ "input": line })).unwrap()
    }

    /// The dashboard's data from the `screen` command.
    pub fn dashboard(&self) -> Value {
        let screen = self.invoke("screen", json!({})).unwrap();
        assert_eq!(screen["screen"], "dashboard", "{screen}");
        screen["data"].clone()
    }
}
