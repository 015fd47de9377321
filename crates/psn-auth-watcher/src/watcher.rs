//! The watcher's state and everything it does off the event loop's thread: the refresh pass
//! (the background refresher the window runs too, `psn_core::refresher`), the reminders (the
//! library's rule, `psn_core::reminders`, shown as desktop notifications and remembered in
//! `accounts.json`), and the tray menu's actions.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use psn_core::refresh::AfterFailure;
use psn_core::refresher::Refresher;
use psn_core::vault::Namespace;
use psn_core::{Accounts, PsnClient, Reminder, Settings, Vault, Which};
use psn_desktop::clipboard::SecretClipboard;
use psn_desktop::processes::{autostart, open_window, quit_window};
use tao::event_loop::EventLoopProxy;
use tokio::sync::OnceCell;

use crate::tray::{TrayAction, TrayModel};
use crate::ToTray;

#[derive(Clone)]
pub struct Watcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: PsnClient,
    namespace: Namespace,
    accounts: OnceCell<Accounts>,
    refresher: Refresher,
    clipboard: SecretClipboard,
    proxy: Mutex<EventLoopProxy<ToTray>>,
}

impl Watcher {
    pub fn new(client: PsnClient, namespace: Namespace, proxy: EventLoopProxy<ToTray>) -> Self {
        Self {
            inner: Arc::new(Inner {
                client,
                namespace,
                accounts: OnceCell::new(),
                refresher: Refresher::default(),
                clipboard: SecretClipboard::from_env(),
                proxy: Mutex::new(proxy),
            }),
        }
    }

    pub fn clipboard(&self) -> &SecretClipboard {
        &self.inner.clipboard
    }

    /// Refreshes what is due and sends the reminders that are due, then again when an account
    /// next needs attention (or a menu action asks), for ever.
    pub async fn run(&self) {
        self.inner.refresher.run(|| self.pass()).await
    }

    /// The account service over this namespace's keychain and settings. The keychain is not
    /// checked up front: the expiry reminders need only the settings file, and a locked
    /// keychain shows up as a failed refresh (and its own reminder).
    async fn accounts(&self) -> Option<Accounts> {
        let inner = &self.inner;
        inner
            .accounts
            .get_or_try_init(|| async {
                let settings = Settings::open(&inner.namespace)
                    .map_err(|e| tracing::warn!(kind = %e.kind(), "no settings folder"))?;
                let vault = Vault::open_chosen(&inner.namespace, true, || None)
                    .map_err(|e| tracing::warn!(kind = %e.kind(), "no vault"))?;
                Ok::<_, ()>(Accounts::new(inner.client.clone(), vault, settings))
            })
            .await
            .ok()
            .cloned()
    }

    fn send(&self, message: ToTray) {
        let _ = self.inner.proxy.lock().unwrap().send_event(message);
    }

    /// Refreshes what is due, sends the reminders that are due, redraws the tray; when an
    /// account next needs attention.
    async fn pass(&self) -> Option<DateTime<Utc>> {
        let accounts = self.accounts().await?;
        let pass = match self.inner.refresher.pass(&accounts).await {
            Ok(pass) => Some(pass),
            Err(e) => {
                tracing::debug!(kind = %e.kind(), "no refresh pass");
                None
            }
        };
        for (account_id, error, after) in pass.iter().flat_map(|p| p.failed.iter()) {
            // Said once (failure_reminder remembers): what stopped, and a keychain gone, which
            // is retried quietly but which the user may have to start again.
            let keychain = error.remedy() == psn_core::Remedy::FixKeychain;
            if *after != AfterFailure::Stopped && !keychain {
                continue;
            }
            match accounts
                .failure_reminder(account_id, error.kind(), Utc::now())
                .await
            {
                Ok(Some(reminder)) => self.remind(&accounts, &reminder).await,
                Ok(None) => {}
                Err(e) => tracing::debug!(kind = %e.kind(), "failure reminder not checked"),
            }
        }
        match accounts.reminders_due(Utc::now()).await {
            Ok(due) => {
                tracing::info!(due = due.len(), "reminders checked");
                for reminder in &due {
                    self.remind(&accounts, reminder).await;
                }
            }
            Err(e) => tracing::debug!(kind = %e.kind(), "reminders not checked"),
        }
        self.update_tray().await;
        pass?.next_wake
    }

    /// Shows `reminder` (clicking it opens the wizard for its account) and remembers it was
    /// shown: only then, so a desktop without a notification service gets it on a later pass.
    async fn remind(&self, accounts: &Accounts, reminder: &Reminder) {
        tracing::info!(account = %reminder.account_id, kind = ?reminder.kind, "reminder due");
        let account = reminder.account_id.clone();
        let click = Box::new(move || open_window(Some(&account)));
        if psn_desktop::notify::show(&reminder.title, &reminder.body, Some(click)).is_err() {
            return;
        }
        if let Err(e) = accounts.mark_reminded(reminder).await {
            tracing::warn!(kind = %e.kind(), "a reminder could not be recorded");
        }
    }

    /// The tray's menu and tooltip as the accounts and start at login now are.
    pub async fn tray_model(&self) -> TrayModel {
        let list = match self.accounts().await {
            Some(accounts) => accounts.list().await.unwrap_or_default(),
            None => Vec::new(),
        };
        TrayModel::new(
            &list,
            autostart().and_then(|a| a.is_enabled().ok()),
            Utc::now(),
        )
    }

    pub async fn update_tray(&self) {
        let model = self.tray_model().await;
        self.send(ToTray::Update(model));
    }

    /// Does what a menu entry says. Results and failures are told in a notification (there is
    /// no window to show them in).
    pub async fn perform(&self, action: TrayAction) {
        tracing::info!(?action, "tray");
        match action {
            TrayAction::CopyAccess(account) => self.copy_access(&account).await,
            TrayAction::Refresh(account) => self.refresh(&account).await,
            TrayAction::Open => open_window(None),
            TrayAction::StartAtLogin => {
                let result = autostart()
                    .ok_or_else(|| "not supported here".to_owned())
                    .and_then(|a| {
                        let on = a.is_enabled().map_err(|e| e.to_string())?;
                        let changed = if on { a.disable() } else { a.enable() };
                        changed.map_err(|e| e.to_string())
                    });
                if let Err(e) = result {
                    tell("Start at login was not changed", &e);
                }
                self.update_tray().await;
            }
            TrayAction::Quit => {
                // The window, if one is open, closes too.
                if let Err(e) = quit_window() {
                    tracing::warn!("the window could not be told to quit: {e}");
                }
                self.send(ToTray::Quit);
            }
        }
    }

    async fn label(&self, accounts: &Accounts, account: &str) -> String {
        accounts
            .summary(account)
            .await
            .map(|s| s.label)
            .unwrap_or_else(|_| account.to_owned())
    }

    async fn copy_access(&self, account: &str) {
        let Some(accounts) = self.accounts().await else {
            return tell(
                "The access token was not copied",
                "The keychain could not be opened.",
            );
        };
        let label = self.label(&accounts, account).await;
        let copied = match accounts.to_hand_out(Some(account), Which::Access).await {
            Ok(fresh) => self
                .inner
                .clipboard
                .copy_and_clear_later(fresh.set.expose(Which::Access))
                .map(|clear_after| (clear_after, fresh.warning(Utc::now())))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match copied {
            Ok((clear_after, warning)) => {
                let clears = if clear_after.is_zero() {
                    String::new()
                } else {
                    format!(
                        " It is cleared from the clipboard in {} s.",
                        clear_after.as_secs()
                    )
                };
                tracing::info!(account = %account, "copied");
                let body = match warning {
                    Some(warning) => format!("Paste it where you need it.{clears} Note: {warning}"),
                    None => format!("Paste it where you need it.{clears}"),
                };
                tell(&format!("{label}'s access token copied"), &body);
            }
            Err(message) => tell(&format!("{label}'s access token was not copied"), &message),
        }
        self.inner.refresher.wake();
    }

    async fn refresh(&self, account: &str) {
        let Some(accounts) = self.accounts().await else {
            return tell("Not refreshed", "The keychain could not be opened.");
        };
        let label = self.label(&accounts, account).await;
        self.inner.refresher.user_acted(account);
        match accounts.refresh_now(Some(account)).await {
            Ok(summary) => tell(
                &format!("{label} refreshed"),
                &format!(
                    "A new access token is in the keychain, valid for {}.",
                    psn_core::time::describe_left(summary.access_expires_at - Utc::now())
                ),
            ),
            Err(e) => tell(&format!("{label} was not refreshed"), &e.to_string()),
        }
        self.inner.refresher.wake();
    }
}

fn tell(title: &str, body: &str) {
    let _ = psn_desktop::notify::show(title, body, None);
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    //! The tray's actions as the menu runs them (`Watcher::perform`), against the loopback
    //! stand-in and the keychain `scripts/test` starts: a headless desktop has no tray host to
    //! click, so the menu entries' code is driven directly.

    use psn_core::Endpoints;
    use psn_standin::{Config, Endpoint, StandIn};
    use tao::event_loop::EventLoopBuilder;
    use tao::platform::unix::EventLoopBuilderExtUnix;

    use super::*;

    fn ready() -> bool {
        std::env::var_os("PSN_AUTH_TEST_KEYRING").is_some() && std::env::var_os("DISPLAY").is_some()
    }

    #[test]
    fn refresh_now_and_copy_access_token_from_the_tray() {
        if !ready() {
            eprintln!("skipped: needs Xvfb and the private gnome-keyring that scripts/test starts");
            return;
        }
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let standin = runtime.block_on(StandIn::start(Config::default())).unwrap();
        let url = standin.url();
        let endpoints = Endpoints::from_vars(Some(&url), Some(&url)).unwrap();
        let namespace = Namespace::for_endpoints(&endpoints);
        let client = PsnClient::new(endpoints).unwrap();
        let accounts = Accounts::new(
            client.clone(),
            Vault::open(&namespace).unwrap(),
            Settings::open(&namespace).unwrap(),
        );
        let npsso = psn_core::parse_npsso(&standin.npsso()).unwrap();
        let id = runtime
            .block_on(accounts.sign_in(&npsso))
            .unwrap()
            .account
            .account_id;

        let event_loop = EventLoopBuilder::<ToTray>::with_user_event()
            .with_any_thread(true)
            .build();
        let watcher = Watcher::new(client, namespace, event_loop.create_proxy());

        let before = standin.last_access_token().unwrap();
        runtime.block_on(watcher.perform(TrayAction::Refresh(id.clone())));
        assert_eq!(standin.count(Endpoint::TokenRefresh), 1);
        let access = standin.last_access_token().unwrap();
        assert_ne!(access, before);

        runtime.block_on(watcher.perform(TrayAction::CopyAccess(id.clone())));
        let mut clipboard = arboard::Clipboard::new().unwrap();
        assert_eq!(clipboard.get_text().unwrap(), access);
        // Not due: copied as it is, no second refresh.
        assert_eq!(standin.count(Endpoint::TokenRefresh), 1);

        // The tray's model names the account, and says how long its sign-in lasts.
        let model = runtime.block_on(watcher.tray_model());
        assert_eq!(model.accounts, vec![(id, standin.online_id())]);
        assert!(
            model.tooltip.contains(&standin.online_id()),
            "{}",
            model.tooltip
        );
        watcher.clipboard().clear_on_exit();
    }
}
