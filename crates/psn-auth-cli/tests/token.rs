//! `token` and `export`: a fresh token, refreshed once however many ask, and what a refresh that fails says.
//! Runs the `psn-auth` binary as a process (see `common` for the rig).

mod common;

use common::*;

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
    // `token` asked and Sony said no, which every process then remembers: `export` did not ask
    // again. `refresh` is the user asking on purpose, so it does.
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 2);
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
    assert_all_printed(&outputs, &fresh);
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
