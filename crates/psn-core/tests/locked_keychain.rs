//! A locked keychain collection whose unlock prompt cannot be answered: a typed error that says
//! to unlock it, within the bound, and nothing written elsewhere.
//!
//! Locking the collection would break every other keychain test sharing the run's keyring, so
//! the test re-runs itself inside a D-Bus session and gnome-keyring of its own
//! (`dbus-run-session -- scripts/with-keyring`), without a display, so that the unlock prompt
//! fails the way a dismissed one does.
//! Linux only: it is about the Secret Service's D-Bus transport.

#![cfg(target_os = "linux")]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use psn_core::vault::KEYCHAIN_TIMEOUT;
use psn_core::Vault;

const INNER: &str = "PSN_AUTH_LOCKED_KEYCHAIN_INNER";

#[test]
fn a_locked_collection_gives_a_typed_error_within_the_bound() {
    if std::env::var_os(INNER).is_some() {
        return inner();
    }
    if !common::keyring_available() {
        return;
    }
    let runtime = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let with_keyring = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/with-keyring");
    let output = Command::new("dbus-run-session")
        .arg("--")
        .arg(with_keyring)
        .arg(std::env::current_exe().unwrap())
        .args([
            "a_locked_collection_gives_a_typed_error_within_the_bound",
            "--exact",
            "--nocapture",
        ])
        .env(INNER, "1")
        .env("XDG_RUNTIME_DIR", runtime.path())
        .env("XDG_DATA_HOME", data.path())
        .env_remove("DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("dbus-run-session runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "inner run failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("locked error:"), "{stdout}");
    eprintln!(
        "{}",
        stdout
            .lines()
            .find(|l| l.contains("locked error:"))
            .unwrap()
    );
}

fn inner() {
    let lock = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(lock.status.success(), "{lock:?}");

    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let err = Vault::open_service("psn-auth-test-locked").unwrap_err();
    let waited = started.elapsed();
    println!("locked error: {} ({err}) after {waited:?}", err.kind());
    assert_eq!(err.kind(), "keychain_locked", "{err:?}");
    assert!(
        waited < KEYCHAIN_TIMEOUT + Duration::from_secs(2),
        "{waited:?}"
    );
    assert!(err.to_string().contains("Unlock it"), "{err}");
    assert_eq!(err.kind().remedy(), psn_core::Remedy::FixKeychain);
    assert!(!dir.path().join("cfg").exists(), "no file fallback");
}
