//! What every command starts from: Sony's endpoints (or the overrides, with a warning on
//! stderr while one is set) and the account service over the keychain vault the app uses, in
//! the namespace of those endpoints.

use psn_core::vault::Namespace;
use psn_core::{Accounts, Endpoints, PsnClient, Settings, Vault};

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
    let namespace = Namespace::for_endpoints(&endpoints);
    let settings = Settings::open(&namespace)?;
    let vault = match check {
        Check::Now => Vault::open(&namespace)?,
        Check::AtFirstSave => Vault::open_lazy(&namespace),
    };
    Ok(Accounts::new(PsnClient::new(endpoints)?, vault, settings))
}
