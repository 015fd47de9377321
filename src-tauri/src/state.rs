//! What the window keeps while it runs: the account service (once the keychain answered), the
//! endpoints in force, the demo stand-in when `--demo` is on, and the clipboard.

use std::sync::atomic::{AtomicBool, Ordering};

use psn_core::vault::Namespace;
use psn_core::{Accounts, Endpoints, PsnClient, Vault, VaultError};
use psn_standin::StandIn;
use serde::Serialize;
use tokio::sync::RwLock;

use crate::background::Watch;
use crate::clipboard::SecretClipboard;
use crate::error::{CommandError, CommandResult};
use crate::refresher::RefreshControl;
use crate::view::{AppView, Screen};

/// How the app was started.
pub struct Launch {
    pub endpoints: Endpoints,
    pub namespace: Namespace,
    /// Keeps the demo stand-in serving while the app runs.
    pub demo: Option<StandIn>,
}

impl Launch {
    /// From the command line and environment: `--demo`, `PSN_AUTH_BASE_URL`,
    /// `PSN_API_BASE_URL`.
    pub fn from_args(args: &[String]) -> Result<Self, String> {
        if args.iter().any(|a| a == "--demo") {
            let standin =
                tauri::async_runtime::block_on(StandIn::start(psn_standin::Config::demo()))
                    .map_err(|e| format!("could not start the demo stand-in: {e}"))?;
            let endpoints = Endpoints::single(&standin.url()).map_err(|e| e.to_string())?;
            return Ok(Self {
                endpoints,
                namespace: Namespace::Demo,
                demo: Some(standin),
            });
        }
        let endpoints = Endpoints::from_env().map_err(|e| e.to_string())?;
        Ok(Self {
            namespace: Namespace::for_endpoints(&endpoints),
            endpoints,
            demo: None,
        })
    }
}

/// Facts for the window's banners and first screen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub demo: bool,
    pub overrides: Vec<String>,
    pub session_only: bool,
    pub clipboard_clear_secs: u64,
    /// Whether PSN Auth starts (in the tray) at login; `None` where that cannot be told.
    pub start_at_login: Option<bool>,
}

pub struct AppState {
    launch: Launch,
    client: PsnClient,
    accounts: RwLock<Option<Result<Accounts, VaultError>>>,
    pub clipboard: SecretClipboard,
    /// The background refresher's schedule, told when the user acts.
    pub refresh: RefreshControl,
    /// What the window opens on (a clicked reminder).
    pub watch: Watch,
    signing_in: AtomicBool,
    /// The NPSSO Paste read from the clipboard, kept here for the next sign-in (the page never
    /// holds it).
    pasted: std::sync::Mutex<Option<psn_core::Npsso>>,
    /// Avatars as `data:` URLs by account id, fetched once per run.
    avatars: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl AppState {
    pub fn new(launch: Launch) -> Result<Self, String> {
        let client = PsnClient::new(launch.endpoints.clone()).map_err(|e| e.to_string())?;
        Ok(Self {
            launch,
            client,
            accounts: RwLock::new(None),
            clipboard: SecretClipboard::from_env(),
            refresh: RefreshControl::default(),
            watch: Watch::default(),
            signing_in: AtomicBool::new(false),
            pasted: Default::default(),
            avatars: Default::default(),
        })
    }

    /// A state over a vault chosen by the caller (tests: the in-memory one).
    pub fn with_vault(launch: Launch, vault: Vault) -> Result<Self, String> {
        let state = Self::new(launch)?;
        let accounts = Accounts::new(state.client.clone(), vault);
        *state.accounts.try_write().expect("fresh lock") = Some(Ok(accounts));
        Ok(state)
    }

    /// Whose keychain entries and settings folder are in use.
    pub fn namespace(&self) -> &Namespace {
        &self.launch.namespace
    }

    pub fn is_demo(&self) -> bool {
        self.launch.demo.is_some()
    }

    pub fn demo_url(&self) -> Option<String> {
        self.launch.demo.as_ref().map(StandIn::url)
    }

    /// Where requests go (Sony, an override, or the demo stand-in): also the pages to open.
    pub fn endpoints(&self) -> &Endpoints {
        &self.launch.endpoints
    }

    /// The account service; opens the keychain on first use (off the async workers: the
    /// self-check is a few D-Bus round trips, bounded at 3 s each).
    pub async fn accounts(&self) -> CommandResult<Accounts> {
        if let Some(result) = self.accounts.read().await.as_ref() {
            return result.clone().map_err(CommandError::from);
        }
        let mut slot = self.accounts.write().await;
        if slot.is_none() {
            *slot = Some(self.open_keychain().await);
        }
        slot.as_ref()
            .expect("just set")
            .clone()
            .map_err(CommandError::from)
    }

    async fn open_keychain(&self) -> Result<Accounts, VaultError> {
        let namespace = self.launch.namespace.clone();
        let started = std::time::Instant::now();
        let vault = tauri::async_runtime::spawn_blocking(move || Vault::open(&namespace))
            .await
            .expect("keychain task panicked");
        tracing::debug!(
            elapsed_ms = psn_core::log::elapsed_ms(started),
            ok = vault.is_ok(),
            "keychain opened"
        );
        let vault = vault?;
        Ok(Accounts::new(self.client.clone(), vault))
    }

    /// Tries the keychain again (after the user started or unlocked it).
    pub async fn retry_keychain(&self) {
        let result = self.open_keychain().await;
        *self.accounts.write().await = Some(result);
        self.refresh.keychain_changed();
    }

    /// The explicit choice when there is no keychain: tokens in memory until the app quits.
    pub async fn use_session_only(&self) {
        let accounts = Accounts::new(self.client.clone(), Vault::session_only());
        *self.accounts.write().await = Some(Ok(accounts));
        self.refresh.keychain_changed();
    }

    pub async fn info(&self) -> AppInfo {
        let result = self.accounts().await;
        AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            demo: self.is_demo(),
            overrides: self.launch.endpoints.overrides.clone(),
            session_only: result.as_ref().is_ok_and(|a| a.vault().is_session_only()),
            clipboard_clear_secs: self.clipboard.clear_after().as_secs(),
            start_at_login: None,
        }
    }

    /// The screen the data calls for (the UI may show the wizard over it when asked).
    pub async fn screen(&self) -> Screen {
        let accounts = match self.accounts().await {
            Ok(accounts) => accounts,
            Err(e) => return Screen::Keychain(e),
        };
        match accounts.overview().await {
            Err(e) => Screen::Error(e.into()),
            Ok(overview) => Screen::for_overview(overview),
        }
    }

    /// Banners and the screen, for the first paint and after a keychain choice.
    pub async fn view(&self) -> AppView {
        let started = std::time::Instant::now();
        let view = AppView {
            info: self.info().await,
            screen: self.screen().await,
            open_wizard_for: self.watch.take_wizard_for(),
        };
        tracing::debug!(
            elapsed_ms = psn_core::log::elapsed_ms(started),
            "view ready"
        );
        view
    }

    /// The account's avatar as a `data:` URL, downloaded in Rust once per run. Best effort:
    /// without one the window shows the label's first letter.
    pub async fn avatar(&self, account_id: &str) -> Option<String> {
        if let Some(hit) = self.avatars.lock().unwrap().get(account_id) {
            return Some(hit.clone());
        }
        let accounts = self.accounts().await.ok()?;
        let url = accounts.summary(account_id).await.ok()?.avatar_url?;
        let image = match self.client.avatar(&url).await {
            Ok(image) => image,
            Err(e) => {
                tracing::info!(kind = %e.kind(), "avatar not shown");
                return None;
            }
        };
        use base64::Engine;
        let data_url = format!(
            "data:{};base64,{}",
            image.content_type,
            base64::engine::general_purpose::STANDARD.encode(&image.bytes)
        );
        self.avatars
            .lock()
            .unwrap()
            .insert(account_id.to_owned(), data_url.clone());
        Some(data_url)
    }

    /// Writes the account's calendar reminder into the Downloads folder (else the home folder)
    /// as `psn-auth-<label>.ics`, replacing an older one; the path.
    pub async fn save_calendar_reminder(&self, account_id: &str) -> CommandResult<String> {
        let account = self.accounts().await?.summary(account_id).await?;
        let text = psn_core::reminders::calendar(&account, chrono::Utc::now());
        let dir = dirs_download().ok_or_else(|| {
            CommandError::app(
                crate::error::FILES,
                psn_core::Remedy::Other,
                "There is no Downloads or home folder to save the calendar file in.",
            )
        })?;
        let safe: String = account
            .label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("psn-auth-{safe}.ics"));
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| {
                CommandError::app(
                    crate::error::FILES,
                    psn_core::Remedy::Other,
                    format!(
                        "The calendar file could not be saved in {}: {e}",
                        dir.display()
                    ),
                )
            })?;
        tracing::info!(account = %account_id, "calendar reminder saved");
        Ok(path.display().to_string())
    }

    /// Keeps (or forgets, with `None`) the NPSSO Paste found.
    pub fn keep_pasted(&self, npsso: Option<psn_core::Npsso>) {
        *self.pasted.lock().unwrap() = npsso;
    }

    /// The pasted NPSSO, still kept for a Retry; a successful sign-in, typed input or a new
    /// Paste replaces it.
    pub fn pasted(&self) -> Option<psn_core::Npsso> {
        self.pasted.lock().unwrap().clone()
    }

    /// Marks a sign-in as running; `None` when one already is (a second press does nothing).
    pub fn is_signing_in(&self) -> bool {
        self.signing_in.load(Ordering::Acquire)
    }

    pub fn begin_sign_in(&self) -> Option<SignInGuard<'_>> {
        self.signing_in
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| SignInGuard(&self.signing_in))
    }
}

pub struct SignInGuard<'a>(&'a AtomicBool);

impl Drop for SignInGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The user's Downloads folder, else their home folder.
fn dirs_download() -> Option<std::path::PathBuf> {
    dirs::download_dir().or_else(dirs::home_dir)
}
