//! `exec`: a program run with a fresh token in its environment.
//! Runs the `psn-auth` binary as a process (see `common` for the rig).

mod common;

use common::*;

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
    // A crashed child on Windows (0xC0000005, an access violation) is not a success: its
    // code passes through whole, not clamped to 0..=255 (the third audit).
    #[cfg(windows)]
    rig.run(&exec(&[], "", "exit /b -1073741819"), None)
        .await
        .code(-1073741819);
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
