//! End to end: the real app binary in a real WebKit window under Xvfb, driven through
//! tauri-driver and WebKitWebDriver, against the loopback stand-in for Sony and the real
//! gnome-keyring that `scripts/test` starts. Saves a screenshot of each wizard step and of the
//! dashboard, in light and dark, under `target/test-artifacts/screenshots`.
//!
//! Opening the browser is the one part replaced: a stand-in `xdg-open` on PATH records the URL
//! it was asked to open, so the test can check which page each button opens.

mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use psn_core::vault::{Namespace, SecretStore};
use psn_core::Endpoints;
use psn_standin::{Config, Endpoint, StandIn};
use webdriver::{app_binary, artifacts_dir, eventually, ready, Driver, Session};

/// A folder with a fake `xdg-open` that appends each URL to `opened.txt`.
fn fake_browser(dir: &Path) -> (String, PathBuf) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    (path, log)
}

fn clipboard() -> String {
    let out = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip is installed");
    String::from_utf8(out.stdout).unwrap()
}

struct Run {
    driver: Driver,
    /// The app binary, or a wrapper script that changes its environment.
    application: PathBuf,
    config_home: tempfile::TempDir,
    opened: PathBuf,
    shots: PathBuf,
    theme: &'static str,
}

/// The window tests share one X display (and its clipboard): they take turns.
static ONE_WINDOW_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn start_run(standin: &StandIn, theme: &'static str, scratch: &Path) -> Run {
    start_run_with(standin, theme, scratch, &[])
}

fn start_run_with(
    standin: &StandIn,
    theme: &'static str,
    scratch: &Path,
    extra: &[(&'static str, String)],
) -> Run {
    let config_home = tempfile::tempdir().unwrap();
    let (path, opened) = fake_browser(scratch);
    let mut env = vec![
        ("XDG_CONFIG_HOME", config_home.path().display().to_string()),
        ("PSN_AUTH_BASE_URL", standin.url()),
        ("PSN_API_BASE_URL", standin.url()),
        ("PATH", path),
    ];
    env.push((
        "GTK_THEME",
        if theme == "dark" {
            "Adwaita:dark"
        } else {
            "Adwaita"
        }
        .to_owned(),
    ));
    env.extend(extra.iter().cloned());
    Run {
        driver: Driver::start(&env),
        application: app_binary(),
        config_home,
        opened,
        shots: artifacts_dir(),
        theme,
    }
}

/// A run whose "Sign in here" window opens the stand-in's own page at `path` (a hostile page,
/// a probe), in the light theme.
fn start_run_signing_in_at(standin: &StandIn, scratch: &Path, path: &str) -> Run {
    start_run_with(
        standin,
        "light",
        scratch,
        &[("PSN_AUTH_SIGNIN_URL", format!("{}{path}", standin.url()))],
    )
}

/// Waits until the stand-in has been asked for `path` (a page in the sign-in window loaded).
async fn requested(what: &str, standin: &StandIn, path: &str) {
    eventually(what, || async {
        standin
            .requests()
            .iter()
            .any(|r| r.path == path)
            .then_some(())
    })
    .await;
}

impl Run {
    async fn session(&self) -> Session<'_> {
        Session::start(&self.driver, &self.application).await
    }

    async fn shot(&self, s: &Session<'_>, name: &str) {
        // Let transitions and the countdown settle.
        tokio::time::sleep(Duration::from_millis(400)).await;
        s.screenshot(&self.shots.join(format!("{name}-{}.png", self.theme)))
            .await;
    }

    /// The settings file of the stand-in's namespace (overrides keep their accounts apart).
    /// The stand-in's `accounts.json`, in the namespace of the overrides given (and
    /// `PSN_AUTH_SIGNIN_URL`, an override too, when `sign_in_page` is given).
    fn accounts_file_with(&self, standin: &StandIn, sign_in_page: Option<&str>) -> String {
        let endpoints = Endpoints::from_vars(Some(&standin.url()), Some(&standin.url()))
            .unwrap()
            .with_sign_in_window_page(sign_in_page)
            .unwrap();
        let dir = Namespace::for_endpoints(&endpoints).service();
        std::fs::read_to_string(self.config_home.path().join(dir).join("accounts.json"))
            .unwrap_or_default()
    }

    fn accounts_file(&self, standin: &StandIn) -> String {
        self.accounts_file_with(standin, None)
    }
}

async fn type_npsso(s: &Session<'_>, text: &str) {
    let input = s.visible("npsso-input").await;
    s.clear(&input).await;
    s.type_text(&input, text).await;
}

/// Types a well-formed NPSSO and waits until Sign in accepts it; returns the button.
async fn ready_to_sign_in(s: &Session<'_>, text: &str) -> webdriver::Element {
    type_npsso(s, text).await;
    let sign_in = s.visible("sign-in").await;
    s.until("Sign in to be enabled", || async {
        s.enabled(&sign_in).await.then_some(())
    })
    .await;
    sign_in
}

/// Minutes in "Expires in 59 min 58 s".
fn minutes_left(text: &str) -> u32 {
    let before = text.split(" min").next().unwrap();
    before
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no minutes in {text:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_flow_in_a_real_window() {
    if !ready() {
        return;
    }
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let standin = StandIn::start(Config::default()).await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let run = start_run(&standin, "light", scratch.path());
    let s = run.session().await;

    // Step 1 and 2: the buttons open the sign-in and ssocookie pages in the browser: those of
    // the auth base in force (here the stand-in, as `psn-auth login` names them too).
    let open_signin = s.visible("open-signin").await;
    run.shot(&s, "wizard-1-sign-in").await;
    s.click(&open_signin).await;
    s.click(&s.visible("open-ssocookie").await).await;
    let opened = eventually("the browser to be asked twice", || async {
        let text = std::fs::read_to_string(&run.opened).unwrap_or_default();
        (text.lines().count() >= 2).then_some(text)
    })
    .await;
    assert_eq!(
        opened.lines().collect::<Vec<_>>(),
        [
            format!("{}/", standin.url()),
            format!("{}/api/v1/ssocookie", standin.url())
        ]
    );
    run.shot(&s, "wizard-2-get-npsso").await;

    // Step 3: live validation names the problem; Sign in stays disabled.
    type_npsso(&s, "abc123").await;
    let message = s
        .text_containing("error-message", "Found 6 characters")
        .await;
    assert!(message.contains("64"), "{message}");
    assert!(!s.enabled(&s.visible("sign-in").await).await);
    run.shot(&s, "wizard-3-invalid").await;

    // A well-formed NPSSO that Sony does not accept: back to step 2 with the reason.
    let sign_in = ready_to_sign_in(&s, &"A".repeat(64)).await;
    s.click(&sign_in).await;
    s.text_containing("error-message", "did not accept this NPSSO")
        .await;
    run.shot(&s, "wizard-4-rejected").await;
    assert_eq!(standin.count(Endpoint::TokenCode), 0);

    // The real one, pasted as the whole JSON line.
    let sign_in = ready_to_sign_in(&s, &format!("{{\"npsso\":\"{}\"}}", standin.npsso())).await;
    run.shot(&s, "wizard-5-ready").await;
    s.click(&sign_in).await;
    let name = s
        .text_containing("account-name", &standin.online_id())
        .await;
    assert_eq!(name.trim(), standin.online_id());
    // The dashboard starts at its top, not where the wizard was scrolled to (its bottom).
    assert_eq!(
        s.execute("return window.scrollY").await,
        serde_json::json!(0),
        "the dashboard opened scrolled down"
    );

    // Countdowns near 1 hour and 60 days, exact times on hover.
    let access = s.text_containing("access-expiry", "min").await;
    let minutes = minutes_left(&access);
    assert!((55..=59).contains(&minutes), "{access}");
    let refresh = s.text_containing("refresh-expiry", "59 days").await;
    assert!(refresh.contains("Expires in"), "{refresh}");
    // The avatar was downloaded in Rust and handed over as a data: URL.
    s.until("the avatar picture", || async {
        let src = s
            .execute("const i = document.querySelector('#avatar img'); return i ? i.src : '';")
            .await;
        src.as_str()
            .is_some_and(|u| u.starts_with("data:image/png;base64,"))
            .then_some(())
    })
    .await;
    let expiry = s.visible("access-expiry").await;
    assert!(s
        .attribute(&expiry, "title")
        .await
        .is_some_and(|t| !t.is_empty()));
    run.shot(&s, "dashboard").await;

    // Copy puts the real token on the X clipboard; the page never holds it.
    let token = standin.last_access_token().unwrap();
    s.click(&s.visible("copy-access-token").await).await;
    s.text_containing("toast-region", "clears in 30 s").await;
    eventually("the clipboard to hold the access token", || async {
        (clipboard() == token).then_some(())
    })
    .await;
    let source = s.source().await;
    assert!(
        !source.contains(&token),
        "the access token reached the page"
    );
    assert!(!source.contains(&standin.last_refresh_token().unwrap()));
    assert!(
        !source.contains(&standin.npsso()),
        "the NPSSO stayed in the page"
    );
    s.click(&s.visible("copy-refresh-token").await).await;
    let refresh_token = standin.last_refresh_token().unwrap();
    eventually("the clipboard to hold the refresh token", || async {
        (clipboard() == refresh_token).then_some(())
    })
    .await;

    // Refresh now replaces the access token.
    let masked_before = s.text_of("access-token-masked").await;
    s.click(&s.visible("refresh-now").await).await;
    eventually("the masked token to change", || async {
        let now = s.text_of("access-token-masked").await;
        (!now.is_empty() && now != masked_before).then_some(())
    })
    .await;
    assert_eq!(standin.count(Endpoint::TokenRefresh), 1);
    let new_token = standin.last_access_token().unwrap();
    assert_ne!(new_token, token);
    s.click(&s.visible("copy-access-token").await).await;
    eventually("the clipboard to hold the new token", || async {
        (clipboard() == new_token).then_some(())
    })
    .await;
    s.quit().await;

    // After a restart the account is still there, read from the keychain.
    let s = run.session().await;
    let name = s
        .text_containing("account-name", &standin.online_id())
        .await;
    assert_eq!(name.trim(), standin.online_id());
    assert!(s.text_of("access-token-masked").await.len() > 6);
    assert!(run.accounts_file(&standin).contains(&standin.account_id()));

    // Sign out removes it, after saying Sony offers no revoke.
    s.click(&s.visible("sign-out").await).await;
    let dialog_text = eventually("the sign-out dialog", || async {
        let text = s.source().await;
        text.contains("no way to revoke").then_some(text)
    })
    .await;
    assert!(dialog_text.contains("stay valid until they expire"));
    s.click(&s.visible("confirm-sign-out").await).await;
    s.visible("open-signin").await;
    eventually("the account to leave accounts.json", || async {
        (!run.accounts_file(&standin).contains(&standin.account_id())).then_some(())
    })
    .await;
    s.quit().await;
    drop(run);

    // Dark theme: the same steps, for the screenshots and a second sign-in.
    let dark_scratch = tempfile::tempdir().unwrap();
    let dark = start_run_with(
        &standin,
        "dark",
        dark_scratch.path(),
        &[("PSN_AUTH_CLIPBOARD_CLEAR_SECS", "2".to_owned())],
    );
    let s = dark.session().await;
    let open_signin = s.visible("open-signin").await;
    dark.shot(&s, "wizard-1-sign-in").await;
    s.click(&open_signin).await;
    s.visible("open-ssocookie").await;
    dark.shot(&s, "wizard-2-get-npsso").await;
    type_npsso(&s, "abc123").await;
    s.text_containing("error-message", "Found 6 characters")
        .await;
    dark.shot(&s, "wizard-3-invalid").await;
    let sign_in = ready_to_sign_in(&s, &"A".repeat(64)).await;
    s.click(&sign_in).await;
    s.text_containing("error-message", "did not accept this NPSSO")
        .await;
    dark.shot(&s, "wizard-4-rejected").await;
    ready_to_sign_in(&s, &standin.npsso()).await;
    dark.shot(&s, "wizard-5-ready").await;
    // This sign-in's access token lives 40 s: by the library's rule (refresh when less than
    // min(5 min, half the lifetime) is left) the app refreshes it by itself after 20 s, and the
    // page follows.
    let refreshes_before = standin.count(Endpoint::TokenRefresh);
    standin.configure(|c| c.access_ttl_secs = 40);
    // From the keyboard: Enter in the NPSSO field signs in.
    s.type_text(&s.visible("npsso-input").await, "\u{E007}")
        .await;
    s.text_containing("account-name", &standin.online_id())
        .await;
    standin.configure(|c| c.access_ttl_secs = 3599);
    // Seconds, not minutes: the 40 s token is the one shown.
    s.text_containing("access-expiry", " s").await;
    let started = std::time::Instant::now();
    while standin.count(Endpoint::TokenRefresh) == refreshes_before {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no automatic refresh within a minute"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(standin.count(Endpoint::TokenRefresh), refreshes_before + 1);
    s.text_containing("access-expiry", "Expires in 59 min")
        .await;
    s.text_containing("refresh-expiry", "59 days").await;
    dark.shot(&s, "dashboard").await;

    // The copy is cleared from the clipboard after the configured delay (2 s here).
    s.click(&s.visible("copy-access-token").await).await;
    s.text_containing("toast-region", "clears in 2 s").await;
    let token = standin.last_access_token().unwrap();
    eventually("the clipboard to hold the token", || async {
        (clipboard() == token).then_some(())
    })
    .await;
    eventually("the clipboard to be cleared", || async {
        (clipboard() != token).then_some(())
    })
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keychain_the_window_explains_and_offers_session_only() {
    if !ready() {
        return;
    }
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let standin = StandIn::start(Config::default()).await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    // WebKitWebDriver starts the app with the session bus of the test, whatever the driver's
    // environment says, so a wrapper points the app at a bus that does not exist.
    let wrapper = scratch.path().join("app-without-keychain");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nDBUS_SESSION_BUS_ADDRESS=unix:path={}/no-bus exec '{}' \"$@\"\n",
            scratch.path().display(),
            app_binary().display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut run = start_run(&standin, "light", scratch.path());
    run.application = wrapper;
    let s = run.session().await;
    let message = s
        .text_containing("keychain-message", "GNOME Keyring or KWallet")
        .await;
    // The library says what happened; the window's own text and button offer the way on.
    assert!(!message.contains("memory"), "{message}");
    run.shot(&s, "keychain-missing").await;

    s.click(&s.visible("keychain-session-only").await).await;
    s.visible("session-banner").await;
    let sign_in = ready_to_sign_in(&s, &standin.npsso()).await;
    s.click(&sign_in).await;
    s.text_containing("account-name", &standin.online_id())
        .await;
    s.text_containing("access-expiry", "min").await;
    // Session only: nothing was written anywhere.
    assert_eq!(
        std::fs::read_dir(run.config_home.path()).unwrap().count(),
        0
    );
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_walks_the_whole_flow_offline() {
    if !ready() {
        return;
    }
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    // No stand-in of the test's own: the app brings one. The overrides point at an unused
    // stand-in, to prove that --demo does not use them.
    let unused = StandIn::start(Config::default()).await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let run = start_run(&unused, "light", scratch.path());
    let s = Session::start_with_args(&run.driver, &run.application, &["--demo"]).await;
    s.text_containing("demo-banner", "Demo: not connected to PlayStation")
        .await;
    // The buttons open the built-in stand-in's pages; its ssocookie page gives the NPSSO.
    s.click(&s.visible("open-signin").await).await;
    s.click(&s.visible("open-ssocookie").await).await;
    let opened = eventually("the browser to be asked twice", || async {
        let text = std::fs::read_to_string(&run.opened).unwrap_or_default();
        (text.lines().count() >= 2).then_some(text)
    })
    .await;
    let pages: Vec<&str> = opened.lines().collect();
    assert!(pages[0].starts_with("http://127.0.0.1:"), "{pages:?}");
    assert!(pages[1].ends_with("/api/v1/ssocookie"), "{pages:?}");
    let line = reqwest::get(pages[1]).await.unwrap().text().await.unwrap();
    assert!(line.starts_with("{\"npsso\":\""), "{line}");
    let sign_in = ready_to_sign_in(&s, &line).await;
    s.click(&sign_in).await;
    s.text_containing("account-name", "Demo_Player").await;
    s.text_containing("refresh-expiry", "59 days").await;
    run.shot(&s, "demo-dashboard").await;
    // Demo tokens live apart from real ones.
    let config = run.config_home.path();
    assert!(config.join("psn-auth-demo/accounts.json").exists());
    assert_eq!(
        std::fs::read_dir(config).unwrap().count(),
        1,
        "only the demo's folder"
    );
    assert_eq!(
        unused.requests().len(),
        0,
        "demo mode never used the overrides"
    );
    s.quit().await;
}

/// Every file under `dirs` that holds `needle`.
fn files_holding(dirs: &[&Path], needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    while let Some(path) = todo.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                todo.extend(entries.flatten().map(|e| e.path()));
            }
        } else if let Ok(bytes) = std::fs::read(&path) {
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(path);
            }
        }
    }
    found
}

/// "Sign in here": the stand-in's sign-in page (standing in for Sony's) in the app's own
/// window, which signs in on load for this run; the app reads the HttpOnly `npsso` cookie in
/// Rust, closes the window, signs in and shows the dashboard. The tokens are in the keychain
/// and the NPSSO is nowhere in the app's data, cache or config folders.
#[tokio::test(flavor = "multi_thread")]
async fn sign_in_here_reads_the_npsso_in_rust() {
    if !ready() {
        return;
    }
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let standin = StandIn::start(Config::default()).await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let (data, cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let page = format!("{}/signin?auto=1", standin.url());
    let run = start_run_with(
        &standin,
        "light",
        scratch.path(),
        &[
            ("PSN_AUTH_SIGNIN_URL", page.clone()),
            ("XDG_DATA_HOME", data.path().display().to_string()),
            ("XDG_CACHE_HOME", cache.path().display().to_string()),
        ],
    );
    let s = run.session().await;
    let here = s.visible("sign-in-here").await;
    run.shot(&s, "wizard-0-sign-in-here").await;
    s.click(&here).await;
    let name = s
        .text_containing("account-name", &standin.online_id())
        .await;
    assert_eq!(name.trim(), standin.online_id());
    assert_eq!(standin.count(Endpoint::TokenCode), 1);
    assert_eq!(s.window_count().await, 1, "the sign-in window closed");
    let id = standin.account_id();
    assert!(run.accounts_file_with(&standin, Some(&page)).contains(&id));
    let endpoints = Endpoints::from_vars(Some(&standin.url()), Some(&standin.url()))
        .unwrap()
        .with_sign_in_window_page(Some(&page))
        .unwrap();
    let service = Namespace::for_endpoints(&endpoints).service();
    let head = psn_core::vault::KeychainStore::new(&service)
        .get(&format!("{id}/head"))
        .unwrap();
    assert!(head.is_some(), "the tokens are in the keychain");
    assert!(!s.source().await.contains(&standin.npsso()));
    s.quit().await;
    let left = files_holding(
        &[data.path(), cache.path(), run.config_home.path()],
        &standin.npsso(),
    );
    assert!(left.is_empty(), "the NPSSO was left on disk: {left:?}");
}

/// The third audit: a page on an allowed origin cannot sign the app in with a cookie it set
/// from script (not HttpOnly), and its frame outside Sony's and its redirect without a click
/// are blocked in the window, never sent to the user's browser.
#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_page_in_the_sign_in_window_cannot_sign_in_or_open_the_browser() {
    if !ready() {
        return;
    }
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let standin = StandIn::start(Config::default()).await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let run = start_run_signing_in_at(&standin, scratch.path(), "/hostile");
    let s = run.session().await;
    s.click(&s.visible("sign-in-here").await).await;
    requested("the hostile page to load", &standin, "/hostile").await;
    // Its redirect comes after 1.5 s; give it, and a cookie read after it, time.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let opened = std::fs::read_to_string(&run.opened).unwrap_or_default();
    assert!(
        !opened.contains("example.com") && !opened.contains("example.org"),
        "a script sent the browser somewhere: {opened}"
    );
    assert_eq!(
        standin.count(Endpoint::Authorize),
        0,
        "a cookie set by script signed the app in"
    );
    s.quit().await;
}

/// Closing the sign-in window before signing in brings the wizard back with the reason and
/// the manual steps first; a page in that window that tries to call the app's commands gets
/// nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_window_has_no_ipc_and_closing_it_returns_to_the_wizard() {
    if !ready() {
        return;
    }
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let standin = StandIn::start(Config::default()).await.unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let run = start_run_signing_in_at(&standin, scratch.path(), "/ipc-probe");
    let s = run.session().await;
    s.click(&s.visible("sign-in-here").await).await;
    s.text_containing("sign-in-here-status", "closes by itself")
        .await;
    let report = eventually("the probe page to report", || async {
        standin
            .requests()
            .into_iter()
            .find(|r| r.path == "/ipc-probe/result")
    })
    .await;
    let said = |key: &str| report.query(key).unwrap_or("(missing)").to_owned();
    eprintln!("the probe page: {:?}", report.query);
    assert_ne!(
        said("invoke"),
        "reached",
        "a remote page called an app command"
    );
    assert_ne!(
        said("fetch"),
        "reached",
        "a remote page reached the IPC scheme"
    );
    // On Linux the window takes Tauri's IPC out of its webview: nothing to find at all.
    #[cfg(target_os = "linux")]
    assert_eq!(
        said("found"),
        "none",
        "the sign-in window shows Tauri's IPC"
    );
    assert_eq!(standin.count(Endpoint::TokenCode), 0);

    // The whole screen, sign-in window on top (WebDriver sees only the main window).
    s.text_containing("sign-in-here-status", "closes by itself")
        .await;
    requested("the sign-in form in its window", &standin, "/signin").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shot = run.shots.join("sign-in-window-light.png");
    let _ = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(&shot)
        .status();
    // As the window manager would on the close button (WebDriver reaches only the main window).
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/close-window.py");
    eventually("the sign-in window to be asked to close", || async {
        let status = std::process::Command::new("python3")
            .arg(&script)
            .arg("Sign in to PlayStation")
            .status()
            .unwrap();
        status.success().then_some(())
    })
    .await;
    let note = s
        .text_containing("sign-in-here-status", "closed before you signed in")
        .await;
    assert!(note.contains("three steps"), "{note}");
    s.visible("open-browser-instead").await;
    assert_eq!(
        s.execute(
            "return document.getElementById('stepper').classList.contains('stepper-highlight')"
        )
        .await,
        serde_json::json!(true)
    );
    run.shot(&s, "wizard-0-window-closed").await;
    s.quit().await;
}
