//! Shared by the keychain tests: they run only inside the README's test command, which starts
//! a private D-Bus session with a fresh gnome-keyring and sets `PSN_AUTH_TEST_KEYRING=1`.

#![allow(dead_code)]

/// True when a real Secret Service was set up for this run. Outside the test command the
/// keychain tests say they were skipped (a developer's own keyring is never touched).
pub fn keyring_available() -> bool {
    if std::env::var_os("PSN_AUTH_TEST_KEYRING").is_some() {
        return true;
    }
    eprintln!("skipped: needs the private gnome-keyring that scripts/test starts");
    false
}

/// A keychain service name of this test alone.
pub fn unique_service(tag: &str) -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).unwrap();
    format!(
        "psn-auth-test-{tag}-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}
