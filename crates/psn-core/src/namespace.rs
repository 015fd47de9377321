//! Where tokens are kept: each source of tokens has its own keychain service and settings
//! folder, so tokens from Sony are never listed, read, refreshed or overwritten by a demo or an
//! endpoint override, and an override's tokens never reach another host. Which namespace the
//! endpoints in force call for is decided beside them (`Namespace::for_endpoints`, in
//! [`endpoints`](crate::endpoints)).

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespace {
    /// Real PlayStation accounts, from Sony's own hosts.
    Real,
    /// The built-in demo stand-in's accounts.
    Demo,
    /// Accounts signed in through `PSN_AUTH_BASE_URL` / `PSN_API_BASE_URL`: one namespace per
    /// set of overrides, named by a hash of them.
    Override { id: String },
}

impl Namespace {
    /// Keychain service name, and the name of the config folder.
    pub fn service(&self) -> String {
        match self {
            Self::Real => "psn-auth".to_owned(),
            Self::Demo => "psn-auth-demo".to_owned(),
            Self::Override { id } => format!("psn-auth-override-{id}"),
        }
    }

    /// `<config dir>/psn-auth` (or `psn-auth-demo`, `psn-auth-override-…`): the settings folder,
    /// where `accounts.json` and the locks live. `None` when this system has no per-user config
    /// directory (no `HOME`).
    pub fn config_dir(&self) -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join(self.service()))
    }

    /// `<data dir>/psn-auth` (`$XDG_DATA_HOME/psn-auth` on Linux): where the file vault lives.
    pub fn data_dir(&self) -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join(self.service()))
    }
}
