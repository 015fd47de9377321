//! The `psn-auth` binary end to end: every command as a separate process, against the loopback
//! stand-in for Sony and the real Secret Service (gnome-keyring) that the README's test command
//! starts. Tests that need the keychain say "skipped" when `PSN_AUTH_TEST_KEYRING` is unset, so
//! a developer's own keyring is never touched; the others (help, usage, no account, invalid
//! override) run anywhere.
//!
//! Every process gets this test's own `XDG_CONFIG_HOME`, so each test has its own
//! `accounts.json` and refresh lock; keychain entries are keyed by the stand-in's random account
//! id, so tests never share one. Each run checks that stderr holds no NPSSO or token.
//!
//! `scripts/test` also runs these tests cross-built for Windows under Wine, against Wine's
//! Credential Manager: programs for `exec` are then run by `cmd /c` instead of `sh -c`. The
//! tests that take the Secret Service's bus away, and those that need bash or groff, are Unix
//! only.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use predicates::prelude::*;
use psn_core::vault::SecretStore;
use psn_standin::{Config, Endpoint, Fault, StandIn};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_psn-auth");
const COMMANDS: [&str; 7] = [
    "login", "token", "status", "refresh", "logout", "use", "export",
];

/// Runs `cmd` to its end off the runtime the stand-in answers on (it would otherwise wait on a
/// stand-in that cannot answer).
async fn finish(mut cmd: Command) -> Assert {
    tokio::task::spawn_blocking(move || cmd.assert())
        .await
        .expect("the command's task")
}

/// True when a real Secret Service was set up for this run (see `scripts/test`).
fn keyring_available() -> bool {
    if std::env::var_os("PSN_AUTH_TEST_KEYRING").is_some() {
        return true;
    }
    eprintln!("skipped: needs the private gnome-keyring that scripts/test starts");
    false
}

/// A stand-in, a settings folder of this test alone, and every secret seen so far.
struct Rig {
    standin: StandIn,
    config_home: TempDir,
    secrets: Mutex<BTreeSet<String>>,
}

impl Rig {
    async fn start() -> Self {
        Self::with(|_| {}).await
    }

    async fn with(change: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::default();
        change(&mut config);
        Self {
            standin: StandIn::start(config).await.expect("stand-in starts"),
            config_home: tempfile::tempdir().unwrap(),
            secrets: Mutex::new(BTreeSet::new()),
        }
    }

    /// `psn-auth ARGS` pointed at the stand-in, with this test's settings folder.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("XDG_CONFIG_HOME", self.config_home.path())
            .env("PSN_AUTH_BASE_URL", self.standin.url())
            .env("PSN_API_BASE_URL", self.standin.url())
            .timeout(Duration::from_secs(120));
        cmd
    }

    /// Runs `psn-auth ARGS` (with `stdin`, if given) off the runtime the stand-in answers on,
    /// then checks that stderr shows no secret this test has seen.
    async fn run(&self, args: &[&str], stdin: Option<&str>) -> Assert {
        let mut cmd = self.command(args);
        if let Some(input) = stdin {
            cmd.write_stdin(input.to_owned());
        }
        let assert = finish(cmd).await;
        self.check_no_secret_in_stderr(&assert);
        assert
    }

    /// The settings folder of the stand-in's namespace (an override has its own). Windows
    /// has no `XDG_CONFIG_HOME`: there it is in the (Wine prefix's) roaming AppData, which the
    /// namespace, named after the stand-in's random port, keeps apart per test.
    fn settings_dir(&self) -> std::path::PathBuf {
        let url = self.standin.url();
        let endpoints = psn_core::Endpoints::from_vars(Some(&url), Some(&url)).unwrap();
        let namespace = psn_core::vault::Namespace::for_endpoints(&endpoints);
        if cfg!(windows) {
            return namespace.config_dir().unwrap();
        }
        self.config_home.path().join(namespace.service())
    }

    /// Runs `psn-auth ARGS` with `PSN_AUTH_LOG=trace`; must succeed. Its stderr, checked for
    /// secrets.
    async fn traced(&self, args: &[&str], stdin: Option<String>) -> String {
        let mut cmd = self.command(args);
        cmd.env("PSN_AUTH_LOG", "trace");
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let assert = finish(cmd).await.success();
        self.check_no_secret_in_stderr(&assert);
        stderr(&assert)
    }

    fn check_no_secret_in_stderr(&self, assert: &Assert) {
        let mut secrets = self.secrets.lock().unwrap();
        // Every NPSSO, code and token the stand-in ever handed out (id tokens included).
        secrets.extend(self.standin.issued_secrets());
        let stderr = stderr(assert);
        for secret in secrets.iter() {
            assert!(
                !stderr.contains(secret.as_str()),
                "a secret reached stderr:\n{stderr}"
            );
        }
    }

    /// `psn-auth login` with the stand-in's NPSSO on stdin; must succeed.
    async fn login(&self) -> Assert {
        self.run(&["login"], Some(&self.standin.npsso()))
            .await
            .success()
    }

    /// `psn-auth token`'s output, which must be one line.
    async fn token(&self, args: &[&str]) -> String {
        let mut all = vec!["token"];
        all.extend_from_slice(args);
        let assert = self.run(&all, None).await.success();
        let out = stdout(&assert);
        assert!(
            out.ends_with('\n') && out.matches('\n').count() == 1,
            "{out:?}"
        );
        out.trim_end().to_owned()
    }

    fn last_access(&self) -> String {
        self.standin
            .last_access_token()
            .expect("a token was issued")
    }

    async fn status_json(&self) -> serde_json::Value {
        let assert = self.run(&["status", "--json"], None).await;
        serde_json::from_str(&stdout(&assert)).expect("status --json prints JSON")
    }
}

fn stdout(assert: &Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

fn stderr(assert: &Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// The only stderr lines a successful `token` or `export` may print: the override warnings.
fn only_override_warnings(stderr: &str) -> bool {
    stderr
        .lines()
        .all(|l| l.starts_with("psn-auth: warning: using PSN_"))
}

// ---------------------------------------------------------------------------------------------
// Without a keychain: help, usage, no account, overrides.

#[test]
fn help_of_every_command_has_an_example() {
    for command in COMMANDS {
        Command::new(BIN)
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
        Command::new(BIN)
            .args(["help", command])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
    Command::new(BIN)
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Example"))
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains(
            "  4  refresh token expired or rejected",
        ))
        .stdout(predicate::str::contains("  7  keychain"));
}

#[test]
fn usage_errors_exit_2() {
    Command::new(BIN).assert().code(2);
    Command::new(BIN).arg("frobnicate").assert().code(2);
    Command::new(BIN)
        .args(["token", "--bogus"])
        .assert()
        .code(2);
    Command::new(BIN)
        .args(["export", "--format", "xml"])
        .assert()
        .code(2);
    // The NPSSO is never an argument.
    Command::new(BIN)
        .args(["login", "--npsso", "x"])
        .assert()
        .code(2);
    Command::new(BIN).arg("use").assert().code(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_account_every_command_exits_3() {
    let rig = Rig::start().await;
    for args in [
        &["token"][..],
        &["export"],
        &["export", "--format", "json"],
        &["refresh"],
        &["logout"],
        &["reminder", "--ics"],
    ] {
        rig.run(args, None)
            .await
            .code(3)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("No account is signed in"))
            .stderr(predicate::str::contains("psn-auth login"));
    }
    for args in [&["token", "--account", "Nobody"][..], &["use", "Nobody"]] {
        rig.run(args, None)
            .await
            .code(3)
            .stderr(predicate::str::contains("There is no account Nobody"));
    }
    rig.run(&["status"], None)
        .await
        .code(3)
        .stdout("No account is signed in.\n");
    let json = rig.status_json().await;
    assert_eq!(json["active"], serde_json::Value::Null);
    assert_eq!(json["accounts"], serde_json::json!([]));
    assert_eq!(rig.standin.requests().len(), 0, "nothing asked Sony");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_override_is_named_in_a_warning() {
    let rig = Rig::start().await;
    let url = rig.standin.url();
    rig.run(&["status"], None)
        .await
        .stderr(predicate::str::contains(format!(
            "psn-auth: warning: using PSN_AUTH_BASE_URL={url}"
        )))
        .stderr(predicate::str::contains(format!(
            "psn-auth: warning: using PSN_API_BASE_URL={url}"
        )));
    // Without overrides there is no warning.
    Command::new(BIN)
        .arg("status")
        .env("XDG_CONFIG_HOME", rig.config_home.path())
        .env_remove("PSN_AUTH_BASE_URL")
        .env_remove("PSN_API_BASE_URL")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn an_invalid_override_exits_1_with_the_reason() {
    let home = tempfile::tempdir().unwrap();
    for (name, value, reason) in [
        ("PSN_AUTH_BASE_URL", "http://example.com", "non-loopback"),
        ("PSN_API_BASE_URL", "http://example.com", "non-loopback"),
        (
            "PSN_AUTH_BASE_URL",
            "ftp://127.0.0.1",
            "must start with https://",
        ),
        ("PSN_AUTH_BASE_URL", "not a url", "is not a URL"),
    ] {
        for command in ["token", "status", "login"] {
            Command::new(BIN)
                .arg(command)
                .env("XDG_CONFIG_HOME", home.path())
                .env_remove("PSN_AUTH_BASE_URL")
                .env_remove("PSN_API_BASE_URL")
                .env(name, value)
                .write_stdin("")
                .assert()
                .code(1)
                .stdout(predicate::str::is_empty())
                .stderr(predicate::str::starts_with(format!("psn-auth: {name}")))
                .stderr(predicate::str::contains(reason));
        }
    }
}

#[cfg(target_os = "linux")] // the Secret Service bus is taken away
#[tokio::test(flavor = "multi_thread")]
async fn without_a_keychain_login_exits_7_before_reading_the_npsso() {
    let rig = Rig::start().await;
    let mut cmd = rig.command(&["login"]);
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}/no-bus", rig.config_home.path().display()),
    )
    .write_stdin(rig.standin.npsso());
    let assert = finish(cmd).await;
    rig.check_no_secret_in_stderr(&assert);
    assert
        .code(7)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "The system keychain is not available",
        ));
    assert_eq!(rig.standin.requests().len(), 0, "the NPSSO was not used");
}

// ---------------------------------------------------------------------------------------------
// With the keychain.

/// A login killed between its keychain write and its settings write leaves tokens no command
/// could see or remove, unless the next command settles it: killed after the keychain write,
/// the tokens are adopted (listed, active, served); killed before it, the half-written record
/// is dropped and the keychain holds nothing of that account.
#[tokio::test(flavor = "multi_thread")]
async fn a_login_killed_between_its_writes_is_adopted_or_dropped() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let accounts_file =
        || std::fs::read_to_string(rig.settings_dir().join("accounts.json")).unwrap();
    let killed_login = |at: &'static str| {
        let mut cmd = rig.command(&["login"]);
        cmd.env("PSN_AUTH_CRASH_AT", at)
            .write_stdin(rig.standin.npsso());
        cmd
    };

    let killed = finish(killed_login("sign-in-after-keychain"))
        .await
        .failure();
    rig.check_no_secret_in_stderr(&killed);
    assert!(
        accounts_file().contains("\"saving\""),
        "{}",
        accounts_file()
    );
    let first = rig.standin.account_id();
    let status = rig.run(&["status", "--json"], None).await.success();
    assert!(
        stdout(&status).contains(&first),
        "adopted: {}",
        stdout(&status)
    );
    let first_token = rig.token(&[]).await;
    assert_eq!(first_token, rig.last_access());
    assert!(!accounts_file().contains("\"saving\""));

    rig.standin.configure(|c| {
        c.account_id = "2222222222222222222".into();
        c.online_id = "Second_Player".into();
    });
    finish(killed_login("sign-in-before-keychain"))
        .await
        .failure();
    assert!(accounts_file().contains("2222222222222222222"));
    let status = rig.run(&["status", "--json"], None).await.success();
    assert!(
        !stdout(&status).contains("2222222222222222222"),
        "dropped: {}",
        stdout(&status)
    );
    assert!(!accounts_file().contains("2222222222222222222"));
    let url = rig.standin.url();
    let endpoints = psn_core::Endpoints::from_vars(Some(&url), Some(&url)).unwrap();
    let service = psn_core::vault::Namespace::for_endpoints(&endpoints).service();
    let keychain = psn_core::vault::KeychainStore::new(&service);
    assert!(keychain.get("2222222222222222222/head").unwrap().is_none());
    // The first account is still the one served.
    assert_eq!(rig.token(&[]).await, first_token);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_from_stdin_then_status_token_and_export() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let id = rig.standin.account_id();
    let online = rig.standin.online_id();

    rig.login()
        .await
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "Signed in as {online} (account {id})"
        )))
        .stderr(predicate::str::contains("access token:  expires "))
        .stderr(predicate::str::contains("(in 59 min"))
        .stderr(predicate::str::contains("refresh token: expires "))
        .stderr(predicate::str::contains("(in 59 d 23 h)"));
    let access = rig.last_access();
    let refresh = rig.standin.last_refresh_token().unwrap();

    // status: text and JSON, no secret.
    let status = rig.run(&["status"], None).await.success();
    let text = stdout(&status);
    assert!(
        text.starts_with(&format!("* {online} (account {id}), active\n")),
        "{text}"
    );
    assert!(text.contains("    access token:  expires "), "{text}");
    assert!(text.contains("    refresh token: expires "), "{text}");
    assert!(!text.contains(&access) && !text.contains(&refresh));
    let json = rig.status_json().await;
    assert_eq!(json["active"], id.as_str());
    let account = &json["accounts"][0];
    assert_eq!(account["accountId"], id.as_str());
    assert_eq!(account["onlineId"], online.as_str());
    assert_eq!(account["label"], online.as_str());
    assert_eq!(account["active"], true);
    assert_eq!(account["refreshExpired"], false);
    assert!(account["accessExpiresIn"].as_i64().unwrap() > 3500);
    assert!(account["refreshExpiresIn"].as_i64().unwrap() > 5_000_000);
    assert!(account["accessExpiresAt"].is_string() && account["refreshExpiresAt"].is_string());
    let json_text = json.to_string();
    assert!(!json_text.contains(&access) && !json_text.contains(&refresh));

    // token: the access token and a newline, nothing else.
    let token = rig.run(&["token"], None).await.success();
    assert_eq!(stdout(&token), format!("{access}\n"));
    assert!(
        only_override_warnings(&stderr(&token)),
        "{}",
        stderr(&token)
    );
    assert_eq!(rig.token(&["--account", &id]).await, access);
    assert_eq!(
        rig.token(&["--account", &online.to_lowercase()]).await,
        access
    );

    // export, in all three formats.
    let env = rig
        .run(&["export", "--format", "env"], None)
        .await
        .success();
    assert!(only_override_warnings(&stderr(&env)));
    let env = stdout(&env);
    let lines: Vec<&str> = env.lines().collect();
    assert_eq!(lines.len(), 4, "{env}");
    assert_eq!(lines[0], format!("PSN_ACCESS_TOKEN={access}"));
    assert_eq!(lines[1], format!("PSN_REFRESH_TOKEN={refresh}"));
    assert!(lines[2].starts_with("PSN_ACCESS_EXPIRES_AT=20") && lines[2].ends_with('Z'));
    assert!(lines[3].starts_with("PSN_REFRESH_EXPIRES_AT=20") && lines[3].ends_with('Z'));
    // The default format is env.
    rig.run(&["export"], None)
        .await
        .success()
        .stdout(env.clone());

    let json = rig
        .run(&["export", "--format", "json"], None)
        .await
        .success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(|k| &**k).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accessToken",
            "expiresIn",
            "idToken",
            "refreshToken",
            "refreshTokenExpiresIn",
            "scope",
            "tokenType"
        ]
    );
    assert_eq!(json["accessToken"], access.as_str());
    assert_eq!(json["refreshToken"], refresh.as_str());
    assert!((3500..=3599).contains(&json["expiresIn"].as_i64().unwrap()));
    assert!(json["refreshTokenExpiresIn"].as_i64().unwrap() > 5_000_000);
    assert!(json["idToken"].as_str().unwrap().contains('.'));
    assert_eq!(json["tokenType"], "bearer");
    assert_eq!(json["scope"], "psn:mobile.v2.core psn:clientapp");

    rig.run(&["export", "--format", "header"], None)
        .await
        .success()
        .stdout(format!("Authorization: Bearer {access}\n"));

    // Nothing needed a refresh, and the settings file holds no secret.
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 0);
    let file = std::fs::read_to_string(rig.settings_dir().join("accounts.json")).unwrap();
    assert!(file.contains(&id));
    assert!(!file.contains(&access) && !file.contains(&refresh));
    assert!(!file.contains(&rig.standin.npsso()));
}

#[tokio::test(flavor = "multi_thread")]
async fn login_accepts_the_whole_ssocookie_line() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let line = format!("{{\"npsso\":\"{}\"}}\n", rig.standin.npsso());
    rig.run(&["login"], Some(&line))
        .await
        .success()
        .stderr(predicate::str::contains(rig.standin.account_id()));
    assert_eq!(rig.token(&[]).await, rig.last_access());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_access_token_is_refreshed_exactly_once() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| c.access_ttl_secs = 0).await;
    rig.login().await;
    let old = rig.last_access();
    rig.standin.configure(|c| c.access_ttl_secs = 3599);

    let fresh = rig.token(&[]).await;
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
    assert_ne!(fresh, old);
    assert_eq!(fresh, rig.last_access());
    // Saved: the next call uses it without asking Sony again.
    assert_eq!(rig.token(&[]).await, fresh);
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
    let json = rig.status_json().await;
    assert!(json["accounts"][0]["accessExpiresIn"].as_i64().unwrap() > 3500);
}

#[tokio::test(flavor = "multi_thread")]
async fn export_refreshes_a_stale_token_first() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| c.access_ttl_secs = 0).await;
    rig.login().await;
    rig.standin.configure(|c| c.access_ttl_secs = 3599);
    rig.run(&["export", "--format", "header"], None)
        .await
        .success()
        .stdout(format!("Authorization: Bearer {}\n", rig.last_access()));
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_command_gets_a_new_access_token() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    let old = rig.last_access();
    rig.run(&["refresh"], None)
        .await
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "Refreshed {} (account {})",
            rig.standin.online_id(),
            rig.standin.account_id()
        )))
        .stderr(predicate::str::contains("access token:  expires "));
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
    let new = rig.token(&[]).await;
    assert_ne!(new, old);
    assert_eq!(new, rig.last_access());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_refresh_token_exits_4_with_the_fix() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| c.access_ttl_secs = 0).await;
    rig.login().await;
    rig.standin.expire_refresh_tokens();
    for args in [
        &["token"][..],
        &["export", "--format", "json"],
        &["refresh"],
    ] {
        rig.run(args, None)
            .await
            .code(4)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("a new NPSSO is needed"))
            .stderr(predicate::str::contains("run `psn-auth login`"));
    }
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 3);
    // A new NPSSO fixes it.
    rig.login().await;
    assert_eq!(rig.token(&[]).await, rig.last_access());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_refresh_deadline_exits_4_after_asking_sony_once() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| {
        c.access_ttl_secs = 0;
        c.refresh_ttl_secs = 1;
    })
    .await;
    rig.login().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    rig.run(&["status"], None)
        .await
        .code(4)
        .stdout(predicate::str::contains("refresh token: expired "))
        .stderr(predicate::str::contains("a new NPSSO is needed"))
        .stderr(predicate::str::contains("psn-auth login"));
    let json = rig.status_json().await;
    assert_eq!(json["accounts"][0]["refreshExpired"], true);
    rig.run(&["token"], None)
        .await
        .code(4)
        .stderr(predicate::str::contains("a new NPSSO is needed"));
    // The local clock may be wrong: Sony is asked once, and says no.
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_npsso_exits_5_with_the_parsers_message_and_no_request() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let npsso = rig.standin.npsso();
    for input in [
        npsso[..63].to_owned(),
        format!("{}-{}", &npsso[..20], &npsso[21..]),
        "<html><body>Sign in</body></html>".to_owned(),
        "{\"error\":\"invalid_grant\",\"error_code\":20}".to_owned(),
    ] {
        let message = psn_core::parse_npsso(&input).unwrap_err().to_string();
        rig.run(&["login"], Some(&input))
            .await
            .code(5)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(format!("psn-auth: {message}")));
    }
    assert_eq!(rig.standin.requests().len(), 0, "no request was made");

    // Well-formed, but not one Sony knows.
    let unknown = "A".repeat(64);
    rig.run(&["login"], Some(&unknown))
        .await
        .code(5)
        .stderr(predicate::str::contains("Sony did not accept this NPSSO"))
        .stderr(predicate::str::contains(unknown.as_str()).not());
    assert_eq!(rig.standin.count(Endpoint::TokenCode), 0);
    rig.run(&["status"], None).await.code(3);
}

#[tokio::test(flavor = "multi_thread")]
async fn sony_503_with_an_html_page_exits_6() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| c.access_ttl_secs = 0).await;
    rig.standin
        .fail(Endpoint::Authorize, Fault::outage().times(1));
    rig.run(&["login"], Some(&rig.standin.npsso()))
        .await
        .code(6)
        .stderr(predicate::str::contains(
            "not available right now (HTTP 503)",
        ))
        .stderr(predicate::str::contains("<html").not());

    rig.login().await;
    let stored = rig.last_access();
    rig.standin.fail(Endpoint::TokenRefresh, Fault::outage());
    rig.run(&["token"], None)
        .await
        .code(6)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("HTTP 503"))
        .stderr(predicate::str::contains("Your stored tokens are untouched"));
    // They are: once Sony is back, the same set refreshes.
    rig.standin.clear_faults();
    rig.standin.configure(|c| c.access_ttl_secs = 3599);
    let fresh = rig.token(&[]).await;
    assert_ne!(fresh, stored);
    assert_eq!(fresh, rig.last_access());
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limited_429_exits_6_and_names_the_wait() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| c.access_ttl_secs = 0).await;
    rig.login().await;
    rig.standin
        .fail(Endpoint::TokenRefresh, Fault::rate_limited(120));
    rig.run(&["token"], None)
        .await
        .code(6)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("Wait 2 minutes"));
    rig.run(&["refresh"], None)
        .await
        .code(6)
        .stderr(predicate::str::contains("Wait 2 minutes"));
}

#[tokio::test(flavor = "multi_thread")]
async fn use_switches_between_two_accounts() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let first_id = rig.standin.account_id();
    rig.login().await;
    let first_token = rig.last_access();

    let second_id = Config::default().account_id;
    let id = second_id.clone();
    rig.standin.configure(move |c| {
        c.account_id = id;
        c.online_id = "Second_Player".into();
    });
    rig.login()
        .await
        .stderr(predicate::str::contains("Signed in as Second_Player"));
    let second_token = rig.last_access();
    assert_eq!(rig.status_json().await["active"], second_id.as_str());
    assert_eq!(rig.token(&[]).await, second_token);

    rig.run(&["use", "standin_player"], None)
        .await
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "The active account is now StandIn_Player (account {first_id})"
        )));
    let json = rig.status_json().await;
    assert_eq!(json["active"], first_id.as_str());
    assert_eq!(json["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(rig.token(&[]).await, first_token);
    assert_eq!(
        rig.token(&["--account", "Second_Player"]).await,
        second_token
    );
    let text = stdout(&rig.run(&["status"], None).await.success());
    assert!(text.contains(&format!("* StandIn_Player (account {first_id}), active\n")));
    assert!(text.contains(&format!("  Second_Player (account {second_id})\n")));

    rig.run(&["use", &second_id], None).await.success();
    assert_eq!(rig.token(&[]).await, second_token);
    rig.run(&["use", "Nobody"], None).await.code(3);
    assert_eq!(rig.status_json().await["active"], second_id.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_removes_the_account_and_says_tokens_stay_valid_elsewhere() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let first_id = rig.standin.account_id();
    rig.login().await;
    let second_id = Config::default().account_id;
    let id = second_id.clone();
    rig.standin.configure(move |c| {
        c.account_id = id;
        c.online_id = "Second_Player".into();
    });
    rig.login().await;

    rig.run(&["logout"], None)
        .await
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("Signed out Second_Player"))
        .stderr(predicate::str::contains(
            "Sony offers no way to revoke tokens",
        ))
        .stderr(predicate::str::contains("stay valid until they expire"))
        .stderr(predicate::str::contains(format!(
            "The active account is now StandIn_Player (account {first_id})"
        )));
    let json = rig.status_json().await;
    assert_eq!(json["active"], first_id.as_str());
    assert_eq!(json["accounts"].as_array().unwrap().len(), 1);
    rig.run(&["token", "--account", &second_id], None)
        .await
        .code(3);

    rig.run(&["logout", "--account", &first_id], None)
        .await
        .success()
        .stderr(predicate::str::contains("No account is signed in now."));
    rig.run(&["status"], None).await.code(3);
    rig.run(&["token"], None).await.code(3);
}

#[cfg(target_os = "linux")] // the Secret Service bus is taken away
#[tokio::test(flavor = "multi_thread")]
async fn a_keychain_that_went_away_exits_7() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    let no_bus = format!("unix:path={}/no-bus", rig.config_home.path().display());
    for args in [
        &["token"][..],
        &["export", "--format", "json"],
        &["refresh"],
    ] {
        let mut cmd = rig.command(args);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &no_bus);
        let assert = finish(cmd).await;
        rig.check_no_secret_in_stderr(&assert);
        assert
            .code(7)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("GNOME Keyring or KWallet"));
    }
    // status needs no keychain.
    let mut cmd = rig.command(&["status"]);
    cmd.env("DBUS_SESSION_BUS_ADDRESS", &no_bus);
    finish(cmd).await.success();
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_concurrent_token_calls_refresh_once_and_agree() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| c.access_ttl_secs = 0).await;
    rig.login().await;
    let stale = rig.last_access();
    rig.standin.configure(|c| c.access_ttl_secs = 3599);

    // Every process is started before any is waited on.
    let started = Instant::now();
    let children: Vec<std::process::Child> = (0..20)
        .map(|_| {
            std::process::Command::new(BIN)
                .arg("token")
                .env("XDG_CONFIG_HOME", rig.config_home.path())
                .env("PSN_AUTH_BASE_URL", rig.standin.url())
                .env("PSN_API_BASE_URL", rig.standin.url())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("psn-auth starts")
        })
        .collect();
    let waits: Vec<_> = children
        .into_iter()
        .map(|child| tokio::task::spawn_blocking(move || child.wait_with_output()))
        .collect();
    let mut outputs = Vec::new();
    for wait in waits {
        outputs.push(wait.await.unwrap().unwrap());
    }
    eprintln!(
        "20 concurrent `psn-auth token` took {:?}",
        started.elapsed()
    );

    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
    let fresh = rig.last_access();
    assert_ne!(fresh, stale);
    for output in &outputs {
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{err}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            format!("{fresh}\n")
        );
        assert!(only_override_warnings(&err), "{err}");
    }
}

/// `PSN_AUTH_LOG=trace` (and `-vvv`) log every step of sign-in, refresh and token to stderr,
/// HTTP client crates included, and no NPSSO, authorization code or token (the rig checks every
/// secret the stand-in handed out, on every run's stderr).
#[tokio::test(flavor = "multi_thread")]
async fn trace_logs_show_each_step_and_no_secret() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let log = rig.traced(&["login"], Some(rig.standin.npsso())).await;
    for step in [
        "step=\"authorize\" status=302",
        "step=\"token\" status=200",
        "step=\"account_id\" status=200",
        "step=\"profile\" status=200",
        "call=\"save\"",
        "hyper_util",
    ] {
        assert!(log.contains(step), "no {step} in:\n{log}");
    }
    let codes = rig
        .standin
        .requests()
        .iter()
        .filter(|r| r.form("code").is_some())
        .count();
    assert_eq!(codes, 1, "the code exchanged is among the secrets checked");

    // A refresh that brings an access token expired at once...
    rig.standin.configure(|c| c.access_ttl_secs = 0);
    let log = rig.traced(&["refresh"], None).await;
    assert!(log.contains("step=\"refresh\" status=200"), "{log}");
    // ... which `token -vvv` refreshes first, by the library's rule.
    rig.standin.configure(|c| c.access_ttl_secs = 3599);
    let token = rig.run(&["-vvv", "token"], None).await.success();
    let log = stderr(&token);
    assert!(log.contains("access token due: refreshing"), "{log}");
    assert!(log.contains("call=\"load\""), "{log}");
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 2);
    assert!(rig.standin.issued_secrets().len() >= 8);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_v_or_psn_auth_log_nothing_is_logged_on_success() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let login = rig.login().await;
    let text = stderr(&login);
    assert!(
        !text.contains(" INFO ") && !text.contains("DEBUG"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_with_an_empty_standard_input_says_how_to_pass_one() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    for input in ["", " \n"] {
        rig.run(&["login"], Some(input))
            .await
            .code(5)
            .stderr(predicate::str::contains(
                "standard input is empty or closed",
            ))
            .stderr(predicate::str::contains("psn-auth login < npsso.txt"));
    }
    assert_eq!(rig.standin.requests().len(), 0);
}

/// `exec`'s arguments running `script` in this platform's shell: `sh -c unix` here,
/// `cmd /c windows` on Windows.
fn exec<'a>(options: &[&'a str], unix: &'a str, windows: &'a str) -> Vec<&'a str> {
    let mut args = vec!["exec"];
    args.extend_from_slice(options);
    args.push("--");
    if cfg!(windows) {
        args.extend(["cmd", "/c", windows]);
    } else {
        args.extend(["sh", "-c", unix]);
    }
    args
}

/// The `PSN_` variables `exec` gave its child, from the child's `env` (or `set`) listing.
fn child_env(assert: &Assert) -> std::collections::BTreeMap<String, String> {
    stdout(assert)
        .lines()
        .filter_map(|line| line.trim_end_matches('\r').split_once('='))
        // Leaves out the settings the child inherits (`PSN_AUTH_*`, the API override).
        .filter(|(name, _)| {
            name.starts_with("PSN_")
                && !name.starts_with("PSN_AUTH_")
                && *name != "PSN_API_BASE_URL"
        })
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_passes_the_access_token_and_not_the_refresh_token() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    let out = rig.run(&exec(&[], "env", "set"), None).await.success();
    let env = child_env(&out);
    let names: Vec<&str> = env.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "PSN_ACCESS_EXPIRES_AT",
            "PSN_ACCESS_TOKEN",
            "PSN_ACCOUNT_ID",
            "PSN_ONLINE_ID"
        ],
        "no refresh token without --with-refresh-token"
    );
    assert_eq!(env["PSN_ACCESS_TOKEN"], rig.last_access());
    let expires = &env["PSN_ACCESS_EXPIRES_AT"];
    assert!(
        chrono::DateTime::parse_from_rfc3339(expires).is_ok(),
        "{expires}"
    );
    assert_eq!(env["PSN_ACCOUNT_ID"], rig.standin.account_id());
    assert_eq!(env["PSN_ONLINE_ID"], rig.standin.online_id());

    let with = rig
        .run(&exec(&["--with-refresh-token"], "env", "set"), None)
        .await
        .success();
    assert_eq!(
        child_env(&with)["PSN_REFRESH_TOKEN"],
        rig.standin.last_refresh_token().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_exits_with_the_programs_status_127_when_missing_and_7_without_keychain() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    rig.run(&exec(&[], "exit 0", "exit 0"), None).await.code(0);
    rig.run(&exec(&[], "exit 42", "exit 42"), None)
        .await
        .code(42);
    rig.run(&["exec", "--", "no-such-program-psn-auth"], None)
        .await
        .code(127)
        .stderr(predicate::str::contains(
            "no-such-program-psn-auth: command not found",
        ));
    // Arguments that look like options belong to the program.
    let mut args = exec(&[], "echo \"$1\"", "echo");
    if cfg!(unix) {
        args.push("sh");
    }
    args.push("--json");
    let out = rig.run(&args, None).await.success();
    assert_eq!(stdout(&out).trim(), "--json");
    // Without a keychain nothing runs, and the keychain's code says why (Linux: there is no
    // taking Windows' Credential Manager away).
    if !cfg!(target_os = "linux") {
        return;
    }
    let mut cmd = rig.command(&["exec", "--", "sh", "-c", "echo ran"]);
    let dir = tempfile::tempdir().unwrap();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}/no-bus", dir.path().display()),
    );
    let assert = finish(cmd).await.code(7);
    assert!(!stdout(&assert).contains("ran"));
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_concurrent_execs_refresh_a_due_token_once() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    // A refresh that brings a token due at once; then twenty programs start together.
    rig.standin.configure(|c| c.access_ttl_secs = 0);
    rig.run(&["refresh"], None).await.success();
    rig.standin.configure(|c| c.access_ttl_secs = 3599);
    let before = rig.standin.count(Endpoint::TokenRefresh);
    let runs: Vec<_> = (0..20)
        .map(|_| {
            let mut cmd = rig.command(&exec(
                &[],
                "echo \"$PSN_ACCESS_TOKEN\"",
                "echo %PSN_ACCESS_TOKEN%",
            ));
            tokio::task::spawn_blocking(move || cmd.assert())
        })
        .collect();
    let mut tokens = BTreeSet::new();
    for run in runs {
        let assert = run.await.unwrap().success();
        tokens.insert(stdout(&assert).trim().to_owned());
    }
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), before + 1);
    assert_eq!(tokens.len(), 1, "every program got the one new token");
    assert_eq!(tokens.into_iter().next().unwrap(), rig.last_access());
}

#[tokio::test(flavor = "multi_thread")]
async fn psn_auth_account_selects_the_account_and_the_flag_wins() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    let first = rig.standin.account_id();
    rig.standin.configure(|c| {
        c.account_id = "2222222222222222222".into();
        c.online_id = "Second_Player".into();
    });
    rig.login().await; // the second account is now the active one
    let print_id = exec(&[], "echo $PSN_ACCOUNT_ID", "echo %PSN_ACCOUNT_ID%");
    let mut by_env = rig.command(&print_id);
    by_env.env("PSN_AUTH_ACCOUNT", &first);
    let out = finish(by_env).await.success();
    assert_eq!(stdout(&out).trim(), first);
    let mut flag_wins = rig.command(&exec(
        &["--account", "second_player"],
        "echo $PSN_ACCOUNT_ID",
        "echo %PSN_ACCOUNT_ID%",
    ));
    flag_wins.env("PSN_AUTH_ACCOUNT", &first);
    let out = finish(flag_wins).await.success();
    assert_eq!(stdout(&out).trim(), "2222222222222222222");
    let mut unknown = rig.command(&["token"]);
    unknown.env("PSN_AUTH_ACCOUNT", "nobody");
    finish(unknown).await.code(3);
}

#[tokio::test(flavor = "multi_thread")]
async fn status_warn_days_exits_8_before_the_refresh_token_ends_and_4_after() {
    if !keyring_available() {
        return;
    }
    for (days_left, expected) in [(10, 0), (3, 8), (0, 4)] {
        let rig = Rig::with(|c| c.refresh_ttl_secs = days_left * 86_400).await;
        rig.login().await;
        let run = rig
            .run(&["status", "--warn-days", "7"], None)
            .await
            .code(expected);
        if expected == 8 {
            run.stderr(predicate::str::contains("under 7 days"))
                .stderr(predicate::str::contains("psn-auth login"));
        }
        // JSON carries the seconds left for both tokens, and no token.
        let json = rig.status_json().await;
        let account = &json["accounts"][0];
        assert!(account["accessExpiresIn"].as_i64().unwrap() > 3000);
        // Seconds left, counted from the sign-in: a slow machine (Wine on two busy cores took
        // 8 s) may pass a minute between the two commands, never more than the lifetime.
        let left = account["refreshExpiresIn"].as_i64().unwrap();
        assert!(
            (days_left * 86_400 - 60..=days_left * 86_400).contains(&left),
            "{left}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reminder_ics_is_a_calendar_event_three_days_before_the_refresh_deadline() {
    use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime};
    if !keyring_available() {
        return;
    }
    let rig = Rig::with(|c| c.refresh_ttl_secs = 40 * 86_400).await;
    rig.login().await;
    let json = rig.status_json().await;
    let deadline: chrono::DateTime<chrono::Utc> = json["accounts"][0]["refreshExpiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let label = json["accounts"][0]["label"].as_str().unwrap().to_owned();
    let assert = rig.run(&["reminder", "--ics"], None).await.success();
    let text = stdout(&assert);
    for secret in rig.standin.issued_secrets() {
        assert!(!text.contains(&secret), "a secret in the calendar file");
    }
    let calendar: Calendar = text.parse().expect("an iCalendar file");
    let [CalendarComponent::Event(event)] = &calendar.components[..] else {
        panic!("one event expected:\n{text}");
    };
    assert_eq!(
        event.get_start(),
        Some(DatePerhapsTime::DateTime(
            chrono::DurationRound::duration_trunc(
                deadline - chrono::Duration::days(3),
                chrono::Duration::minutes(1)
            )
            .unwrap()
            .into()
        ))
    );
    assert!(event.get_summary().unwrap().contains(&label), "{text}");
    assert!(text.contains("BEGIN:VALARM"), "{text}");
    // The same account by name, and an unknown one.
    let by_name = rig
        .run(&["reminder", "--ics", "--account", &label], None)
        .await
        .success();
    assert!(stdout(&by_name).contains("BEGIN:VEVENT"));
    rig.run(&["reminder", "--ics", "--account", "Nobody"], None)
        .await
        .code(3);
    // --ics is the format, and must be asked for.
    rig.run(&["reminder"], None).await.code(2);
}

#[cfg(unix)]
/// Runs `bash` with a script; its stdout.
fn bash(script: &str) -> String {
    let out = std::process::Command::new("bash")
        .args(["-c", script])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[cfg(unix)] // needs bash
#[test]
fn bash_completion_completes_subcommands_and_options() {
    let complete = |line: &str| {
        bash(&format!(
            "source <('{BIN}' completions bash)
             COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}
             read -ra COMP_WORDS <<< \"$COMP_LINE\"
             [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
             COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
             _psn__auth psn-auth \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        ))
    };
    assert_eq!(
        complete("psn-auth ex")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["exec", "export"]
    );
    assert_eq!(complete("psn-auth exe").trim(), "exec");
    assert!(complete("psn-auth exec --with").contains("--with-refresh-token"));
    assert!(complete("psn-auth completions ").contains("zsh"));
}

#[test]
fn completions_exist_for_every_shell_and_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Command::new(BIN)
            .args(["completions", shell])
            .assert()
            .success();
        let script = stdout(&out);
        assert!(script.contains("psn-auth"), "{shell}");
        assert!(script.contains("exec"), "{shell}");
    }
    Command::new(BIN)
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[cfg(unix)] // needs groff
#[test]
fn the_man_page_renders_with_the_commands_examples_and_exit_codes() {
    let out = Command::new(BIN).arg("man").assert().success();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("psn-auth.1");
    std::fs::write(&page, stdout(&out)).unwrap();
    let rendered = bash(&format!(
        "groff -man -Tutf8 '{}' 2>/dev/null | sed 's/.\\x08//g'",
        page.display()
    ));
    for needle in [
        "psn-auth",
        "SYNOPSIS",
        "exec",
        "Exit codes:",
        "--warn-days N",
    ] {
        assert!(rendered.contains(needle), "no {needle} in:\n{rendered}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_json_output_parses_and_holds_no_refresh_token() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let parse = |assert: &Assert| -> serde_json::Value {
        let text = stdout(assert);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    let login = rig
        .run(&["login", "--json"], Some(&rig.standin.npsso()))
        .await
        .success();
    let account = parse(&login);
    assert_eq!(account["accountId"], rig.standin.account_id().as_str());
    assert_eq!(account["onlineId"], rig.standin.online_id().as_str());
    assert_eq!(account["active"], true);

    let token = parse(&rig.run(&["token", "--json"], None).await.success());
    let keys: BTreeSet<&str> = token
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["accessToken", "expiresAt", "accountId", "onlineId"])
    );
    assert_eq!(token["accessToken"], rig.last_access().as_str());
    assert!(chrono::DateTime::parse_from_rfc3339(token["expiresAt"].as_str().unwrap()).is_ok());

    let mut outputs = vec![
        stdout(&login),
        stdout(&rig.run(&["refresh", "--json"], None).await.success()),
        stdout(&rig.run(&["status", "--json"], None).await.success()),
        stdout(
            &rig.run(&["use", "--json", &rig.standin.online_id()], None)
                .await
                .success(),
        ),
    ];
    let logout = rig.run(&["logout", "--json"], None).await.success();
    let signed_out = parse(&logout);
    assert_eq!(
        signed_out["signedOut"]["accountId"],
        rig.standin.account_id().as_str()
    );
    assert_eq!(signed_out["active"], serde_json::Value::Null);
    outputs.push(stdout(&logout));
    // None but `token` (the access token) and `export` carries a secret.
    for text in &outputs {
        let _: serde_json::Value = serde_json::from_str(text).unwrap();
        for secret in rig.standin.issued_secrets() {
            assert!(!text.contains(&secret), "a secret in {text}");
        }
    }
}

/// A stand-in for a proxy on loopback that only counts who connects to it.
fn counting_listener() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    (url, count)
}

/// Loopback traffic (the stand-in, the demo) carries the NPSSO and tokens in clear: it must
/// never go through a proxy named by HTTP_PROXY / ALL_PROXY.
#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_never_sees_loopback_traffic() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let (proxy, connections) = counting_listener();
    for args in [&["login"][..], &["refresh"], &["token"]] {
        let mut cmd = rig.command(args);
        for var in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "all_proxy",
        ] {
            cmd.env(var, &proxy);
        }
        cmd.env_remove("NO_PROXY").env_remove("no_proxy");
        if args == ["login"] {
            cmd.write_stdin(rig.standin.npsso());
        }
        finish(cmd).await.success();
    }
    assert_eq!(
        connections.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a request went to the proxy"
    );
}

/// Requests to Sony itself honour HTTPS_PROXY (a corporate proxy works). The "proxy" here is a
/// loopback listener that drops every connection, so nothing leaves the machine: the sign-in
/// fails as a network problem after the proxy was asked.
#[tokio::test(flavor = "multi_thread")]
async fn requests_to_sony_go_through_https_proxy() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    let (proxy, connections) = counting_listener();
    let mut cmd = rig.command(&["login"]);
    cmd.env_remove("PSN_AUTH_BASE_URL")
        .env_remove("PSN_API_BASE_URL")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("HTTPS_PROXY", &proxy)
        .write_stdin(rig.standin.npsso());
    finish(cmd).await.code(6);
    assert!(connections.load(std::sync::atomic::Ordering::SeqCst) >= 1);
}

/// Accounts signed in through an override live apart from Sony's and from other overrides':
/// an override can never list, read, refresh or overwrite tokens that came from elsewhere.
#[tokio::test(flavor = "multi_thread")]
async fn each_auth_base_keeps_its_own_accounts() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    rig.run(&["status"], None).await.code(0);
    // Without the override (Sony's namespace), nothing signed in there shows or serves.
    let mut sony = rig.command(&["status", "--json"]);
    sony.env_remove("PSN_AUTH_BASE_URL")
        .env_remove("PSN_API_BASE_URL");
    let out = finish(sony).await.code(3);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["accounts"], serde_json::json!([]));
    // Another stand-in, another namespace: its token command finds no account either.
    let other = StandIn::start(Config::default()).await.unwrap();
    let mut elsewhere = rig.command(&["token"]);
    elsewhere
        .env("PSN_AUTH_BASE_URL", other.url())
        .env("PSN_API_BASE_URL", other.url());
    finish(elsewhere).await.code(3);
    assert_eq!(other.requests().len(), 0, "no token reached the other host");
}
