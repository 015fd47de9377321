//! The account service as the window holds it: opened on first use (the keychain's probe
//! is a few D-Bus round trips, bounded at 3 s each), kept with its error when no keychain
//! answered, opened again when the user asks, or replaced by memory only when the user chooses.

use psn_core::vault::Namespace;
use psn_core::{Accounts, PsnClient, Settings, Vault};
use tokio::sync::RwLock;

use crate::error::{CommandError, CommandResult};

pub struct AppAccounts {
    client: PsnClient,
    namespace: Namespace,
    slot: RwLock<Option<CommandResult<Accounts>>>,
}

impl AppAccounts {
    /// Opened from `namespace`'s keychain and settings folder when first asked for.
    pub fn new(client: PsnClient, namespace: Namespace) -> Self {
        Self {
            client,
            namespace,
            slot: RwLock::new(None),
        }
    }

    /// Over the service `open` makes from the client (tests: memory, or a test keychain).
    pub fn with(
        client: PsnClient,
        namespace: Namespace,
        open: impl FnOnce(PsnClient) -> Accounts,
    ) -> Self {
        let accounts = open(client.clone());
        Self {
            client,
            namespace,
            slot: RwLock::new(Some(Ok(accounts))),
        }
    }

    /// The account service; opens the keychain on first use.
    pub async fn get(&self) -> CommandResult<Accounts> {
        if let Some(result) = self.slot.read().await.as_ref() {
            return result.clone();
        }
        let mut slot = self.slot.write().await;
        if slot.is_none() {
            *slot = Some(self.open().await);
        }
        slot.as_ref().expect("just set").clone()
    }

    async fn open(&self) -> CommandResult<Accounts> {
        let namespace = self.namespace.clone();
        let started = std::time::Instant::now();
        let opened = tauri::async_runtime::spawn_blocking(move || {
            // PSN_AUTH_VAULT=file chooses the file vault here too (unlocked by its key file or
            // passphrase file: the window asks no passphrase of its own).
            let vault = Vault::open_chosen(&namespace, false, || None)?;
            Ok::<_, psn_core::Error>((Settings::open(&namespace)?, vault))
        })
        .await
        .expect("keychain task panicked");
        tracing::debug!(
            elapsed_ms = psn_core::log::elapsed_ms(started),
            ok = opened.is_ok(),
            "keychain opened"
        );
        let (settings, vault) = opened.map_err(CommandError::from)?;
        Ok(Accounts::new(self.client.clone(), vault, settings))
    }

    /// Tries the keychain again (after the user started or unlocked it).
    pub async fn retry_keychain(&self) {
        let result = self.open().await;
        *self.slot.write().await = Some(result);
    }

    /// The explicit choice when there is no keychain: tokens in memory until the app quits.
    pub async fn use_session_only(&self) {
        *self.slot.write().await = Some(Ok(Accounts::session_only(self.client.clone())));
    }

    /// True when tokens are kept in memory only.
    pub async fn is_session_only(&self) -> bool {
        self.get()
            .await
            .is_ok_and(|accounts| accounts.vault().is_session_only())
    }
}
