//! What the environment changes: endpoint overrides, logging, proxies.
//! Runs the `psn-auth` binary as a process (see `common` for the rig).

mod common;

use common::*;

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

/// The third audit: the environment cannot silently change whom PSN Auth trusts. A CA in
/// `SSL_CERT_FILE` is ignored (and said so by `doctor`); `PSN_AUTH_EXTRA_CA` is trusted, named in
/// a warning on every command, and shown by `doctor`, which never prints a proxy's password.
#[tokio::test(flavor = "multi_thread")]
async fn doctor_shows_whom_tls_trusts_and_an_extra_ca_is_always_named() {
    let rig = Rig::start().await;
    let ca = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../psn-core/tests/fixtures/test-ca.pem"
    );
    let mut doctor = rig.command(&["doctor", "--json"]);
    doctor
        .env("SSL_CERT_FILE", ca)
        .env("HTTPS_PROXY", "http://someone:hunter2@proxy.example:3128/")
        .env_remove("PSN_AUTH_EXTRA_CA");
    let out = finish(doctor).await.success();
    let text = stdout(&out);
    assert!(!text.contains("hunter2"), "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        report["proxies"][0],
        "HTTPS_PROXY=http://proxy.example:3128"
    );
    assert!(report["trust"]["ignoredEnv"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("SSL_CERT_FILE")));
    assert_eq!(report["trust"]["extraCa"], serde_json::Value::Null);
    assert!(report["trust"]["builtIn"].as_u64().unwrap() > 100);
    assert_eq!(report["vaultReachable"], true);
    assert!(!report["overrides"].as_array().unwrap().is_empty());

    let mut extra = rig.command(&["status"]);
    extra.env("PSN_AUTH_EXTRA_CA", ca);
    let said = stderr(&finish(extra).await);
    assert!(
        said.contains(
            "psn-auth: warning: trusting the extra certificate authority in PSN_AUTH_EXTRA_CA="
        ),
        "{said}"
    );
    let mut doctor = rig.command(&["doctor"]);
    doctor.env("PSN_AUTH_EXTRA_CA", ca);
    let text = stdout(&finish(doctor).await.success());
    assert!(
        text.contains("extra CA: ") && text.contains("(1 certificate)"),
        "{text}"
    );
}
