//! The [`Accounts`] value: one client, one vault, one settings file, and the calls that reach
//! the latter two off the async workers.

use std::sync::Arc;

use super::settings::{Checked, Settings, SettingsData};
use crate::client::PsnClient;
use crate::error::{Error, Result};
use crate::refresh::RefreshPolicy;
use crate::tokens::TokenSet;
use crate::vault::Vault;

/// Sign-in, tokens and accounts over one client, one vault and one settings file. Cheap to
/// clone.
#[derive(Debug, Clone)]
pub struct Accounts {
    pub(super) client: PsnClient,
    pub(super) vault: Vault,
    pub(super) settings: Arc<Settings>,
    pub(super) local_lock: Arc<tokio::sync::Mutex<()>>,
    pub(super) policy: RefreshPolicy,
}

impl Accounts {
    pub fn new(client: PsnClient, vault: Vault, settings: Settings) -> Self {
        Self {
            client,
            vault,
            settings: Arc::new(settings),
            local_lock: Arc::new(tokio::sync::Mutex::new(())),
            policy: RefreshPolicy::default(),
        }
    }

    /// Everything in memory until the process exits: the explicit choice offered when no
    /// keychain is available.
    pub fn session_only(client: PsnClient) -> Self {
        Self::new(client, Vault::session_only(), Settings::in_memory())
    }

    /// The refresh rule it follows.
    pub fn policy(&self) -> &RefreshPolicy {
        &self.policy
    }

    pub fn client(&self) -> &PsnClient {
        &self.client
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Runs a keychain or settings call off the async workers: a keychain call may take up to
    /// its timeout.
    pub(super) async fn storage<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Vault, &Settings) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let vault = self.vault.clone();
        let settings = self.settings.clone();
        tokio::task::spawn_blocking(move || f(&vault, &settings))
            .await
            .expect("storage task panicked")
    }

    /// The keychain's set for an account id already resolved.
    pub(super) async fn load(&self, id: &str) -> Result<TokenSet> {
        let key = id.to_owned();
        self.storage(move |vault, _| Ok(vault.load(&key)?))
            .await?
            .ok_or_else(|| Error::UnknownAccount(id.to_owned()))
    }

    /// `accounts.json`, after [`reconcile`](Self::reconcile) when a save was cut short.
    pub(super) async fn read_settings(&self) -> Result<SettingsData> {
        let data = match self.storage(|_, settings| settings.read_checked()).await? {
            Checked::Data(data) => data,
            Checked::Damaged { .. } => self.recover_settings().await?,
        };
        if data.saving.is_empty() {
            return Ok(data);
        }
        self.reconcile().await
    }
}
