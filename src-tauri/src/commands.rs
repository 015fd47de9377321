//! The commands the webview may call: adapters from IPC to `psn_core` and the window's own
//! services. Rules about PSN live in the library, not here.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Runtime, State};

use psn_core::refresher::Refresher;
use psn_core::{parse_npsso, AccountSummary, Remedy, Which};
use psn_desktop::clipboard::SecretClipboard;

use crate::accounts::AppAccounts;
use crate::avatars::Avatars;
use crate::clipboard::Copied;
use crate::error::{CommandError, CommandResult, BROWSER};
use crate::ipc::ACCOUNTS_CHANGED;
use crate::launch::Launch;
use crate::main_window::WizardRequest;
use crate::sign_in::{exchange, SignIn};
use crate::view::{self, AppView, Screen, SignInView};
use zeroize::Zeroizing;

/// Banners, start at login and the screen to show: the first call the page makes.
#[tauri::command]
pub async fn app_view(
    launch: State<'_, Launch>,
    accounts: State<'_, AppAccounts>,
    wizard: State<'_, WizardRequest>,
) -> CommandResult<AppView> {
    let start_at_login = crate::autostart::start_at_login().ok();
    Ok(view::app_view(&launch, &accounts, &wizard, start_at_login).await)
}

/// The screen the data calls for now (after a refresh, a switch, a sign-out).
#[tauri::command]
pub async fn screen(accounts: State<'_, AppAccounts>) -> CommandResult<Screen> {
    Ok(view::screen(&accounts).await)
}

/// Keep tokens in memory for this session (no keychain answered).
#[tauri::command]
pub async fn use_session_only(
    launch: State<'_, Launch>,
    accounts: State<'_, AppAccounts>,
    wizard: State<'_, WizardRequest>,
    refresher: State<'_, Refresher>,
) -> CommandResult<AppView> {
    accounts.use_session_only().await;
    Ok(after_keychain_choice(&launch, &accounts, &wizard, &refresher).await)
}

/// Try the keychain again (the user started or unlocked it).
#[tauri::command]
pub async fn retry_keychain(
    launch: State<'_, Launch>,
    accounts: State<'_, AppAccounts>,
    wizard: State<'_, WizardRequest>,
    refresher: State<'_, Refresher>,
) -> CommandResult<AppView> {
    accounts.retry_keychain().await;
    Ok(after_keychain_choice(&launch, &accounts, &wizard, &refresher).await)
}

/// After the user chose about the keychain: every account may refresh again, and the page
/// gets the view as it now is.
async fn after_keychain_choice(
    launch: &Launch,
    accounts: &AppAccounts,
    wizard: &WizardRequest,
    refresher: &Refresher,
) -> AppView {
    refresher.keychain_changed();
    view::app_view(launch, accounts, wizard, None).await
}

/// Live validation of the NPSSO field, and the answer to Paste: never fails, never echoes the
/// input. `preview` is a masked hint of a pasted NPSSO that Rust now keeps.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preview: Option<String>,
}

impl Validation {
    fn of(parsed: &Result<psn_core::Npsso, psn_core::NpssoError>) -> Self {
        match parsed {
            Ok(npsso) => Self {
                ok: true,
                kind: None,
                message: None,
                preview: Some(npsso.masked()),
            },
            Err(e) => Self {
                ok: false,
                kind: Some(e.kind()),
                message: Some(e.to_string()),
                preview: None,
            },
        }
    }
}

/// Text the page sent as an NPSSO, wiped when dropped, refused when absurdly long.
fn npsso_input(input: String) -> Result<Zeroizing<String>, psn_core::NpssoError> {
    let input = Zeroizing::new(input);
    if input.len() > psn_core::npsso::MAX_INPUT {
        return Err(psn_core::NpssoError::WrongLength {
            found: input.chars().count(),
        });
    }
    Ok(input)
}

#[tauri::command]
pub fn validate_npsso(input: String) -> Validation {
    let parsed = npsso_input(input).and_then(|text| parse_npsso(&text));
    let mut answer = Validation::of(&parsed);
    answer.preview = None; // the page has the text it typed
    answer
}

/// Paste, done in Rust: the clipboard is read and parsed here and a valid NPSSO is kept for the
/// next sign-in. The page gets only the verdict and a masked preview, never the clipboard's
/// text (which may be a token the app just copied).
#[tauri::command]
pub fn paste_npsso(
    clipboard: State<'_, SecretClipboard>,
    sign_in: State<'_, SignIn>,
) -> CommandResult<Validation> {
    let text = Zeroizing::new(clipboard.read_text()?);
    let parsed = parse_npsso(&text);
    let answer = Validation::of(&parsed);
    sign_in.keep_pasted(parsed.ok());
    Ok(answer)
}

/// Signs in with `input` when the page sends one, else with the NPSSO kept by Paste.
#[tauri::command]
pub async fn sign_in(
    accounts: State<'_, AppAccounts>,
    refresher: State<'_, Refresher>,
    sign_in: State<'_, SignIn>,
    input: Option<String>,
) -> CommandResult<SignInView> {
    let Some(_running) = sign_in.begin() else {
        return Err(CommandError::sign_in_running());
    };
    let npsso = match input.filter(|i| !i.trim().is_empty()) {
        Some(text) => {
            sign_in.keep_pasted(None);
            parse_npsso(&npsso_input(text)?)?
        }
        None => sign_in.pasted().ok_or(psn_core::NpssoError::Empty)?,
    };
    exchange(&accounts, &refresher, &npsso).await
}

#[tauri::command]
pub fn open_sign_in_page(launch: State<'_, Launch>) -> CommandResult<()> {
    open_in_browser(launch.endpoints.sign_in_page().as_str())
}

#[tauri::command]
pub fn open_ssocookie_page(launch: State<'_, Launch>) -> CommandResult<()> {
    open_in_browser(launch.endpoints.ssocookie_page().as_str())
}

/// Opens `url` in the user's browser: the desktop's opener (`xdg-open` and its kin on Linux,
/// `ShellExecute` on Windows, `open` on macOS), started detached so the app never waits on it.
/// Not the opener plugin, which on Linux also links an async D-Bus stack for a feature (show in
/// folder) the app does not use.
pub(crate) fn open_in_browser(url: &str) -> CommandResult<()> {
    open::that_detached(url).map_err(|e| {
        tracing::warn!("opening the browser failed: {e}");
        CommandError::app(
            BROWSER,
            Remedy::Other,
            format!("Your browser could not be opened. Open this address in it yourself: {url}"),
        )
    })
}

/// The account's avatar as a `data:` URL (the page may not load remote images), or `None`.
#[tauri::command]
pub async fn avatar(
    accounts: State<'_, AppAccounts>,
    avatars: State<'_, Avatars>,
    account_id: String,
) -> CommandResult<Option<String>> {
    Ok(avatars.get(&accounts.get().await?, &account_id).await)
}

/// Copies a token in Rust: the webview asks, but never receives the value.
#[tauri::command]
pub async fn copy_token(
    accounts: State<'_, AppAccounts>,
    clipboard: State<'_, SecretClipboard>,
    account_id: String,
    which: Which,
) -> CommandResult<Copied> {
    crate::clipboard::copy_token(&accounts.get().await?, &clipboard, &account_id, which).await
}

#[tauri::command]
pub async fn refresh_now<R: Runtime>(
    app: AppHandle<R>,
    accounts: State<'_, AppAccounts>,
    refresher: State<'_, Refresher>,
    account_id: String,
) -> CommandResult<AccountSummary> {
    refresher.user_acted(&account_id);
    let summary = accounts.get().await?.refresh_now(Some(&account_id)).await?;
    let _ = app.emit(ACCOUNTS_CHANGED, ());
    Ok(summary)
}

#[tauri::command]
pub async fn switch_account(
    accounts: State<'_, AppAccounts>,
    account_id: String,
) -> CommandResult<AccountSummary> {
    Ok(accounts.get().await?.set_active(&account_id).await?)
}

#[tauri::command]
pub async fn sign_out(accounts: State<'_, AppAccounts>, account_id: String) -> CommandResult<()> {
    accounts.get().await?.sign_out(Some(&account_id)).await?;
    Ok(())
}

/// Turns starting at login on or off; the state it is now in.
#[tauri::command]
pub fn set_start_at_login(enabled: bool) -> CommandResult<bool> {
    crate::autostart::set_start_at_login(enabled)
}

/// Saves a calendar reminder (`.ics`) for the account's next sign-in in the Downloads folder
/// (else the home folder); the path it was saved at, for the page to show.
#[tauri::command]
pub async fn save_calendar_reminder(
    accounts: State<'_, AppAccounts>,
    account_id: String,
) -> CommandResult<String> {
    crate::calendar::save_reminder(&accounts.get().await?, &account_id).await
}

/// Milestones of the page's start, in milliseconds since its navigation began.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PageTimes {
    scripts_ran: Option<f64>,
    view_asked: Option<f64>,
    view_received: Option<f64>,
    rendered: Option<f64>,
    frame1: Option<f64>,
    painted: Option<f64>,
}

/// The page has painted its first screen. Logs the page's milestones at `debug` and, with
/// `PSN_AUTH_TRACE_STARTUP` set, prints the time since the process started (for the
/// benchmarks).
#[tauri::command]
pub fn ui_ready(times: Option<PageTimes>) {
    if let Some(t) = times {
        tracing::debug!(
            scripts_ran = ?t.scripts_ran,
            view_asked = ?t.view_asked,
            view_received = ?t.view_received,
            rendered = ?t.rendered,
            frame1 = ?t.frame1,
            painted = ?t.painted,
            "page start-up (ms since navigation)"
        );
    }
    crate::startup::page_ready();
}
