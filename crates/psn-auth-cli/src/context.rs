//! What every command starts from: Sony's endpoints (or the overrides, with a warning on
//! stderr while one is set) and the account service over the vault `PSN_AUTH_VAULT` chooses
//! (the keychain the app uses, or the encrypted file vault), in the namespace of those
//! endpoints.

use std::io::IsTerminal;

use psn_core::vault::Namespace;
use psn_core::{Accounts, Endpoints, PsnClient, Settings, Vault};
use zeroize::Zeroizing;

use crate::exit::Failure;

/// When the keychain proves it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Before anything else: `login`, which is about to save.
    Now,
    /// At the first save, if any: commands that mostly read start faster.
    AtFirstSave,
}

/// The account service for this run. An invalid override is an error before anything else.
pub fn accounts(check: Check) -> Result<Accounts, Failure> {
    let endpoints = Endpoints::from_env()?;
    for active in &endpoints.overrides {
        eprintln!(
            "psn-auth: warning: using {active} instead of Sony's servers (its accounts are kept \
             apart from Sony's)"
        );
    }
    if let Some(warning) = psn_core::client::trust::extra_ca_warning() {
        eprintln!("psn-auth: warning: {warning}");
    }
    let namespace = Namespace::for_endpoints(&endpoints);
    let client = PsnClient::new(endpoints)?;
    let settings = Settings::open(&namespace)?;
    let vault = std::thread::scope(|scope| {
        if check == Check::Now {
            // The request is coming: its client (the OS's certificates) is built meanwhile.
            scope.spawn(|| client.prepare());
        }
        Vault::open_chosen(&namespace, check == Check::AtFirstSave, ask_passphrase)
    })?;
    Ok(Accounts::new(client, vault, settings))
}

/// The endpoints in force and their namespace, without opening anything (`vault` commands).
pub fn namespace() -> Result<Namespace, Failure> {
    Ok(Namespace::for_endpoints(&Endpoints::from_env()?))
}

/// The file vault's passphrase, asked on the terminal without echo; `None` without one.
pub fn ask_passphrase() -> Option<Zeroizing<String>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    rpassword::prompt_password("Vault passphrase (it will not be shown): ")
        .ok()
        .map(Zeroizing::new)
}
