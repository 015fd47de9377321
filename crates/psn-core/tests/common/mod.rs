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

/// A token set whose three JWT-like tokens are `len` characters long (the access token starts
/// `access.<tag>.`), fresh now: an hour for the access token, 60 days for the refresh token.
pub fn token_set(tag: &str, len: usize) -> psn_core::TokenSet {
    use psn_core::{AccessToken, IdToken, RefreshToken};
    let now = chrono::Utc::now();
    let make = |name: &str| {
        let mut s = format!("{name}.{tag}.");
        while s.len() < len {
            s.push_str("eyJhbGciOiJSUzI1NiJ9");
        }
        s.truncate(len);
        s
    };
    psn_core::TokenSet {
        access_token: AccessToken::new(make("access")),
        refresh_token: RefreshToken::new(make("refresh")),
        id_token: Some(IdToken::new(make("id"))),
        token_type: "bearer".into(),
        scope: "psn:mobile.v2.core psn:clientapp".into(),
        obtained_at: now,
        access_expires_at: now + chrono::Duration::seconds(3599),
        refresh_expires_at: now + chrono::Duration::seconds(5_183_999),
    }
}

/// The account service over `vault` and `settings`, asking the stand-in at `url` (with the
/// client's time-outs, when given).
pub fn accounts_at(
    url: &str,
    vault: &psn_core::Vault,
    settings: psn_core::Settings,
    timeout: Option<std::time::Duration>,
) -> psn_core::Accounts {
    let endpoints = psn_core::Endpoints::single(url).unwrap();
    let client = match timeout {
        Some(timeout) => psn_core::PsnClient::with_config(
            endpoints,
            psn_core::client::ClientConfig {
                timeout,
                connect_timeout: timeout,
                ..Default::default()
            },
        ),
        None => psn_core::PsnClient::new(endpoints),
    };
    psn_core::Accounts::new(client.unwrap(), vault.clone(), settings)
}

/// Signs `accounts` in with the stand-in's NPSSO; the account's id.
pub async fn sign_in(standin: &psn_standin::StandIn, accounts: &psn_core::Accounts) -> String {
    accounts
        .sign_in(&psn_core::parse_npsso(&standin.npsso()).unwrap())
        .await
        .unwrap()
        .account
        .account_id
}
