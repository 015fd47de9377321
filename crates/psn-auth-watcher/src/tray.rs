//! The tray icon: per account "Copy access token" and "Refresh now", then "Open PSN Auth",
//! "Start at login" (a check item) and "Quit PSN Auth"; its tooltip says how long the active
//! account's sign-in lasts. The menu is drawn from a [`TrayModel`] on the event loop's thread;
//! each entry's id is a [`TrayAction`], which `Watcher::perform` carries out on the runtime.

use chrono::{DateTime, Utc};
use psn_core::AccountSummary;
use tray_icon::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tray_icon::{Icon, TrayIcon, TrayIconBuilder};

/// What a tray menu entry does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayAction {
    /// Copy the account's access token (refreshed first if due; marked secret, cleared).
    CopyAccess(String),
    /// Refresh the account's access token now.
    Refresh(String),
    /// Open the window (start it, or bring it forward).
    Open,
    /// Turn start at login on or off.
    StartAtLogin,
    /// Quit: the watcher, and the window if one is open.
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

/// What the tray shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayModel {
    /// (account id, label) of every account.
    pub accounts: Vec<(String, String)>,
    /// `None` where start at login is not supported.
    pub start_at_login: Option<bool>,
    pub tooltip: String,
}

impl TrayModel {
    pub fn new(
        accounts: &[AccountSummary],
        start_at_login: Option<bool>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            accounts: accounts
                .iter()
                .map(|a| (a.account_id.clone(), a.label.clone()))
                .collect(),
            start_at_login,
            tooltip: tooltip(accounts, now),
        }
    }
}

/// "PSN Auth: Kratos's sign-in lasts 58 days more", or what is wrong.
pub fn tooltip(accounts: &[AccountSummary], now: DateTime<Utc>) -> String {
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
            psn_core::time::describe_left(left)
        )
    }
}

/// The app's icon, 32×32 RGBA.
fn icon() -> Option<Icon> {
    let decoder = png::Decoder::new(std::io::Cursor::new(include_bytes!(
        "../../../icons/32x32.png"
    )));
    let mut reader = decoder.read_info().ok()?;
    let mut rgba = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut rgba).ok()?;
    rgba.truncate(info.buffer_size());
    Icon::from_rgba(rgba, info.width, info.height).ok()
}

/// Creates the tray icon (on the event loop's thread, once it runs); `None` when this desktop
/// has no tray.
pub fn create() -> Option<TrayIcon> {
    let mut builder = TrayIconBuilder::new()
        .with_tooltip("PSN Auth")
        .with_menu(Box::new(menu(&TrayModel::new(&[], None, Utc::now()))));
    if let Some(icon) = icon() {
        builder = builder.with_icon(icon);
    }
    match builder.build() {
        Ok(tray) => Some(tray),
        Err(e) => {
            tracing::warn!("no tray icon: {e}");
            None
        }
    }
}

/// Redraws the menu and the tooltip.
pub fn apply(tray: &TrayIcon, model: &TrayModel) {
    tray.set_menu(Some(Box::new(menu(model))));
    let _ = tray.set_tooltip(Some(&model.tooltip));
}

/// Menu clicks arrive on the event loop's thread: each entry's action is handed to `perform`
/// (which carries it out on the runtime).
pub fn on_menu_action(perform: impl Fn(TrayAction) + Send + Sync + 'static) {
    MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
        if let Some(action) = TrayAction::from_id(event.id().as_ref()) {
            perform(action);
        }
    }));
}

fn menu(model: &TrayModel) -> Menu {
    let menu = Menu::new();
    let entries = |id: &str| {
        [
            MenuItem::with_id(
                TrayAction::CopyAccess(id.to_owned()).id(),
                "Copy access token",
                true,
                None,
            ),
            MenuItem::with_id(
                TrayAction::Refresh(id.to_owned()).id(),
                "Refresh now",
                true,
                None,
            ),
        ]
    };
    match model.accounts.as_slice() {
        [] => {}
        [(id, label)] => {
            let _ = menu.append(&MenuItem::new(label, false, None));
            for item in entries(id) {
                let _ = menu.append(&item);
            }
            let _ = menu.append(&PredefinedMenuItem::separator());
        }
        many => {
            for (id, label) in many {
                let [copy, refresh] = entries(id);
                if let Ok(sub) = Submenu::with_items(label, true, &[&copy, &refresh]) {
                    let _ = menu.append(&sub);
                }
            }
            let _ = menu.append(&PredefinedMenuItem::separator());
        }
    }
    let _ = menu.append(&MenuItem::with_id(
        TrayAction::Open.id(),
        "Open PSN Auth",
        true,
        None,
    ));
    let _ = menu.append(&CheckMenuItem::with_id(
        TrayAction::StartAtLogin.id(),
        "Start at login",
        model.start_at_login.is_some(),
        model.start_at_login == Some(true),
        None,
    ));
    let _ = menu.append(&PredefinedMenuItem::separator());
    let _ = menu.append(&MenuItem::with_id(
        TrayAction::Quit.id(),
        "Quit PSN Auth",
        true,
        None,
    ));
    menu
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

    #[test]
    fn the_icon_decodes() {
        assert!(icon().is_some());
    }
}
