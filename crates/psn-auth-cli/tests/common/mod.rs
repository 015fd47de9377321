//! Shared by the `psn-auth` end-to-end tests (one file per command): every command as a separate process, against the loopback
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
// Each test binary uses part of this module.
#![allow(dead_code, unused_imports)]

pub use std::collections::BTreeSet;
pub use std::process::Stdio;
pub use std::sync::Mutex;
pub use std::time::{Duration, Instant};

pub use assert_cmd::assert::Assert;
pub use assert_cmd::Command;
pub use predicates::prelude::*;
pub use psn_core::vault::SecretStore;
pub use psn_standin::{Config, Endpoint, Fault, StandIn};
pub use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_psn-auth");

pub const COMMANDS: [&str; 7] = [
    "login", "token", "status", "refresh", "logout", "use", "export",
];

/// Runs `cmd` to its end off the runtime the stand-in answers on (it would otherwise wait on a
/// stand-in that cannot answer).
/// Under Wine a process start is now and then refused for a moment (`CreateProcess` fails with
/// ERROR_INTERNAL_ERROR, os error 1359, and nothing runs): tried again, three times at most.
pub async fn finish(mut cmd: Command) -> Assert {
    tokio::task::spawn_blocking(move || {
        let mut tries = 0;
        loop {
            match cmd.output() {
                Ok(output) => return Assert::new(output),
                Err(e) if e.raw_os_error() == Some(1359) && tries < 2 => {
                    tries += 1;
                    eprintln!("the process did not start ({e}); trying again");
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("the process did not start: {e}"),
            }
        }
    })
    .await
    .expect("the command's task")
}

/// True when a real Secret Service was set up for this run (see `scripts/test`).
pub fn keyring_available() -> bool {
    if std::env::var_os("PSN_AUTH_TEST_KEYRING").is_some() {
        return true;
    }
    eprintln!("skipped: needs the private gnome-keyring that scripts/test starts");
    false
}

/// A stand-in, a settings folder of this test alone, and every secret seen so far.
pub struct Rig {
    pub standin: StandIn,
    pub config_home: TempDir,
    pub secrets: Mutex<BTreeSet<String>>,
}

impl Rig {
    pub async fn start() -> Self {
        Self::with(|_| {}).await
    }

    pub async fn with(change: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::default();
        change(&mut config);
        Self {
            standin: StandIn::start(config).await.expect("stand-in starts"),
            config_home: tempfile::tempdir().unwrap(),
            secrets: Mutex::new(BTreeSet::new()),
        }
    }

    /// `psn-auth ARGS` pointed at the stand-in, with this test's settings folder.
    pub fn command(&self, args: &[&str]) -> Command {
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
    pub async fn run(&self, args: &[&str], stdin: Option<&str>) -> Assert {
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
    pub fn settings_dir(&self) -> std::path::PathBuf {
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
    pub async fn traced(&self, args: &[&str], stdin: Option<String>) -> String {
        let mut cmd = self.command(args);
        cmd.env("PSN_AUTH_LOG", "trace");
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let assert = finish(cmd).await.success();
        self.check_no_secret_in_stderr(&assert);
        stderr(&assert)
    }

    pub fn check_no_secret_in_stderr(&self, assert: &Assert) {
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
    pub async fn login(&self) -> Assert {
        self.run(&["login"], Some(&self.standin.npsso()))
            .await
            .success()
    }

    /// `psn-auth token`'s output, which must be one line.
    pub async fn token(&self, args: &[&str]) -> String {
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

    pub fn last_access(&self) -> String {
        self.standin
            .last_access_token()
            .expect("a token was issued")
    }

    pub async fn status_json(&self) -> serde_json::Value {
        let assert = self.run(&["status", "--json"], None).await;
        serde_json::from_str(&stdout(&assert)).expect("status --json prints JSON")
    }
}

pub fn stdout(assert: &Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

pub fn stderr(assert: &Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// The only stderr lines a successful `token` or `export` may print: the override warnings.
pub fn only_override_warnings(stderr: &str) -> bool {
    stderr
        .lines()
        .all(|l| l.starts_with("psn-auth: warning: using PSN_"))
}

/// `exec`'s arguments running `script` in this platform's shell: `sh -c unix` here,
/// `cmd /c windows` on Windows.
pub fn exec<'a>(options: &[&'a str], unix: &'a str, windows: &'a str) -> Vec<&'a str> {
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
pub fn child_env(assert: &Assert) -> std::collections::BTreeMap<String, String> {
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

#[cfg(unix)]
/// Runs `bash` with a script; its stdout.
pub fn bash(script: &str) -> String {
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

/// A stand-in for a proxy on loopback that only counts who connects to it.
pub fn counting_listener() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
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

/// Every one of `outputs` succeeded with `token` alone on stdout and nothing but the override
/// warnings on stderr (many concurrent `psn-auth token` calls agreeing on one token).
pub fn assert_all_printed(outputs: &[std::process::Output], token: &str) {
    for output in outputs {
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{err}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            format!("{token}\n")
        );
        assert!(only_override_warnings(&err), "{err}");
    }
}
