//! "Sign in here": Sony's own sign-in page in a second window of the app, and the `npsso`
//! cookie read from Rust once the user has signed in, so nobody copies 64 characters by hand.
//!
//! The window (label [`LABEL`]) shows remote content and gets nothing of the app: no
//! capability names it, so its pages cannot call a command, and on Linux its pages find no
//! trace of Tauri's IPC at all ([`load_first_page`]); where it may go, which cookie it reads and
//! what opens in the browser are the library's rules (`psn_core::sign_in_window`): Sony's and
//! PlayStation's hosts at the top level, challenge services in frames, anything else blocked
//! (shown in the title, logged, never sent to the browser), and only a link the user clicked
//! opens the browser; it never opens windows of its own; its title names the host it is on;
//! and it is incognito: its cookies live in memory and end with it, so no NPSSO is left in
//! WebKit's folders. After each page load a thread reads the cookie store for the auth base
//! (HttpOnly cookies included); as soon as an `npsso` cookie is there, the window closes and
//! the usual exchange runs. The value never enters a page's JavaScript and is never logged.
//!
//! The main window hears how it ended through the [`EVENT`] event: signed in (with the next
//! screen), failed (the exchange's error), closed by the user, refused by Sony, or given up
//! after [`GIVE_UP_AFTER`]. The manual steps stay as the fallback.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tauri::webview::{NewWindowResponse, PageLoadEvent};
use tauri::{AppHandle, Emitter, Manager, Runtime, State, Url, WebviewUrl, WebviewWindow};

use crate::accounts::AppAccounts;
use crate::commands::open_in_browser;
use crate::error::{CommandError, CommandResult};
use crate::ipc::SIGN_IN_WINDOW as EVENT;
use crate::launch::Launch;
use crate::main_window::MAIN;
use crate::sign_in::{exchange, SignIn};
use crate::view::SignInView;
use psn_core::refresher::Refresher;
use psn_core::sign_in_window::Place;
use psn_core::Remedy;

pub const LABEL: &str = "sony-sign-in";
/// With no NPSSO by then, the window closes and the wizard offers the manual steps.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(5 * 60);

/// A current desktop browser's user agent for this platform's engine: Sony's bot protection
/// refuses embedded browsers' own agents more often.
#[cfg(target_os = "windows")]
const USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0";
#[cfg(not(target_os = "windows"))]
const USER_AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";

/// How the sign-in window ended, for the main window.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    /// Signed in: the account and the next screen. `newAccount` when the user was signing an
    /// account in again and another PSN account signed in instead.
    #[serde(rename_all = "camelCase")]
    SignedIn {
        view: Box<SignInView>,
        new_account: bool,
    },
    /// The NPSSO was read but the exchange failed.
    Failed { error: CommandError },
    /// The user closed the window before signing in.
    Closed,
    /// Sony showed its "can't connect" or "too many requests" page.
    Refused { reason: String },
    /// No NPSSO within [`GIVE_UP_AFTER`].
    TimedOut,
}

impl Outcome {
    fn name(&self) -> &'static str {
        match self {
            Self::SignedIn { .. } => "signed_in",
            Self::Failed { .. } => "failed",
            Self::Closed => "closed",
            Self::Refused { .. } => "refused",
            Self::TimedOut => "timed_out",
        }
    }
}

/// Opens Sony's sign-in page in the app's own window (or brings it forward if open).
/// `account_id`: the account being signed in again, if any.
#[tauri::command]
pub async fn sign_in_here<R: Runtime>(
    app: AppHandle<R>,
    launch: State<'_, Launch>,
    sign_in: State<'_, SignIn>,
    account_id: Option<String>,
) -> CommandResult<()> {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.set_focus();
        return Ok(());
    }
    if sign_in.is_running() {
        return Err(CommandError::sign_in_running());
    }
    let endpoints = launch.endpoints.clone();
    let start = endpoints.sign_in_window_page();
    let cookie_url = endpoints.npsso_cookie_url();
    let settled = Arc::new(AtomicBool::new(false));

    let nav_app = app.clone();
    let nav_endpoints = endpoints.clone();
    let load_endpoints = endpoints.clone();
    let popup_endpoints = endpoints.clone();
    let cookie_endpoints = endpoints.clone();
    let load_settled = settled.clone();
    let load_account = account_id.clone();
    let title_settled = settled.clone();
    // Empty at first (Tauri loads nothing for `about:blank`): the first page loads once the
    // webview holds nothing of the app.
    let blank = WebviewUrl::External(Url::parse("about:blank").expect("a valid URL"));
    let window = tauri::WebviewWindowBuilder::new(&app, LABEL, blank)
        .title(title_for(&start))
        .inner_size(520.0, 760.0)
        .min_inner_size(400.0, 520.0)
        .center()
        .incognito(true)
        .user_agent(USER_AGENT)
        // Frames arrive here too, so this is the frames' rule; the page itself is held to the
        // top level's in `on_page_load`. A script's redirect or frame never opens the browser.
        .on_navigation(move |url| {
            if nav_endpoints.sign_in_window_allows(url, Place::Frame) {
                return true;
            }
            blocked(&nav_app, url);
            false
        })
        // A new window comes from a click: WebKit lets no script open one without a gesture.
        .on_new_window(move |url, _features| {
            if popup_endpoints.sign_in_window_opens_in_browser(&url, true) {
                tracing::info!(
                    host = url.host_str().unwrap_or(""),
                    "sign-in window: a link clicked opens in the browser"
                );
                let _ = open_in_browser(url.as_str());
            }
            NewWindowResponse::Deny
        })
        .on_document_title_changed(move |window, title| {
            if let Some(reason) = refusal(&title) {
                settle(
                    &window,
                    &title_settled,
                    Outcome::Refused {
                        reason: reason.into(),
                    },
                );
            }
        })
        .on_page_load(move |window, payload| {
            if !load_endpoints.sign_in_window_allows(payload.url(), Place::Top) {
                blocked(window.app_handle(), payload.url());
                let _ = window.navigate(Url::parse("about:blank").expect("a valid URL"));
                return;
            }
            if payload.url().as_str() == "about:blank" {
                return; // the first, empty page, or a blocked one (its title says so)
            }
            let _ = window.set_title(&title_for(payload.url()));
            if payload.event() != PageLoadEvent::Finished {
                return;
            }
            tracing::debug!(
                host = payload.url().host_str().unwrap_or(""),
                "sign-in window: page loaded"
            );
            let (settled, cookie_url, account) = (
                load_settled.clone(),
                cookie_url.clone(),
                load_account.clone(),
            );
            // Off the event loop: reading cookies from a handler deadlocks on Windows.
            let endpoints = cookie_endpoints.clone();
            std::thread::spawn(move || {
                read_npsso(window, &endpoints, cookie_url, settled, account)
            });
        })
        .build()
        .map_err(|e| {
            tracing::warn!("the sign-in window could not be opened: {e}");
            window_failed()
        })?;

    if let Err(e) = load_first_page(&window, start.clone()) {
        tracing::warn!("the sign-in window could not load its page: {e}");
        let _ = window.destroy();
        return Err(window_failed());
    }
    let closed_settled = settled.clone();
    let closed_app = app.clone();
    window.on_window_event(move |event| {
        if matches!(event, tauri::WindowEvent::Destroyed)
            && !closed_settled.swap(true, Ordering::AcqRel)
        {
            tracing::info!("sign-in window closed before a sign-in");
            let _ = closed_app.emit_to(MAIN, EVENT, Outcome::Closed);
        }
    });
    // Quitting the main window ends the attempt too: the app must not linger on this one.
    if let Some(main) = app.get_webview_window(MAIN) {
        let sign_in = window.clone();
        main.on_window_event(move |event| {
            if matches!(event, tauri::WindowEvent::Destroyed) {
                let _ = sign_in.destroy();
            }
        });
    }
    let timer_window = window.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(GIVE_UP_AFTER).await;
        settle(&timer_window, &settled, Outcome::TimedOut);
    });
    tracing::info!(
        host = start.host_str().unwrap_or(""),
        "sign-in window opened"
    );
    Ok(())
}

/// The window could not be built or could not load its page: the browser steps remain.
fn window_failed() -> CommandError {
    CommandError::app(
        "sign_in_window",
        Remedy::Other,
        "The sign-in window could not be opened. Use the steps below in your browser instead.",
    )
}

/// Loads Sony's page into the new window. Tauri puts its IPC into every webview it creates
/// (`window.__TAURI_INTERNALS__`, `window.ipc` and a script message handler), with no option to
/// leave it out. Calls through it are refused in this window (no capability names it), but on
/// Linux the window goes further: before the first page it removes Tauri's scripts and message
/// handler from the webview, so remote pages find nothing of the app to call. Elsewhere the
/// object stays, and every call through it is refused.
fn load_first_page<R: Runtime>(window: &WebviewWindow<R>, url: Url) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    {
        window.with_webview(move |webview| {
            use webkit2gtk::{UserContentManagerExt, WebViewExt};
            let webview = webview.inner();
            // No window from a script: a new window is a click (see `on_new_window`).
            if let Some(settings) = WebViewExt::settings(&webview) {
                use webkit2gtk::SettingsExt;
                settings.set_javascript_can_open_windows_automatically(false);
            }
            match webview.user_content_manager() {
                Some(manager) => {
                    manager.remove_all_scripts();
                    manager.unregister_script_message_handler("ipc");
                }
                None => tracing::warn!(
                    "sign-in window: no content manager; Tauri's IPC object stays (and refused)"
                ),
            }
            webview.load_uri(url.as_str());
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        window.navigate(url)
    }
}

/// A navigation or frame the window does not show: said in its title and the log, never sent
/// to the browser (a script could otherwise push any address there).
fn blocked<R: Runtime>(app: &AppHandle<R>, url: &Url) {
    let host = url.host_str().unwrap_or(url.scheme());
    tracing::info!(
        host,
        "sign-in window: blocked a page outside Sony's sign-in"
    );
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.set_title(&format!(
            "Blocked {host} - Sign in to PlayStation - PSN Auth"
        ));
    }
}

/// Ends the attempt once: closes the window and tells the main window how it ended.
fn settle<R: Runtime>(window: &WebviewWindow<R>, settled: &AtomicBool, outcome: Outcome) {
    if settled.swap(true, Ordering::AcqRel) {
        return;
    }
    tracing::info!(outcome = outcome.name(), "sign-in window settled");
    let _ = window.destroy();
    let _ = window.app_handle().emit_to(MAIN, EVENT, outcome);
}

/// Reads the auth base's cookies; with an `npsso` there, closes the window and signs in.
fn read_npsso<R: Runtime>(
    window: WebviewWindow<R>,
    endpoints: &psn_core::Endpoints,
    cookie_url: Url,
    settled: Arc<AtomicBool>,
    account: Option<String>,
) {
    let cookies = match window.cookies_for_url(cookie_url) {
        Ok(cookies) => cookies,
        Err(e) => {
            tracing::warn!("sign-in window: the cookies could not be read: {e}");
            return;
        }
    };
    // Only Sony's own cookie: HttpOnly, for the auth host (`accepts_npsso_cookie`).
    let Some(npsso) = cookies
        .iter()
        .find(|c| endpoints.accepts_npsso_cookie(c.name(), c.domain(), c.http_only() == Some(true)))
        .and_then(|c| psn_core::parse_npsso(c.value()).ok())
    else {
        return;
    };
    if settled.swap(true, Ordering::AcqRel) {
        return;
    }
    tracing::info!("sign-in window: an NPSSO was set; signing in");
    let _ = window.destroy();
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let sign_in = app.state::<SignIn>();
        let (accounts, refresher) = (app.state::<AppAccounts>(), app.state::<Refresher>());
        let outcome = match sign_in.begin() {
            None => Outcome::Failed {
                error: CommandError::sign_in_running(),
            },
            Some(_running) => match exchange(&accounts, &refresher, &npsso).await {
                Ok(view) => {
                    let new_account = account
                        .as_deref()
                        .is_some_and(|wanted| wanted != view.account.account_id);
                    Outcome::SignedIn {
                        view: Box::new(view),
                        new_account,
                    }
                }
                Err(error) => Outcome::Failed { error },
            },
        };
        let _ = app.emit_to(MAIN, EVENT, outcome);
    });
}

/// "PSN Auth: sign in to PlayStation (my.account.sony.com)": the host the user is on.
fn title_for(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("Sign in to PlayStation ({host}:{port}) - PSN Auth"),
        None => format!("Sign in to PlayStation ({host}) - PSN Auth"),
    }
}

/// Sony's pages that mean it refused this browser, by title.
fn refusal(title: &str) -> Option<&'static str> {
    let title = title.to_ascii_lowercase();
    if title.contains("too many requests") || title.contains("sent too many") {
        Some("Sony says too many requests came from this device. Wait a few minutes, or sign in with your browser below.")
    } else if title.contains("can't connect") || title.contains("cannot connect") {
        Some("Sony's sign-in page refused this window (\"Can't connect to the server\"). Sign in with your browser below.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_the_host() {
        let url = Url::parse("https://my.account.sony.com/sonyacct/signin/").unwrap();
        assert_eq!(
            title_for(&url),
            "Sign in to PlayStation (my.account.sony.com) - PSN Auth"
        );
        let url = Url::parse("http://127.0.0.1:4000/signin").unwrap();
        assert!(title_for(&url).contains("127.0.0.1:4000"));
    }

    #[test]
    fn sonys_refusal_pages_are_recognised_by_title() {
        assert!(refusal("Can't connect to the server").is_some());
        assert!(refusal("429 Too Many Requests").is_some());
        assert!(refusal("Sign In | Sony").is_none());
    }

    #[test]
    fn outcomes_serialize_as_the_page_reads_them() {
        let json = serde_json::to_value(Outcome::Refused { reason: "r".into() }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"outcome": "refused", "reason": "r"})
        );
        let json = serde_json::to_value(Outcome::TimedOut).unwrap();
        assert_eq!(json, serde_json::json!({"outcome": "timedOut"}));
    }
}
