//! Accounts: none, several (`use`), `logout`, `status`, `reminder`, and each endpoint override's own.
//! Runs the `psn-auth` binary as a process (see `common` for the rig).

mod common;

use common::*;

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
