//! What the window shows, decided here and sent as one tagged value (`{"screen": …, "data":
//! …}`) that the UI renders as it is: the page never works out from raw data which screen
//! applies. The only state the UI adds is the user's own navigation (the wizard opened from
//! the dashboard with "Add account" or "Sign in again").

use psn_core::{AccountSummary, Overview};
use serde::Serialize;

use crate::accounts::AppAccounts;
use crate::error::CommandError;
use crate::launch::Launch;
use crate::main_window::WizardRequest;

/// Facts for the window's banners and first screen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub demo: bool,
    pub overrides: Vec<String>,
    /// `PSN_AUTH_EXTRA_CA`'s warning when set: another authority TLS trusts.
    pub extra_ca: Option<String>,
    pub session_only: bool,
    /// Whether PSN Auth starts (in the tray) at login; `None` where that cannot be told.
    pub start_at_login: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "screen", content = "data", rename_all = "camelCase")]
pub enum Screen {
    /// No keychain answered, and keeping tokens in memory was not chosen: what failed, with
    /// "Try again" and "Keep tokens in memory for this session".
    Keychain(CommandError),
    /// The accounts could not be loaded (a locked keychain, a damaged settings file).
    Error(CommandError),
    /// No account on this computer: the sign-in wizard, with nothing to cancel back to.
    Welcome,
    /// Every account, and the active one with masked tokens.
    Dashboard(Overview),
}

impl Screen {
    pub fn for_overview(overview: Overview) -> Self {
        if overview.accounts.is_empty() {
            Self::Welcome
        } else {
            Self::Dashboard(overview)
        }
    }
}

/// The first paint's answer: banners and the screen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppView {
    pub info: AppInfo,
    pub screen: Screen,
    /// A reminder was clicked: open the wizard to sign this account in again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_wizard_for: Option<String>,
}

/// The screen the data calls for (the UI may show the wizard over it when asked).
pub async fn screen(accounts: &AppAccounts) -> Screen {
    let accounts = match accounts.get().await {
        Ok(accounts) => accounts,
        Err(e) => return Screen::Keychain(e),
    };
    match accounts.overview().await {
        Err(e) => Screen::Error(e.into()),
        Ok(overview) => Screen::for_overview(overview),
    }
}

/// Banners and the screen, for the first paint and after a keychain choice.
pub async fn app_view(
    launch: &Launch,
    accounts: &AppAccounts,
    wizard: &WizardRequest,
    start_at_login: Option<bool>,
) -> AppView {
    let started = std::time::Instant::now();
    let view = AppView {
        info: AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            demo: launch.is_demo(),
            overrides: launch.endpoints.overrides.clone(),
            extra_ca: psn_core::client::trust::extra_ca_warning(),
            session_only: accounts.is_session_only().await,
            start_at_login,
        },
        screen: screen(accounts).await,
        open_wizard_for: wizard.take(),
    };
    tracing::debug!(
        elapsed_ms = psn_core::log::elapsed_ms(started),
        "view ready"
    );
    view
}

/// A sign-in's answer: who signed in, and the dashboard built from what was just written
/// (nothing is read back).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInView {
    pub account: AccountSummary,
    pub screen: Screen,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn screens_are_tagged_values() {
        let empty = Overview {
            accounts: vec![],
            active: None,
        };
        assert_eq!(
            serde_json::to_value(Screen::for_overview(empty)).unwrap(),
            json!({ "screen": "welcome" })
        );
        let error: CommandError = psn_core::Error::Vault(psn_core::VaultError::Locked).into();
        let sent = serde_json::to_value(Screen::Keychain(error)).unwrap();
        assert_eq!(sent["screen"], "keychain");
        assert_eq!(sent["data"]["kind"], "keychain_locked");
        assert_eq!(sent["data"]["remedy"], "fix_keychain");
    }
}
