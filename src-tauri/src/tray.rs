//! The watcher's tray icon (see [`crate::background`]): per account "Copy access token" and
//! "Refresh now", then "Open PSN Auth",
//! "Start at login" and "Quit PSN Auth"; its tooltip says how long the active account's
//! refresh token has left. Each menu entry is a [`TrayAction`], and [`perform`] is the one
//! place that acts on them, which the tests drive directly (a headless desktop has no tray
//! host to click in).

use chrono::Utc;
use psn_core::AccountSummary;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::background;
use crate::clipboard::{self, Which};
use crate::notifications::{self, Notice};
use crate::state::AppState;

const TRAY: &str = "psn-auth";

/// What a tray menu entry does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayAction {
    /// Copy the account's access token (the window's clipboard rules: marked secret, cleared).
    CopyAccess(String),
    /// Refresh the account's access token now.
    Refresh(String),
    /// Open the window (start the window process, or bring its window forward).
    Open,
    /// Turn start at login on or off.
    StartAtLogin,
    /// Quit for real.
    Quit,
}

impl TrayAction {
    /// The menu entry's id.
    pub fn id(&self) -> String {
        match self {
            Self::CopyAccess(account) => format!("copy:{account}"),
            Self::Refresh(account) => format!("refresh:{account}"),
            Self::Open => "open".into(),
            Self::StartAtLogin => "start-at-login".into(),
            Self::Quit => "quit".into(),
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        if let Some(account) = id.strip_prefix("copy:") {
            return Some(Self::CopyAccess(account.to_owned()));
        }
        if let Some(account) = id.strip_prefix("refresh:") {
            return Some(Self::Refresh(account.to_owned()));
        }
        match id {
            "open" => Some(Self::Open),
            "start-at-login" => Some(Self::StartAtLogin),
            "quit" => Some(Self::Quit),
            _ => None,
        }
    }
}

/// Creates the tray icon.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let mut builder = TrayIconBuilder::with_id(TRAY)
        .tooltip("PSN Auth")
        .menu(&menu(app, &[])?)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| {
            let Some(action) = TrayAction::from_id(event.id().as_ref()) else {
                return;
            };
            let app = app.clone();
            tauri::async_runtime::spawn(async move { perform(&app, action).await });
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                let _ = tray;
                background::open_window(None);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    changed(app);
    Ok(())
}

/// Does what the menu entry says. Failures become a notification (there may be no window to
/// show them in).
pub async fn perform<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    tracing::info!(action = ?action, "tray");
    match action {
        TrayAction::CopyAccess(account) => {
            let label = label_of(app, &account).await;
            match clipboard::copy_token(app, &account, Which::Access).await {
                Ok(copied) => {
                    let clears = if copied.clears_in_secs > 0 {
                        format!(
                            " It is cleared from the clipboard in {} s.",
                            copied.clears_in_secs
                        )
                    } else {
                        String::new()
                    };
                    notify(
                        app,
                        format!("{label}'s access token copied"),
                        format!("Paste it where you need it.{clears}"),
                    );
                }
                Err(e) => notify(
                    app,
                    format!("{label}'s access token was not copied"),
                    e.message,
                ),
            }
        }
        TrayAction::Refresh(account) => {
            let label = label_of(app, &account).await;
            let state = app.state::<AppState>();
            match state.refresh_now(app, &account).await {
                Ok(summary) => notify(
                    app,
                    format!("{label} refreshed"),
                    format!(
                        "A new access token is in the keychain, valid for {}.",
                        psn_core::reminders::describe_left(summary.access_expires_at - Utc::now())
                    ),
                ),
                Err(e) => notify(app, format!("{label} was not refreshed"), e.message),
            }
        }
        TrayAction::Open => background::open_window(None),
        TrayAction::StartAtLogin => {
            let on = background::start_at_login(app).unwrap_or(false);
            if let Err(e) = background::set_start_at_login(app, !on) {
                notify(app, "Start at login was not changed".into(), e.message);
            }
        }
        TrayAction::Quit => background::quit(app),
    }
}

fn notify<R: Runtime>(app: &AppHandle<R>, title: String, body: String) {
    notifications::show(
        app,
        Notice {
            title,
            body,
            open_wizard_for: None,
        },
    );
}

async fn label_of<R: Runtime>(app: &AppHandle<R>, account: &str) -> String {
    let state = app.state::<AppState>();
    match state.accounts().await {
        Ok(accounts) => accounts
            .summary(account)
            .await
            .map(|s| s.label)
            .unwrap_or_else(|_| account.to_owned()),
        Err(_) => account.to_owned(),
    }
}

/// The accounts changed (a sign-in, a refresh, a switch, a sign-out, start at login): builds
/// the menu and tooltip again, off the caller's task.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    if app.tray_by_id(TRAY).is_none() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move { update(&app).await });
}

async fn update<R: Runtime>(app: &AppHandle<R>) {
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    let list = match app.state::<AppState>().accounts().await {
        Ok(accounts) => accounts.list().await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let tooltip = tooltip(&list, Utc::now());
    match menu(app, &list) {
        Ok(menu) => {
            let _ = tray.set_menu(Some(menu));
        }
        Err(e) => tracing::warn!("the tray menu could not be built: {e}"),
    }
    let _ = tray.set_tooltip(Some(&tooltip));
}

/// "PSN Auth: Kratos can refresh for 58 days", or what is wrong.
pub fn tooltip(accounts: &[AccountSummary], now: chrono::DateTime<Utc>) -> String {
    let Some(active) = accounts.iter().find(|a| a.active).or(accounts.first()) else {
        return "PSN Auth: no account signed in".into();
    };
    let left = active.refresh_expires_at - now;
    if left <= chrono::Duration::zero() {
        format!("PSN Auth: {}'s sign-in has expired", active.label)
    } else {
        format!(
            "PSN Auth: {}'s sign-in lasts {} more",
            active.label,
            psn_core::reminders::describe_left(left)
        )
    }
}

fn menu<R: Runtime>(app: &AppHandle<R>, accounts: &[AccountSummary]) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    let entries = |account: &AccountSummary| -> tauri::Result<[MenuItem<R>; 2]> {
        Ok([
            MenuItem::with_id(
                app,
                TrayAction::CopyAccess(account.account_id.clone()).id(),
                "Copy access token",
                true,
                None::<&str>,
            )?,
            MenuItem::with_id(
                app,
                TrayAction::Refresh(account.account_id.clone()).id(),
                "Refresh now",
                true,
                None::<&str>,
            )?,
        ])
    };
    match accounts {
        [] => {}
        [one] => {
            let title = MenuItem::new(app, &one.label, false, None::<&str>)?;
            menu.append(&title)?;
            for item in entries(one)? {
                menu.append(&item)?;
            }
            menu.append(&PredefinedMenuItem::separator(app)?)?;
        }
        many => {
            for account in many {
                let [copy, refresh] = entries(account)?;
                let sub = Submenu::with_items(app, &account.label, true, &[&copy, &refresh])?;
                menu.append(&sub)?;
            }
            menu.append(&PredefinedMenuItem::separator(app)?)?;
        }
    }
    menu.append(&MenuItem::with_id(
        app,
        TrayAction::Open.id(),
        "Open PSN Auth",
        true,
        None::<&str>,
    )?)?;
    let on = background::start_at_login(app).unwrap_or(false);
    menu.append(&CheckMenuItem::with_id(
        app,
        TrayAction::StartAtLogin.id(),
        "Start at login",
        true,
        on,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        TrayAction::Quit.id(),
        "Quit PSN Auth",
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip() {
        for action in [
            TrayAction::CopyAccess("123:4".into()),
            TrayAction::Refresh("unidentified-x".into()),
            TrayAction::Open,
            TrayAction::StartAtLogin,
            TrayAction::Quit,
        ] {
            assert_eq!(TrayAction::from_id(&action.id()), Some(action));
        }
        assert_eq!(TrayAction::from_id("something"), None);
    }
}
