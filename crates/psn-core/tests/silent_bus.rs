//! A D-Bus "session bus" that accepts the connection and then never answers, as a wedged daemon
//! does: the keychain call is abandoned after the bound with a typed error. Its own process,
//! because it changes the D-Bus address for the whole process.
//! Linux only: it is about the Secret Service's D-Bus transport.

#![cfg(target_os = "linux")]

use std::os::unix::net::UnixListener;
use std::time::{Duration, Instant};

use psn_core::vault::KEYCHAIN_TIMEOUT;
use psn_core::Vault;

#[test]
fn a_bus_that_never_answers_is_abandoned_after_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("silent-bus");
    let listener = UnixListener::bind(&socket).unwrap();
    let _accepting = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", socket.display()),
    );
    let started = Instant::now();
    let err = Vault::open_service("psn-auth-test-silent").unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.kind(), "keychain_timeout", "{err}");
    assert!(
        waited >= KEYCHAIN_TIMEOUT - Duration::from_millis(100),
        "{waited:?}"
    );
    assert!(
        waited < KEYCHAIN_TIMEOUT + Duration::from_secs(2),
        "{waited:?}"
    );
    assert!(err.to_string().contains("did not answer within 3 s"));

    assert!(!dir.path().join("cfg").exists(), "no file fallback");
}
