//! `login`: from standard input or the whole ssocookie line, what a crash between its writes leaves, and every way a sign-in fails.
//! Runs the `psn-auth` binary as a process (see `common` for the rig).

mod common;

use common::*;

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
    // They are: once Sony is back, the same set refreshes. A `token` right after the failure
    // does not ask Sony again (every process pauses 15 s after a temporary failure); an
    // explicit `refresh` does.
    rig.standin.clear_faults();
    rig.standin.configure(|c| c.access_ttl_secs = 3599);
    let asked = rig.standin.count(Endpoint::TokenRefresh);
    rig.run(&["token"], None).await.code(6);
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), asked, "paused");
    rig.run(&["refresh"], None).await.success();
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
