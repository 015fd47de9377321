//! On a server: no D-Bus session at all, tokens in the encrypted file vault, `serve` keeping
//! token files fresh for other programs, a set carried over from another machine with `import`,
//! and psnawp restoring its session from `export --format psnawp`. Each "machine" is a set of
//! folders of its own (data, config, runtime), against the loopback stand-in.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use psn_standin::Endpoint;

/// A machine without a keychain: its own folders, `PSN_AUTH_VAULT=file`, no D-Bus.
struct Machine {
    home: TempDir,
}

impl Machine {
    fn new() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// `psn-auth ARGS` on this machine (and `change`'s own adjustments).
    fn process(&self, rig: &Rig, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(args)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_RUNTIME_DIR", self.path("run"))
            .env("PSN_AUTH_VAULT", "file")
            .env("PSN_AUTH_BASE_URL", rig.standin.url())
            .env("PSN_API_BASE_URL", rig.standin.url());
        cmd
    }

    fn command(&self, rig: &Rig, args: &[&str]) -> Command {
        let mut cmd = Command::from_std(self.process(rig, args));
        cmd.timeout(Duration::from_secs(120));
        cmd
    }

    async fn run(&self, rig: &Rig, args: &[&str], stdin: Option<&str>) -> Assert {
        let mut cmd = self.command(rig, args);
        if let Some(input) = stdin {
            cmd.write_stdin(input.to_owned());
        }
        let assert = finish(cmd).await;
        rig.check_no_secret_in_stderr(&assert);
        assert
    }

    /// A machine with its file vault made and the stand-in's account signed in.
    async fn signed_in(rig: &Rig) -> Self {
        let m = Self::new();
        m.run(rig, &["vault", "init"], None).await.success();
        m.run(rig, &["login"], Some(&rig.standin.npsso()))
            .await
            .success();
        m
    }

    /// `export --format FORMAT`'s output.
    async fn export(&self, rig: &Rig, format: &str) -> String {
        stdout(
            &self
                .run(rig, &["export", "--format", format], None)
                .await
                .success(),
        )
    }

    /// `psn-auth serve --dir DIR ARGS…` running in the background until dropped.
    fn serve(&self, rig: &Rig, dir: &Path, args: &[&str]) -> Killed {
        let mut serve = self.process(rig, &["serve", "--dir"]);
        serve
            .arg(dir)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        Killed(serve.spawn().unwrap())
    }

    /// Every file under this machine's data and config folders, read whole.
    fn stored_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut todo = vec![self.path("data"), self.path("config")];
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    todo.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path, bytes));
                }
            }
        }
        out
    }

    /// The vault and its key file: the vault folder of the stand-in's namespace.
    fn vault_dir(&self) -> PathBuf {
        let data = self.path("data");
        let dir = std::fs::read_dir(&data)
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with("psn-auth"))
            .expect("a vault folder");
        dir.path()
    }
}

/// No file of `machine` holds any secret the stand-in ever issued (the NPSSO included).
fn assert_no_secret_in_files(rig: &Rig, machine: &Machine) {
    let secrets = rig.standin.issued_secrets();
    let files = machine.stored_files();
    assert!(!files.is_empty());
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{} holds a secret",
                path.display()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_dbus_the_file_vault_signs_in_and_serves_token_and_exec() {
    let rig = Rig::start().await;
    let m = Machine::new();
    // No keychain and no vault chosen: the error names the file vault as the fix.
    let mut login = m.process(&rig, &["login"]);
    login.env_remove("PSN_AUTH_VAULT");
    let mut login = Command::from_std(login);
    login.write_stdin(rig.standin.npsso());
    let err = finish(login).await.code(7);
    let said = stderr(&err);
    assert!(said.contains("PSN_AUTH_VAULT=file"), "{said}");
    assert!(said.contains("psn-auth vault init"), "{said}");
    // The file vault chosen but not made yet.
    let err = m
        .run(&rig, &["login"], Some(&rig.standin.npsso()))
        .await
        .code(7);
    assert!(stderr(&err).contains("vault init"), "{}", stderr(&err));

    m.run(&rig, &["vault", "init"], None).await.success();
    let status = m
        .run(&rig, &["vault", "status", "--json"], None)
        .await
        .success();
    let status: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(status["vault"], "file");
    assert!(
        status["unlockedWith"]
            .as_str()
            .unwrap()
            .contains("key file"),
        "{status}"
    );
    m.run(&rig, &["login"], Some(&rig.standin.npsso()))
        .await
        .success();

    let token = m.run(&rig, &["token"], None).await.success();
    assert_eq!(stdout(&token).trim_end(), rig.last_access());
    let exec = m
        .run(
            &rig,
            &["exec", "--", "sh", "-c", "printf %s \"$PSN_ACCESS_TOKEN\""],
            None,
        )
        .await
        .success();
    assert_eq!(stdout(&exec), rig.last_access());

    let dir = m.vault_dir();
    use std::os::unix::fs::PermissionsExt;
    for name in ["vault.age", "vault.key"] {
        let mode = std::fs::metadata(dir.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
    assert_no_secret_in_files(&rig, &m);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_or_open_key_and_a_damaged_vault_are_refused_and_kept() {
    let rig = Rig::start().await;
    let m = Machine::signed_in(&rig).await;
    let vault = m.vault_dir().join("vault.age");
    let before = std::fs::read(&vault).unwrap();

    // Another key.
    let other = m.path("other.key");
    psn_core::vault::file::generate_key_file(&other).unwrap();
    let with_other = || {
        let mut token = m.process(&rig, &["token"]);
        token.env("PSN_AUTH_KEY_FILE", &other);
        Command::from_std(token)
    };
    let err = finish(with_other()).await.code(7);
    assert!(
        stderr(&err).contains("made with another one"),
        "{}",
        stderr(&err)
    );

    // A key file others can read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = finish(with_other()).await.code(7);
    assert!(stderr(&err).contains("chmod 600"), "{}", stderr(&err));
    assert_eq!(
        std::fs::read(&vault).unwrap(),
        before,
        "the vault is untouched"
    );

    // A truncated vault: said, kept, and how to start over.
    std::fs::write(&vault, &before[..before.len() / 2]).unwrap();
    let err = m.run(&rig, &["token"], None).await.code(7);
    let said = stderr(&err);
    assert!(said.contains("damaged"), "{said}");
    assert!(said.contains("vault init"), "{said}");
    assert_eq!(std::fs::read(&vault).unwrap(), &before[..before.len() / 2]);
}

/// A serve keeps the files fresh across several refreshes of short-lived tokens while a reader
/// loops over them, runs `--on-change` after each new token, and removes its files when told
/// to stop.
#[tokio::test(flavor = "multi_thread")]
async fn serve_keeps_the_files_fresh_while_a_reader_loops() {
    // One-minute tokens are due for a refresh half-way (after 31 s): the shortest lifetime the
    // background refresher follows exactly, as it never refreshes one account twice within
    // 30 s.
    let rig = Rig::with(|c| c.access_ttl_secs = 62).await;
    let m = Machine::signed_in(&rig).await;
    let dir = m.path("tokens");
    let hook = m.path("hook.log");
    let id = rig.standin.account_id();

    let on_change = format!(
        "echo \"$PSN_ACCOUNT_ID $PSN_ONLINE_ID $PSN_ACCESS_TOKEN_FILE\" >> {}",
        hook.display()
    );
    let mut child = m.serve(&rig, &dir, &["--on-change", &on_change]);

    // A second serve on the same folder is refused.
    let started = Instant::now();
    while !dir.join("access_token").exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let second = finish(m.command(&rig, &["serve", "--dir", dir.to_str().unwrap()])).await;
    assert!(stderr(&second.code(1)).contains("one writer per folder"));

    // The reader: in a tight loop, every read is whole (JSON that parses, a token the stand-in
    // issued) and never an expired token.
    let reader_dir = dir.clone();
    let reader = std::thread::spawn(move || {
        let mut seen = std::collections::BTreeSet::new();
        let until = Instant::now() + Duration::from_secs(66);
        let mut reads = 0;
        while Instant::now() < until {
            let token = std::fs::read_to_string(reader_dir.join("access_token")).unwrap();
            let json = std::fs::read_to_string(reader_dir.join("token.json")).unwrap();
            let json: serde_json::Value = serde_json::from_str(&json).unwrap();
            let expires: chrono::DateTime<chrono::Utc> =
                json["expiresAt"].as_str().unwrap().parse().unwrap();
            assert!(expires > chrono::Utc::now(), "an expired token was served");
            seen.insert(token.trim_end().to_owned());
            reads += 1;
        }
        (seen, reads)
    });
    let (seen, reads) = reader.join().unwrap();
    let issued = rig.standin.issued_secrets();
    for token in &seen {
        assert!(
            issued.contains(token),
            "a partial or unknown token: {} chars",
            token.len()
        );
    }
    assert!(seen.len() >= 3, "{} tokens in {reads} reads", seen.len());
    assert!(rig.standin.count(Endpoint::TokenRefresh) >= 2);
    let per_account = std::fs::read_to_string(dir.join(&id).join("access_token")).unwrap();
    assert!(rig
        .standin
        .issued_secrets()
        .contains(&per_account.trim_end().to_owned()));

    let hooks = std::fs::read_to_string(&hook).unwrap();
    let lines: Vec<&str> = hooks.lines().collect();
    assert!(lines.len() >= 3, "{hooks}");
    let expected = format!(
        "{id} {} {}",
        rig.standin.online_id(),
        dir.join(&id).join("access_token").display()
    );
    assert!(lines.iter().all(|l| *l == expected), "{hooks}");
    assert!(rig
        .standin
        .issued_secrets()
        .iter()
        .all(|s| !hooks.contains(s.as_str())));

    // SIGTERM: done within a second, exit 0, files gone.
    let stopping = Instant::now();
    std::process::Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    let status = child.0.wait().unwrap();
    assert!(
        stopping.elapsed() < Duration::from_secs(2),
        "{:?}",
        stopping.elapsed()
    );
    assert!(status.success(), "{status:?}");
    assert!(!dir.join("access_token").exists());
    assert!(!dir.join(&id).join("access_token").exists());
    assert_no_secret_in_files(&rig, &m);
}

/// A child process that does not outlive a failed test.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve --dir` on a path that is not a folder, or that cannot be written: said, exit 1.
#[tokio::test(flavor = "multi_thread")]
async fn serve_refuses_a_folder_it_cannot_use() {
    let rig = Rig::start().await;
    let m = Machine::new();
    m.run(&rig, &["vault", "init"], None).await.success();
    let file = m.path("a-file");
    std::fs::write(&file, "x").unwrap();
    let err = m
        .run(
            &rig,
            &["serve", "--once", "--dir", file.to_str().unwrap()],
            None,
        )
        .await
        .code(1);
    assert!(stderr(&err).contains("is not a folder"), "{}", stderr(&err));
}

/// A set carried over from another machine is checked with Sony, saved in this machine's
/// vault, and served from there; what is not a whole set is refused and nothing is saved.
#[tokio::test(flavor = "multi_thread")]
async fn a_set_exported_on_one_machine_is_imported_and_served_on_another() {
    let rig = Rig::start().await;
    let desktop = Machine::signed_in(&rig).await;
    let exported = desktop.export(&rig, "json").await;

    let pi = Machine::new();
    pi.run(&rig, &["vault", "init"], None).await.success();
    for (input, code, says) in [
        ("not json at all", 5, "not a token set"),
        (
            "{\"accessToken\":\"eyJhbGciOi.only.access\",\"expiresIn\":3000}",
            5,
            "access token alone",
        ),
        ("", 5, "empty"),
    ] {
        let err = pi.run(&rig, &["import"], Some(input)).await.code(code);
        assert!(stderr(&err).contains(says), "{}", stderr(&err));
    }
    let none = pi.run(&rig, &["status"], None).await.code(3);
    drop(none);

    let me_before = rig.standin.count(Endpoint::Me);
    let imported = pi
        .run(&rig, &["import", "--json"], Some(&exported))
        .await
        .success();
    let summary: serde_json::Value = serde_json::from_str(&stdout(&imported)).unwrap();
    assert_eq!(summary["accountId"], rig.standin.account_id());
    assert!(
        rig.standin.count(Endpoint::Me) > me_before,
        "checked with who-am-I"
    );
    let token = pi.run(&rig, &["token"], None).await.success();
    assert_eq!(stdout(&token).trim_end(), rig.last_access());

    let dir = pi.path("tokens");
    pi.run(
        &rig,
        &["serve", "--once", "--dir", dir.to_str().unwrap()],
        None,
    )
    .await
    .success();
    let served = std::fs::read_to_string(dir.join("access_token")).unwrap();
    assert_eq!(served.trim_end(), rig.last_access());
    assert_no_secret_in_files(&rig, &pi);
}

/// A stale access token is refreshed before the import checks it.
#[tokio::test(flavor = "multi_thread")]
async fn a_stale_set_is_refreshed_before_it_is_imported() {
    let rig = Rig::start().await;
    let a = Machine::signed_in(&rig).await;
    let exported = a.export(&rig, "json").await;
    // The same set, as if its access token had two minutes left.
    let mut json: serde_json::Value = serde_json::from_str(&exported).unwrap();
    json["expiresIn"] = 120.into();
    let b = Machine::new();
    b.run(&rig, &["vault", "init"], None).await.success();
    let refreshes = rig.standin.count(Endpoint::TokenRefresh);
    b.run(&rig, &["import"], Some(&json.to_string()))
        .await
        .success();
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), refreshes + 1);
}

/// psnawp 3.1.0 (the real one, from PyPI) restores its session from `export --format psnawp`
/// without a new NPSSO exchange, and its request carries our token.
#[tokio::test(flavor = "multi_thread")]
async fn psnawp_restores_its_session_from_export() {
    let Some(python_path) = psnawp_path() else {
        return;
    };
    let rig = Rig::start().await;
    let m = Machine::signed_in(&rig).await;
    let file = m.path("token_response.json");
    std::fs::write(&file, m.export(&rig, "psnawp").await).unwrap();
    let authorizes = rig.standin.count(Endpoint::Authorize);
    let me = rig.standin.count(Endpoint::Me);

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/psnawp_restore.py");
    let url = rig.standin.url();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(script)
            .arg(&url)
            .arg(&file)
            .env("PYTHONPATH", python_path)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(out.trim(), rig.standin.account_id());
    assert_eq!(
        rig.standin.count(Endpoint::Authorize),
        authorizes,
        "no NPSSO exchange"
    );
    assert_eq!(rig.standin.count(Endpoint::Me), me + 1);
    let bearer = rig
        .standin
        .requests()
        .into_iter()
        .rev()
        .filter(|r| r.endpoint == Some(Endpoint::Me))
        .find_map(|r| r.header("authorization").map(str::to_owned));
    assert_eq!(
        bearer,
        Some(format!("Bearer {}", rig.last_access())),
        "psnawp's request carries our token"
    );
}

/// Where `scripts/setup --test` installed psnawp; `None` (skipped) outside `scripts/test`.
fn psnawp_path() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tools/psnawp");
    if path.join("psnawp_api").is_dir() {
        return Some(path);
    }
    assert!(
        std::env::var_os("PSN_AUTH_TEST_KEYRING").is_none(),
        "scripts/test installs psnawp 3.1.0 into target/tools/psnawp"
    );
    eprintln!("skipped: psnawp is installed by scripts/setup --test");
    None
}

/// Twenty `psn-auth token` processes over the file vault find the access token due at once:
/// one refreshes (under the write lock), the others read its result from the file.
#[tokio::test(flavor = "multi_thread")]
async fn twenty_concurrent_token_calls_over_the_file_vault_refresh_once() {
    let rig = Rig::with(|c| c.access_ttl_secs = 0).await;
    let m = Machine::signed_in(&rig).await;
    let stale = rig.last_access();
    rig.standin.configure(|c| c.access_ttl_secs = 3599);

    let children: Vec<std::process::Child> = (0..20)
        .map(|_| {
            let mut token = m.process(&rig, &["token"]);
            token
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            token.spawn().expect("psn-auth starts")
        })
        .collect();
    let mut outputs = Vec::new();
    for child in children {
        outputs.push(
            tokio::task::spawn_blocking(move || child.wait_with_output())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
    let fresh = rig.last_access();
    assert_ne!(fresh, stale);
    assert_all_printed(&outputs, &fresh);
    assert_no_secret_in_files(&rig, &m);
}

/// A set from another server (an endpoint override elsewhere) is not one these servers know:
/// refused, nothing saved.
#[tokio::test(flavor = "multi_thread")]
async fn a_set_from_another_server_is_refused() {
    let elsewhere = Rig::start().await;
    let a = Machine::signed_in(&elsewhere).await;
    let exported = a.export(&elsewhere, "json").await;

    let here = Rig::start().await;
    let b = Machine::new();
    b.run(&here, &["vault", "init"], None).await.success();
    let err = b.run(&here, &["import"], Some(&exported)).await.code(5);
    let said = stderr(&err);
    assert!(said.contains("did not accept these tokens"), "{said}");
    assert!(said.contains("Nothing was saved"), "{said}");
    b.run(&here, &["status"], None).await.code(3);
}

/// `--group` makes the token files group-readable (and nothing more).
#[tokio::test(flavor = "multi_thread")]
async fn serve_group_makes_the_files_group_readable() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let rig = Rig::start().await;
    let m = Machine::signed_in(&rig).await;
    let dir = m.path("tokens");
    let gid = std::fs::metadata(m.home.path()).unwrap().gid();
    let args = ["serve", "--once", "--dir", dir.to_str().unwrap(), "--group"];
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.push(gid.to_string());
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    m.run(&rig, &all, None).await.success();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.join("access_token")), 0o640);
    assert_eq!(
        mode(&dir.join(rig.standin.account_id()).join("token.json")),
        0o640
    );
    assert_eq!(mode(&dir), 0o750);
    assert_eq!(
        std::fs::metadata(dir.join("access_token")).unwrap().gid(),
        gid
    );
    // Without --group: owner-only.
    let private = m.path("private");
    m.run(
        &rig,
        &["serve", "--once", "--dir", private.to_str().unwrap()],
        None,
    )
    .await
    .success();
    assert_eq!(mode(&private.join("access_token")), 0o600);
}

/// When only a new sign-in helps (Sony refuses the refresh token), `serve` says why in
/// `error.json` and removes the account's token files once its token has expired.
#[tokio::test(flavor = "multi_thread")]
async fn serve_says_why_and_removes_the_files_when_only_a_sign_in_helps() {
    let rig = Rig::with(|c| c.access_ttl_secs = 4).await;
    let m = Machine::signed_in(&rig).await;
    rig.standin.expire_refresh_tokens();
    let dir = m.path("tokens");
    let id = rig.standin.account_id();
    let _child = m.serve(&rig, &dir, &[]);
    let error = dir.join(&id).join("error.json");
    wait_until(|| error.exists(), 20, "no error.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&error).unwrap()).unwrap();
    assert_eq!(json["kind"], "refresh_rejected", "{json}");
    assert_eq!(json["remedy"], "new_npsso", "{json}");
    assert!(
        json["message"].as_str().unwrap().contains("NPSSO"),
        "{json}"
    );
    // The token files go once the token has expired (4 s after the sign-in).
    wait_until(
        || !dir.join(&id).join("access_token").exists(),
        20,
        "the files stayed",
    );
    assert!(!dir.join("access_token").exists());
    assert!(error.exists(), "error.json stays: it says why");
}

/// Sony down while the access token is due: `token`, `exec` and `serve` hand out the current
/// token while its floor is left (a quarter of its lifetime, at most a minute), with a warning
/// naming the failure; under the floor the failure reaches the caller (exit 6) and serve's
/// readers (error.json); all of them make one request to Sony per pause, and once Sony is back
/// serve writes a new token.
#[tokio::test(flavor = "multi_thread")]
async fn through_an_outage_the_current_token_is_handed_out_down_to_its_floor() {
    // 20-second tokens: due with 10 s left, handed out through a failure down to 5 s left.
    let rig = Rig::with(|c| c.access_ttl_secs = 20).await;
    let m = Machine::signed_in(&rig).await;
    let current = rig.last_access();
    let json = stdout(&m.run(&rig, &["token", "--json"], None).await.success());
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let expires: chrono::DateTime<chrono::Utc> =
        json["expiresAt"].as_str().unwrap().parse().unwrap();
    let until = |left: i64| {
        let at = expires - chrono::Duration::seconds(left);
        let wait = (at - chrono::Utc::now()).to_std().unwrap_or_default();
        std::thread::sleep(wait);
    };
    let dir = m.path("tokens");
    let id = rig.standin.account_id();
    let _serve = m.serve(&rig, &dir, &[]);
    rig.standin
        .fail(Endpoint::TokenRefresh, psn_standin::Fault::outage());
    let before = rig.standin.count(Endpoint::TokenRefresh);

    until(8);
    let token = m.run(&rig, &["token"], None).await.success();
    assert_eq!(stdout(&token).trim_end(), current);
    let said = stderr(&token);
    assert!(said.contains("psn-auth: warning:"), "{said}");
    assert!(said.contains("sony_unavailable"), "{said}");
    let exec = m
        .run(
            &rig,
            &exec(&[], "printf %s \"$PSN_ACCESS_TOKEN\"", ""),
            None,
        )
        .await
        .success();
    assert_eq!(stdout(&exec), current);
    assert!(stderr(&exec).contains("sony_unavailable"));
    let served = std::fs::read_to_string(dir.join("access_token")).unwrap();
    assert_eq!(served.trim_end(), current, "serve keeps the current token");

    until(4);
    let failed = m.run(&rig, &["token"], None).await.code(6);
    assert!(
        stderr(&failed).contains("not available"),
        "{}",
        stderr(&failed)
    );
    let error = dir.join(&id).join("error.json");
    wait_until(|| error.exists(), 10, "no error.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&error).unwrap()).unwrap();
    assert_eq!(json["kind"], "sony_unavailable", "{json}");
    assert_eq!(json["remedy"], "retry_later", "{json}");
    assert!(!dir.join("access_token").exists());
    assert_eq!(
        rig.standin.count(Endpoint::TokenRefresh) - before,
        1,
        "serve, token and exec shared one request"
    );

    // Sony back: serve's next try writes a new token and drops error.json.
    rig.standin.clear_faults();
    wait_until(|| dir.join("access_token").exists(), 45, "not served again");
    let served = std::fs::read_to_string(dir.join("access_token")).unwrap();
    assert_ne!(served.trim_end(), current);
    assert!(!error.exists());
    assert_no_secret_in_files(&rig, &m);
}

/// A vault that cannot be read any more (here: damaged under serve's feet; on a desktop, a
/// keychain restarted locked) leaves nothing to refresh with, but the token served still expires:
/// its files go then, not never.
#[tokio::test(flavor = "multi_thread")]
async fn serve_removes_an_expired_token_it_can_no_longer_read() {
    let rig = Rig::with(|c| c.access_ttl_secs = 8).await;
    let m = Machine::signed_in(&rig).await;
    let dir = m.path("tokens");
    let _child = m.serve(&rig, &dir, &[]);
    let started = Instant::now();
    while !dir.join("access_token").exists() {
        assert!(started.elapsed() < Duration::from_secs(20), "never served");
        std::thread::sleep(Duration::from_millis(50));
    }
    let vault = m.vault_dir().join("vault.age");
    std::fs::write(&vault, b"age-encryption.org/v1\n-> X25519 damaged\n").unwrap();
    let damaged = Instant::now();
    while dir.join("access_token").exists() {
        assert!(
            damaged.elapsed() < Duration::from_secs(20),
            "an expired token is still served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!dir
        .join(rig.standin.account_id())
        .join("access_token")
        .exists());
}

/// A read of the tokens that failed (a keychain restarting, a vault being replaced) is tried
/// again within seconds, not at the next due time: a set another process stored meanwhile is
/// served before the old one's files have to go (the soak saw them gone for seconds).
#[tokio::test(flavor = "multi_thread")]
async fn serve_reads_again_within_seconds_after_a_failed_read() {
    // One-minute tokens: due for a refresh after 30 s, served until 2 s before they expire.
    let rig = Rig::with(|c| c.access_ttl_secs = 60).await;
    let m = Machine::signed_in(&rig).await;
    let signed_in = Instant::now();
    let first = rig.last_access();
    let dir = m.path("tokens");
    let _serve = m.serve(&rig, &dir, &[]);
    let served = || {
        std::fs::read_to_string(dir.join("access_token"))
            .map(|t| t.trim_end().to_owned())
            .unwrap_or_default()
    };
    wait_until(|| served() == first, 20, "never served");

    // Just before the first token is due, another process refreshes: the new set is due 30 s
    // later. Then the vault cannot be read while serve looks at the first token's due time.
    std::thread::sleep(Duration::from_secs(24).saturating_sub(signed_in.elapsed()));
    m.run(&rig, &["refresh"], None).await.success();
    let second = rig.last_access();
    assert_ne!(second, first);
    let vault = m.vault_dir().join("vault.age");
    let good = std::fs::read(&vault).unwrap();
    std::fs::write(&vault, b"age-encryption.org/v1\n-> X25519 damaged\n").unwrap();
    std::thread::sleep(Duration::from_secs(33).saturating_sub(signed_in.elapsed()));
    assert_eq!(served(), first, "the first token is still valid and served");
    std::fs::write(&vault, &good).unwrap();

    // The vault reads again: the second token is served within the keychain back-off (5 s, then
    // 10 s), well before the second set is due (54 s) or the first expires (60 s).
    wait_until(
        || served() == second,
        15,
        "the set stored meanwhile was not served after the vault read again",
    );
    assert!(signed_in.elapsed() < Duration::from_secs(50));
    assert_no_secret_in_files(&rig, &m);
}

/// Polls `what` every 50 ms until it holds; fails the test with `why` after `secs`.
fn wait_until(what: impl Fn() -> bool, secs: u64, why: &str) {
    let started = Instant::now();
    while !what() {
        assert!(started.elapsed() < Duration::from_secs(secs), "{why}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
