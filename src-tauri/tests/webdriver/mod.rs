//! Driving the app through tauri-driver and WebKitWebDriver with fantoccini (no TLS features:
//! a plain HTTP connector to loopback), plus what this app's tests need on top: elements by
//! `data-testid`, visibility and text read through the page, screenshots on failure, and one
//! app instance at a time.

#![allow(dead_code)]

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub use fantoccini::elements::Element;

pub const WAIT: Duration = Duration::from_secs(20);

/// A free port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running tauri-driver; stopped with SIGTERM (SIGKILL would orphan WebKitWebDriver, which
/// then keeps its port).
pub struct Driver {
    child: Child,
    pub port: u16,
    /// Sessions still open; ended on drop so a failed test does not leave its app running
    /// (a second instance would hand over to it and exit).
    open_sessions: std::sync::Mutex<Vec<String>>,
}

impl Driver {
    pub fn start(env: &[(&str, String)]) -> Driver {
        let port = free_port();
        let native = free_port();
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        // The window alone: no watcher (psn-auth-watcher) outlives a test (see tests/background.rs).
        command.env("PSN_AUTH_NO_WATCHER", "1");
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command
            .spawn()
            .expect("tauri-driver is installed (scripts/setup --test installs it)");
        // tauri-driver listens first and starts WebKitWebDriver on the native port: a session
        // asked for before that one listens fails with a connection error.
        let started = Instant::now();
        for p in [port, native] {
            while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(
                    started.elapsed() < WAIT,
                    "tauri-driver (port {port}, native {native}) did not start listening"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Driver {
            child,
            port,
            open_sessions: Default::default(),
        }
    }

    /// Ends a session with a blocking DELETE. `Drop` uses it rather than fantoccini's async
    /// close: a test that panicked has no runtime left to run that close on, and its app would
    /// stay up (a later app would then hand over to it and quit).
    fn end_session(&self, id: &str) {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = write!(
            stream,
            "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let _ = stream.read_to_end(&mut Vec::new());
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        for id in std::mem::take(&mut *self.open_sessions.lock().unwrap()) {
            self.end_session(&id);
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (up to 15 s) until no PSN Auth app process is left from an earlier test: the app keeps
/// one instance at a time, so a new one started while the last is still exiting hands over to
/// it and quits, and the new WebDriver session never gets a window.
fn wait_until_no_app_runs() {
    let Ok(app) = std::path::Path::new(env!("CARGO_BIN_EXE_psn-auth-app")).canonicalize() else {
        return;
    };
    let running = || -> Vec<String> {
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| {
                std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == app)
            })
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let wait_while = |secs: u64, busy: &dyn Fn() -> bool| {
        let started = Instant::now();
        while busy() && started.elapsed() < Duration::from_secs(secs) {
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let signal_all = |signal: &str, what: &str| {
        for pid in running() {
            eprintln!("webdriver: {what} (pid {pid})");
            let _ = Command::new("kill").args([signal, &pid]).status();
        }
    };
    wait_while(15, &|| !running().is_empty());
    // One left over from a test whose session did not end: stop it, as a user would quit it.
    signal_all("-TERM", "stopping a leftover app");
    wait_while(10, &|| !running().is_empty());
    // Still there (WebKit's teardown can be slow on a loaded machine): a new app would hand
    // over to this dying one and quit, so it must be gone first.
    signal_all("-KILL", "killing a leftover app that did not stop");
    // A process on its way out can hold its bus name a moment after /proc stops naming its
    // binary: wait until the single-instance name is free too.
    wait_while(10, &|| {
        !running().is_empty() || single_instance_name_taken()
    });
}

/// Whether an app still owns the single-instance plugin's name on the session bus.
fn single_instance_name_taken() -> bool {
    name_owned("dev.psnauth.desktop.SingleInstance")
}

/// Whether someone owns `name` on the session bus.
pub fn name_owned(name: &str) -> bool {
    Command::new("dbus-send")
        .args([
            "--session",
            "--dest=org.freedesktop.DBus",
            "--print-reply",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
}

/// True when the window tests can run: under Xvfb, with the private gnome-keyring that
/// `scripts/test` starts; else says why they are skipped.
pub fn ready() -> bool {
    let keyring = std::env::var_os("PSN_AUTH_TEST_KEYRING").is_some();
    let display = std::env::var_os("DISPLAY").is_some();
    if keyring && display {
        return true;
    }
    eprintln!("skipped: needs Xvfb and the private gnome-keyring that scripts/test starts");
    false
}

/// The app binary this build made.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_psn-auth-app"))
}

pub struct Session<'d> {
    driver: &'d Driver,
    client: Client,
}

impl<'d> Session<'d> {
    pub async fn start(driver: &'d Driver, application: &Path) -> Session<'d> {
        Self::start_with_args(driver, application, &[]).await
    }

    /// A session whose app is started with these command-line arguments.
    pub async fn start_with_args(
        driver: &'d Driver,
        application: &Path,
        args: &[&str],
    ) -> Session<'d> {
        wait_until_no_app_runs();
        let caps = json!({
            "tauri:options": {"application": application.to_str().unwrap(), "args": args}
        });
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(caps.as_object().unwrap().clone());
        let url = format!("http://127.0.0.1:{}", driver.port);
        // A connection tauri-driver reset before answering (its pooled connection to
        // WebKitWebDriver had gone stale) never delivered the request: asking again is safe.
        let mut attempt = 1;
        let client = loop {
            let connected = tokio::time::timeout(Duration::from_secs(60), builder.connect(&url))
                .await
                .unwrap_or_else(|_| panic!("new WebDriver session: no answer within 60 s"));
            match connected {
                Ok(client) => break client,
                Err(e) if attempt < 3 && format!("{e:?}").contains("IncompleteMessage") => {
                    eprintln!("new WebDriver session: {e}; asking again");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    wait_until_no_app_runs();
                }
                Err(e) => panic!("new WebDriver session: {e:?}"),
            }
        };
        let id = client.session_id().await.unwrap().expect("a session id");
        driver.open_sessions.lock().unwrap().push(id);
        Session { driver, client }
    }

    /// The element with `data-testid="id"`, if the page has one now.
    pub async fn try_find(&self, testid: &str) -> Option<Element> {
        self.client
            .find(Locator::Css(&format!("[data-testid=\"{testid}\"]")))
            .await
            .ok()
    }

    /// Waits until the element exists and the page shows it. Uses the page's own
    /// `checkVisibility()`: WebKitWebDriver's "displayed" atom reports some visible elements
    /// (a single-line `h1` with `overflow: hidden` in a flex row) as hidden.
    pub async fn visible(&self, testid: &str) -> Element {
        self.until(&format!("{testid} to be visible"), || async {
            let element = self.try_find(testid).await?;
            let shown = self
                .execute(&format!(
                    "const e = document.querySelector('[data-testid=\"{testid}\"]'); \
                     return !!e && e.checkVisibility();"
                ))
                .await;
            (shown == Value::Bool(true)).then_some(element)
        })
        .await
    }

    /// [`eventually`], plus a screenshot and the page source (`failure-*.png`, `.html`) when it
    /// times out.
    pub async fn until<T, F, Fut>(&self, what: &str, check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        if let Some(value) = poll(check).await {
            return value;
        }
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let path = artifacts_dir().join(format!("failure-{name}.png"));
        self.screenshot(&path).await;
        let _ = std::fs::write(path.with_extension("html"), self.source().await);
        panic!(
            "timed out waiting for {what} (screenshot: {})",
            path.display()
        );
    }

    pub async fn enabled(&self, e: &Element) -> bool {
        e.is_enabled().await.unwrap_or(false)
    }

    pub async fn click(&self, e: &Element) {
        e.click().await.expect("click");
    }

    pub async fn clear(&self, e: &Element) {
        e.clear().await.expect("clear");
    }

    pub async fn type_text(&self, e: &Element, text: &str) {
        e.send_keys(text).await.expect("type");
    }

    pub async fn attribute(&self, e: &Element, name: &str) -> Option<String> {
        e.attr(name).await.ok().flatten()
    }

    /// Rendered text (`innerText`) of the element with this test id, or "" when it is missing.
    /// Read through the page rather than WebDriver's text endpoint, which goes blank wherever
    /// the "displayed" atom errs (see [`visible`](Self::visible)).
    pub async fn text_of(&self, testid: &str) -> String {
        self.execute(&format!(
            "const e = document.querySelector('[data-testid=\"{testid}\"]'); \
             return e ? e.innerText : '';"
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn text_containing(&self, testid: &str, needle: &str) -> String {
        let last = std::sync::Mutex::new(String::new());
        let what = format!("{testid} to contain {needle:?}");
        let found = self
            .until(&what, || async {
                let text = self.text_of(testid).await;
                let hit = text.contains(needle).then(|| text.clone());
                *last.lock().unwrap() = text;
                hit
            })
            .await;
        let _ = last;
        found
    }

    pub async fn source(&self) -> String {
        self.client.source().await.unwrap_or_default()
    }

    pub async fn execute(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .expect("script runs")
    }

    pub async fn screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// Ends the session, which closes the app.
    /// How many windows the app has open (WebDriver's window handles).
    pub async fn window_count(&self) -> usize {
        self.client.windows().await.map(|w| w.len()).unwrap_or(0)
    }

    pub async fn quit(self) {
        // The id stays listed: the driver's Drop ends it again (idempotent), in case this close
        // did not reach WebKitWebDriver and the app would stay up.
        let _ = self.client.close().await;
    }
}

/// Polls `check` every 100 ms until it gives `Some`, or fails the test after [`WAIT`].
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    poll(check)
        .await
        .unwrap_or_else(|| panic!("timed out waiting for {what}"))
}

/// Polls `check` every 100 ms for up to [`WAIT`]; `None` when it never gave `Some`.
async fn poll<T, F, Fut>(mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if started.elapsed() > WAIT {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Where screenshots go: `PSN_AUTH_TEST_ARTIFACTS`, else `target/test-artifacts`.
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("PSN_AUTH_TEST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts"))
        .join("screenshots")
}
