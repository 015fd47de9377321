//! The app's log at `trace` level holds every step and no secret: sign-in, refresh and copy
//! through the IPC, against the stand-in and the real Secret Service that `scripts/test` starts
//! (skipped without it, so a developer's own keyring is never touched). HTTP client crates'
//! trace output is included, not filtered off. The clipboard needs the X display `scripts/test`
//! runs under.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use psn_core::{Accounts, Settings, Vault};
use serde_json::json;

/// Everything logged, from every thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_trace_log_of_sign_in_refresh_and_copy_holds_no_secret() {
    if std::env::var_os("PSN_AUTH_TEST_KEYRING").is_none() {
        eprintln!("skipped: needs the private gnome-keyring that scripts/test starts");
        return;
    }
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let settings = tempfile::tempdir().unwrap();
    let service = format!("psn-auth-test-logs-{}", std::process::id());
    let dir = settings.path().to_owned();
    let h = common::harness_with(move |client| {
        let vault = Vault::open_service(&service).expect("keychain");
        Accounts::new(client, vault, Settings::on_disk(&dir))
    });
    let id = h.sign_in()["accountId"].as_str().unwrap().to_owned();
    h.invoke("refresh_now", json!({ "accountId": id })).unwrap();
    h.invoke("copy_token", json!({ "accountId": id, "which": "access" }))
        .unwrap();
    h.invoke("copy_token", json!({ "accountId": id, "which": "refresh" }))
        .unwrap();
    h.invoke("sign_out", json!({ "accountId": id })).unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for step in [
        "step=\"authorize\" status=302",
        "step=\"token\" status=200",
        "step=\"refresh\" status=200",
        "call=\"save\"",
        "call=\"load\"",
        "call=\"delete\"",
        "copied",
        "hyper_util",
    ] {
        assert!(log.contains(step), "no {step} in the log:\n{log}");
    }
    let secrets = h.standin.issued_secrets();
    assert!(
        secrets.len() >= 6,
        "NPSSO, code, access, refresh, id tokens"
    );
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "a secret reached the log:\n{log}"
        );
    }
}
