//! With no Secret Service reachable, the vault fails with a typed error that says what is
//! missing, within the bound, and never falls back to a file. One test per process: it changes
//! the D-Bus address for the whole process (and libdbus caches it once read).
//! Linux only: it is about the Secret Service's D-Bus transport.

#![cfg(target_os = "linux")]

use std::time::{Duration, Instant};

use psn_core::vault::KEYCHAIN_TIMEOUT;
use psn_core::Vault;

#[test]
fn no_secret_service_gives_a_typed_error_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();

    // 1. The bus address points nowhere.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}/no-bus", dir.path().display()),
    );
    let started = Instant::now();
    let err = Vault::open_service("psn-auth-test-nobus").unwrap_err();
    assert!(started.elapsed() < KEYCHAIN_TIMEOUT + Duration::from_secs(2));
    assert_eq!(err.kind(), "keychain_unavailable", "{err}");
    assert_eq!(err.kind().remedy(), psn_core::Remedy::FixKeychain);
    let message = err.to_string();
    assert!(message.contains("GNOME Keyring or KWallet"), "{message}");
    // What to do about it beyond the keychain itself is each front end's to say.
    assert!(!message.contains("memory"), "{message}");

    // Nothing was written to disk as a fallback.
    assert!(!dir.path().join("cfg").exists());

    // 2. The explicit session-only mode still works.
    let vault = Vault::session_only();
    assert!(vault.is_session_only());
}
