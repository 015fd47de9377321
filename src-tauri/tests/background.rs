//! Keeping watch with no window, with the real binaries: the watcher (`psn-auth-watcher`,
//! started as start at login starts it, `psn-auth-app --background`) sends a
//! reminder through a real notification server (Debian's dunst on the tests' private session
//! bus, each `Notify` call recorded with dbus-monitor) once and never again after a restart,
//! with no token in it; closing the window ends the window process and every WebKit process,
//! the watcher stays with none, and opening the app again shows the dashboard (WebDriver).

mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use psn_core::vault::Namespace;
use psn_core::{Accounts, Endpoints, PsnClient, Settings, Vault};
use psn_standin::{Config, StandIn};
use webdriver::{app_binary, name_owned, ready, Driver, Session};

/// The tests here run one at a time: each watcher puts an icon in the one tray, and the tray
/// test clicks the icon it finds there.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The watcher's binary, built beside the app's by `cargo test --workspace`.
fn watcher_binary() -> PathBuf {
    let path = app_binary().with_file_name("psn-auth-watcher");
    assert!(
        path.exists(),
        "{} is missing: run the workspace's tests (cargo test --workspace)",
        path.display()
    );
    path
}

/// The running watcher whose environment names `url` (its stand-in).
fn find_watcher(url: &str) -> Option<u32> {
    let watcher = watcher_binary().canonicalize().ok()?;
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            (exe == watcher && String::from_utf8_lossy(&environ).contains(url)).then_some(pid)
        })
}

fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    wait_until(Duration::from_secs(10), || !alive(pid));
}

/// A stand-in whose account `online_id` has `refresh_days` left, signed in through the
/// library into the keychain and settings of the stand-in's own namespace (as `psn-auth
/// login` would).
async fn signed_in(online_id: &str, refresh_days: i64) -> StandIn {
    let standin = StandIn::start(Config {
        online_id: online_id.into(),
        refresh_ttl_secs: refresh_days * 86_400,
        ..Config::default()
    })
    .await
    .unwrap();
    // The namespace the app uses with PSN_AUTH_BASE_URL and PSN_API_BASE_URL set to it.
    let url = standin.url();
    let endpoints = Endpoints::from_vars(Some(&url), Some(&url)).unwrap();
    let namespace = Namespace::for_endpoints(&endpoints);
    let vault = Vault::open(&namespace).unwrap();
    let settings = Settings::open(&namespace).unwrap();
    let accounts = Accounts::new(PsnClient::new(endpoints).unwrap(), vault, settings);
    let npsso = psn_core::parse_npsso(&standin.npsso()).unwrap();
    accounts.sign_in(&npsso).await.unwrap();
    standin
}

/// The app, pointed at `standin`, with `args`; its stderr lines are collected.
struct App {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl App {
    fn start(standin: &StandIn, args: &[&str]) -> App {
        Self::start_binary(&app_binary(), standin, args)
    }

    fn start_binary(binary: &Path, standin: &StandIn, args: &[&str]) -> App {
        let mut child = Command::new(binary)
            .args(args)
            .env("PSN_AUTH_BASE_URL", standin.url())
            .env("PSN_API_BASE_URL", standin.url())
            .env_remove("PSN_AUTH_NO_WATCHER")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        App { child, lines }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until a stderr line contains `needle`.
    fn wait_for_line(&self, needle: &str, within: Duration) {
        let found = wait_until(within, || {
            self.lines
                .lock()
                .unwrap()
                .iter()
                .any(|l| l.contains(needle))
        });
        assert!(
            found,
            "no line with {needle:?} in:\n{}",
            self.lines.lock().unwrap().join("\n")
        );
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        if !wait_until(Duration::from_secs(10), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        }) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn wait_until(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < within {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

/// A notification server on the session bus (dunst, started once for this test binary) and a
/// record of every `Notify` call made on the bus from now on.
struct Notifications {
    monitor: Child,
    text: Arc<Mutex<String>>,
}

impl Notifications {
    fn record() -> Notifications {
        static SERVER: OnceLock<Mutex<Option<Child>>> = OnceLock::new();
        SERVER.get_or_init(|| {
            let child = (!name_owned("org.freedesktop.Notifications")).then(|| {
                Command::new("dunst")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("dunst is installed (scripts/setup --test installs it)")
            });
            Mutex::new(child)
        });
        assert!(
            wait_until(Duration::from_secs(10), || name_owned(
                "org.freedesktop.Notifications"
            )),
            "no notification server on the session bus"
        );
        let mut monitor = Command::new("dbus-monitor")
            .arg("interface='org.freedesktop.Notifications',member='Notify'")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let text = Arc::new(Mutex::new(String::new()));
        let sink = text.clone();
        let stdout = monitor.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        // dbus-monitor has subscribed once it printed its own NameAcquired signal.
        assert!(wait_until(Duration::from_secs(5), || text
            .lock()
            .unwrap()
            .contains("NameAcquired")));
        Notifications { monitor, text }
    }

    /// The `Notify` calls whose text mentions `needle`, each as dbus-monitor printed it.
    fn mentioning(&self, needle: &str) -> Vec<String> {
        self.text
            .lock()
            .unwrap()
            .split("method call")
            .filter(|call| call.contains("member=Notify") && call.contains(needle))
            .map(str::to_owned)
            .collect()
    }

    fn all(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}

impl Drop for Notifications {
    fn drop(&mut self) {
        let _ = self.monitor.kill();
        let _ = self.monitor.wait();
    }
}

/// Processes whose parent is `pid`: (pid, command name).
fn children(pid: u32) -> Vec<(u32, String)> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // pid (comm) state ppid ...
            let (comm, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
            let ppid: u32 = rest.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == pid).then(|| (child, comm.to_owned()))
        })
        .collect()
}

fn is_webkit(name: &str) -> bool {
    name.starts_with("WebKit")
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z')))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_watcher_reminds_once_by_online_id_and_never_shows_a_token() {
    if !ready() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let standin = signed_in("WatchThreeDays", 3).await;
    let notes = Notifications::record();

    // As start at login starts it: the window's binary hands over to the watcher and exits.
    let mut launcher = App::start(&standin, &["--background"]);
    assert!(
        wait_until(Duration::from_secs(30), || matches!(
            launcher.child.try_wait(),
            Ok(Some(status)) if status.success()
        )),
        "psn-auth-app --background did not exit 0"
    );
    // The watcher writes to the launcher's stderr, which it inherited.
    launcher.wait_for_line("reminders checked", Duration::from_secs(60));
    let watcher = find_watcher(&standin.url()).expect("the watcher runs");
    let arrived = wait_until(Duration::from_secs(10), || {
        !notes.mentioning("WatchThreeDays").is_empty()
    });
    assert!(
        arrived,
        "no reminder arrived:\n{}\nwatcher:\n{}",
        notes.all(),
        launcher.lines.lock().unwrap().join("\n")
    );
    let reminders = notes.mentioning("WatchThreeDays");
    assert_eq!(reminders.len(), 1, "{reminders:#?}");
    // As the desktop shows it (dunst draws at the screen's top right), for the README.
    std::thread::sleep(Duration::from_millis(500));
    let shots = webdriver::artifacts_dir();
    let _ = std::fs::create_dir_all(&shots);
    let _ = Command::new("import")
        .args(["-window", "root", "-crop", "520x200+760+0", "+repage"])
        .arg(shots.join("reminder-notification.png"))
        .status();
    let reminder = &reminders[0];
    assert!(
        reminder.contains("WatchThreeDays needs a new sign-in within 3 days"),
        "{reminder}"
    );
    assert!(reminder.contains("sign in again"), "{reminder}");
    // The watcher never starts WebKit, nor loads it.
    let kids = children(watcher);
    assert!(!kids.iter().any(|(_, n)| is_webkit(n)), "{kids:?}");
    let maps = std::fs::read_to_string(format!("/proc/{watcher}/maps")).unwrap();
    assert!(!maps.contains("libwebkit2gtk"), "the watcher loaded WebKit");
    // A second watcher for the same settings exits at once.
    let second = Command::new(watcher_binary())
        .env("PSN_AUTH_BASE_URL", standin.url())
        .env("PSN_API_BASE_URL", standin.url())
        .output()
        .unwrap();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already running"));
    terminate(watcher);

    // Started again (as at the next login): the reminder is remembered, not repeated.
    let again = App::start_binary(&watcher_binary(), &standin, &[]);
    again.wait_for_line("reminders checked", Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        notes.mentioning("WatchThreeDays").len(),
        1,
        "{}",
        notes.all()
    );
    again.stop();

    for secret in standin.issued_secrets() {
        assert!(
            !notes.all().contains(&secret),
            "a secret reached a notification"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_leaves_only_the_watcher_and_reopening_shows_the_dashboard() {
    if !ready() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let standin = signed_in("WatchWindow", 50).await;
    let notes = Notifications::record();
    let window = App::start(&standin, &[]);
    let pid = window.pid();

    // The window process starts its WebKit processes and the watcher.
    let mut webkit = Vec::new();
    let mut watcher = None;
    let started = wait_until(Duration::from_secs(60), || {
        let kids = children(pid);
        webkit = kids
            .iter()
            .filter(|(_, n)| is_webkit(n))
            .map(|(p, _)| *p)
            .collect();
        watcher = kids
            .iter()
            .find(|(_, n)| n.starts_with("psn-auth-watch"))
            .map(|(p, _)| *p);
        webkit.len() >= 2 && watcher.is_some()
    });
    assert!(started, "children of the window: {:?}", children(pid));
    let watcher = watcher.unwrap();
    // The watcher (its log goes to the window's stderr) is up and holds its lock.
    window.wait_for_line("reminders checked", Duration::from_secs(60));

    // Closed as a window manager closes it: the window process ends, WebKit with it.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/close-window.py");
    let asked = wait_until(Duration::from_secs(30), || {
        Command::new("python3")
            .arg(&script)
            .args(["PSN Auth", &pid.to_string()])
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(asked, "the window was not found to close");
    let mut window = window;
    assert!(
        wait_until(Duration::from_secs(30), || matches!(
            window.child.try_wait(),
            Ok(Some(_))
        )),
        "the window process did not end"
    );
    assert!(
        wait_until(Duration::from_secs(15), || !webkit
            .iter()
            .any(|p| alive(*p))),
        "WebKit processes left: {webkit:?}"
    );
    assert!(alive(watcher), "the watcher ended with the window");
    let kids = children(watcher);
    assert!(!kids.iter().any(|(_, n)| is_webkit(n)), "{kids:?}");
    // The first close into the tray says so, and how to quit.
    assert!(
        wait_until(Duration::from_secs(10), || !notes
            .mentioning("PSN Auth is still running")
            .is_empty()),
        "{}\nwindow:\n{}",
        notes.all(),
        window.lines.lock().unwrap().join("\n")
    );
    assert!(notes
        .mentioning("PSN Auth is still running")
        .iter()
        .all(|n| n.contains("Quit PSN Auth")));

    // Opening the app again (what the tray's Open runs): the dashboard, and still one watcher.
    let driver = Driver::start(&[
        ("PSN_AUTH_BASE_URL", standin.url()),
        ("PSN_API_BASE_URL", standin.url()),
    ]);
    let s = Session::start(&driver, &app_binary()).await;
    let name = s.text_containing("account-name", "WatchWindow").await;
    assert_eq!(name.trim(), "WatchWindow");
    s.quit().await;
    drop(driver);
    assert!(alive(watcher));

    terminate(watcher);
    assert!(!alive(watcher));
}

fn available(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The real tray: an XEmbed system tray (trayer) at the screen's bottom right, the watcher's
/// icon in it, its menu opened with a right click and "Refresh now" chosen with the keyboard.
#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_refreshes_the_account() {
    if !ready() {
        return;
    }
    if !available("trayer") || !available("xdotool") {
        eprintln!("skipped: needs trayer and xdotool (scripts/setup --test installs them)");
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let standin = signed_in("TrayPlayer", 50).await;
    let notes = Notifications::record();
    let mut tray_host = Command::new("trayer")
        .args([
            "--edge",
            "bottom",
            "--align",
            "right",
            "--widthtype",
            "request",
        ])
        .args([
            "--height",
            "32",
            "--tint",
            "0x2b2b2b",
            "--transparent",
            "false",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || !xdotool(&[
            "search", "--class", "trayer"
        ])
        .trim()
        .is_empty()),
        "trayer did not start"
    );
    let watcher = App::start_binary(&watcher_binary(), &standin, &[]);
    watcher.wait_for_line("reminders checked", Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(1));

    // Right click on the icon, the rightmost place of the tray at the bottom right.
    let size = xdotool(&["getdisplaygeometry"]);
    let (w, h) = size.trim().split_once(' ').unwrap();
    let (x, y) = (
        w.parse::<i32>().unwrap() - 16,
        h.parse::<i32>().unwrap() - 16,
    );
    xdotool(&["mousemove", &x.to_string(), &y.to_string(), "click", "3"]);
    std::thread::sleep(Duration::from_millis(800));
    let shots = webdriver::artifacts_dir();
    let _ = std::fs::create_dir_all(&shots);
    let _ = Command::new("import")
        .args(["-window", "root", "-crop"])
        .arg(format!("420x260+{}+{}", x - 404, y - 244))
        .args(["+repage"])
        .arg(shots.join("tray-menu.png"))
        .status();
    // The account's name (not selectable), Copy access token, Refresh now.
    xdotool(&["key", "Down", "Down", "Return"]);
    assert!(
        wait_until(Duration::from_secs(20), || standin
            .count(psn_standin::Endpoint::TokenRefresh)
            == 1),
        "the tray's Refresh now did not refresh:\n{}",
        watcher.lines.lock().unwrap().join("\n")
    );
    assert!(
        wait_until(Duration::from_secs(10), || !notes
            .mentioning("TrayPlayer refreshed")
            .is_empty()),
        "{}",
        notes.all()
    );
    watcher.stop();
    let _ = tray_host.kill();
    let _ = tray_host.wait();
}
