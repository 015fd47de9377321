//! The commands through Tauri's IPC on a mock runtime (`tauri::test::mock_builder`), against the
//! loopback stand-in and a session-only vault: what the webview sends and receives.

mod common;

use common::harness;
use psn_standin::{Endpoint, Fault};
use serde_json::{json, Value};

#[test]
fn validate_npsso_reports_kind_and_message_without_echo() {
    let h = harness();
    let good = h
        .invoke("validate_npsso", json!({ "input": h.standin.npsso() }))
        .unwrap();
    assert_eq!(good, json!({ "ok": true }));
    let short = "abcdefghijklmnopqrstuvwxyz0123456789";
    let bad = h
        .invoke("validate_npsso", json!({ "input": short }))
        .unwrap();
    assert_eq!(bad["ok"], false);
    assert_eq!(bad["kind"], "wrong_length");
    let message = bad["message"].as_str().unwrap();
    assert!(
        message.contains("36") && message.contains("64"),
        "{message}"
    );
    assert!(!message.contains(short));
}

#[test]
fn first_view_reports_session_only_and_the_welcome_screen() {
    let h = harness();
    let view = h.invoke("app_view", json!({})).unwrap();
    let info = &view["info"];
    assert_eq!(info["demo"], false);
    assert_eq!(info["sessionOnly"], true);
    // How long a copy stays is told where the page reads it: Copy's answer (`clearsInSecs`).
    assert!(info.get("clipboardClearSecs").is_none(), "{info}");
    assert_eq!(view["screen"], json!({ "screen": "welcome" }));
}

#[test]
fn sign_in_answers_with_the_dashboard_it_just_wrote() {
    let h = harness();
    let view = h.sign_in_view();
    assert_eq!(view["screen"]["screen"], "dashboard");
    assert_eq!(view["screen"]["data"], h.dashboard());
    assert_eq!(view["screen"]["data"]["active"]["account"], view["account"]);
}

#[test]
fn sign_in_then_dashboard_shows_masked_tokens_only() {
    let h = harness();
    let summary = h.sign_in();
    assert_eq!(summary["label"], h.standin.online_id());
    assert_eq!(summary["accountId"], h.standin.account_id());
    assert_eq!(summary["active"], true);

    let dashboard = h.dashboard();
    assert_eq!(dashboard["accounts"].as_array().unwrap().len(), 1);
    let active = &dashboard["active"];
    let access = h.standin.last_access_token().unwrap();
    let masked = active["accessMasked"].as_str().unwrap();
    assert!(masked.len() < 20, "{masked}");
    assert!(access.starts_with(&masked[..6]));
    let text = dashboard.to_string();
    assert!(
        !text.contains(&access),
        "the full token reached the webview"
    );
    assert!(!text.contains(&h.standin.last_refresh_token().unwrap()));
}

#[test]
fn wrong_npsso_is_rejected_with_its_kind() {
    let h = harness();
    let err = h
        .invoke("sign_in", json!({ "input": "A".repeat(64) }))
        .unwrap_err();
    assert_eq!(err["kind"], "npsso_rejected");
    assert_eq!(err["remedy"], "new_npsso");
    let err = h
        .invoke("sign_in", json!({ "input": "not an npsso" }))
        .unwrap_err();
    assert_eq!(err["kind"], "invalid_npsso");
    assert_eq!(err["remedy"], "fix_input");
    assert_eq!(h.standin.count(Endpoint::Authorize), 1);
}

#[test]
fn sony_outage_and_rate_limit_reach_the_ui_as_data() {
    let h = harness();
    h.standin
        .fail(Endpoint::Authorize, Fault::outage().times(1));
    let err = h
        .invoke("sign_in", json!({ "input": h.standin.npsso() }))
        .unwrap_err();
    assert_eq!(err["kind"], "sony_unavailable");
    h.standin
        .fail(Endpoint::Authorize, Fault::rate_limited(45).times(1));
    let err = h
        .invoke("sign_in", json!({ "input": h.standin.npsso() }))
        .unwrap_err();
    assert_eq!(err["kind"], "rate_limited");
    assert_eq!(err["remedy"], "retry_later");
    assert_eq!(err["retryAfterSecs"], 45);
    // Nothing was stored by the failures.
    let screen = h.invoke("screen", json!({})).unwrap();
    assert_eq!(screen, json!({ "screen": "welcome" }));
}

#[test]
fn refresh_now_replaces_the_access_token() {
    let h = harness();
    let summary = h.sign_in();
    let id = summary["accountId"].as_str().unwrap().to_owned();
    let before = h.standin.last_access_token().unwrap();
    let after = h.invoke("refresh_now", json!({ "accountId": id })).unwrap();
    assert_eq!(h.standin.count(Endpoint::TokenRefresh), 1);
    assert_ne!(h.standin.last_access_token().unwrap(), before);
    assert!(
        after["accessExpiresAt"].as_str().unwrap() >= summary["accessExpiresAt"].as_str().unwrap()
    );
}

#[test]
fn refresh_with_expired_refresh_token_says_a_new_npsso_is_needed() {
    let h = harness();
    let id = h.sign_in()["accountId"].as_str().unwrap().to_owned();
    h.standin.expire_refresh_tokens();
    let err = h
        .invoke("refresh_now", json!({ "accountId": id }))
        .unwrap_err();
    assert_eq!(err["kind"], "refresh_rejected");
    assert_eq!(err["remedy"], "new_npsso");
    assert!(err["message"].as_str().unwrap().contains("new NPSSO"));
    // The stored set is untouched: the dashboard still loads it.
    assert!(h.dashboard()["active"].is_object());
}

#[test]
fn switch_and_sign_out() {
    let h = harness();
    let first = h.sign_in()["accountId"].as_str().unwrap().to_owned();
    h.standin.configure(|c| {
        c.account_id = "2222222222222222222".into();
        c.online_id = "Second_Player".into();
    });
    let second = h.sign_in();
    assert_eq!(second["label"], "Second_Player");
    let switched = h
        .invoke("switch_account", json!({ "accountId": first }))
        .unwrap();
    assert_eq!(switched["active"], true);
    let dashboard = h.dashboard();
    assert_eq!(dashboard["active"]["account"]["accountId"], first.as_str());
    h.invoke("sign_out", json!({ "accountId": first })).unwrap();
    let dashboard = h.dashboard();
    assert_eq!(dashboard["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(
        dashboard["active"]["account"]["label"], "Second_Player",
        "the remaining account becomes active"
    );
}

#[test]
fn avatar_arrives_as_a_data_url() {
    let h = harness();
    let id = h.sign_in()["accountId"].as_str().unwrap().to_owned();
    let avatar = h.invoke("avatar", json!({ "accountId": id })).unwrap();
    assert!(
        avatar
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{avatar}"
    );
    let none = h.invoke("avatar", json!({ "accountId": "999" })).unwrap();
    assert_eq!(none, Value::Null);
}

#[test]
fn unknown_account_is_a_clear_error() {
    let h = harness();
    let err = h
        .invoke(
            "copy_token",
            json!({ "accountId": "999", "which": "access" }),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "unknown_account");
}

/// Paste runs in Rust: the page gets a verdict and a masked preview, never the clipboard's
/// text, and signs in with what Rust kept. A token on the clipboard (as right after Copy) is
/// refused without being echoed. Needs the X display `scripts/test` runs under.
#[test]
fn paste_keeps_the_npsso_in_rust_and_never_hands_the_page_the_clipboard() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("skipped: needs an X display (scripts/test runs under Xvfb)");
        return;
    }
    let h = harness();
    let npsso = h.standin.npsso();
    let mut clipboard = arboard::Clipboard::new().unwrap();
    clipboard
        .set_text(format!("{{\"npsso\":\"{npsso}\"}}"))
        .unwrap();
    let pasted = h.invoke("paste_npsso", json!({})).unwrap();
    assert_eq!(pasted["ok"], true, "{pasted}");
    assert!(!pasted.to_string().contains(&npsso));
    assert!(pasted["preview"].as_str().unwrap().contains('…'));

    // No input from the page: the NPSSO Rust kept signs in.
    let view = h.invoke("sign_in", json!({})).unwrap();
    assert_eq!(view["account"]["accountId"], h.standin.account_id());

    // Copy puts the access token on the clipboard; Paste refuses it and never echoes it.
    let id = view["account"]["accountId"].as_str().unwrap().to_owned();
    h.invoke("copy_token", json!({ "accountId": id, "which": "access" }))
        .unwrap();
    let access = h.standin.last_access_token().unwrap();
    let refused = h.invoke("paste_npsso", json!({})).unwrap();
    assert_eq!(refused["ok"], false, "{refused}");
    assert!(!refused.to_string().contains(&access));
    // Nothing was kept: a sign-in without input has no NPSSO.
    let err = h.invoke("sign_in", json!({})).unwrap_err();
    assert_eq!(err["kind"], "invalid_npsso");
    drop(clipboard);
}

/// The window's Copy hands out what the tray's Copy and `psn-auth token` do (the library's
/// `to_hand_out`): an access token due for a refresh is refreshed first; the refresh token is
/// copied as stored. Needs the X display `scripts/test` runs under.
#[test]
fn copy_refreshes_a_due_access_token_first() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("skipped: needs an X display (scripts/test runs under Xvfb)");
        return;
    }
    // Two-second tokens are due for a refresh after one (half their lifetime).
    let config = psn_standin::Config {
        access_ttl_secs: 2,
        ..Default::default()
    };
    let h = common::harness_on(config, psn_core::Accounts::session_only);
    let id = h.sign_in()["accountId"].as_str().unwrap().to_owned();
    let first = h.standin.last_access_token().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1200));

    let copied = h
        .invoke("copy_token", json!({ "accountId": id, "which": "access" }))
        .unwrap();
    assert_eq!(copied["clearsInSecs"], 30);
    assert_eq!(h.standin.count(Endpoint::TokenRefresh), 1);
    let fresh = h.standin.last_access_token().unwrap();
    assert_ne!(fresh, first);
    let mut clipboard = arboard::Clipboard::new().unwrap();
    assert_eq!(clipboard.get_text().unwrap(), fresh);

    h.invoke("copy_token", json!({ "accountId": id, "which": "refresh" }))
        .unwrap();
    assert_eq!(
        h.standin.count(Endpoint::TokenRefresh),
        1,
        "no refresh for it"
    );
    assert_ne!(clipboard.get_text().unwrap(), fresh);
}

/// Sony down while the access token is due: the window's Copy hands out the current token (at
/// least a minute of it left) and says why in `warning`, as `psn-auth token` does on stderr.
#[test]
fn copy_through_an_outage_hands_out_the_current_token_with_a_warning() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("skipped: needs an X display (scripts/test runs under Xvfb)");
        return;
    }
    let vault = psn_core::Vault::session_only();
    let kept = vault.clone();
    let h = common::harness_on(psn_standin::Config::default(), move |client| {
        psn_core::Accounts::new(client, kept, psn_core::Settings::in_memory())
    });
    let id = h.sign_in()["accountId"].as_str().unwrap().to_owned();
    // Stored as obtained long ago: due (under 5 minutes left), with 200 s still to go.
    let mut set = vault.load(&id).unwrap().unwrap();
    set.access_expires_at = chrono::Utc::now() + chrono::Duration::seconds(200);
    set.obtained_at = set.access_expires_at - chrono::Duration::seconds(3599);
    vault.save(&id, &set).unwrap();
    h.standin
        .fail(Endpoint::TokenRefresh, psn_standin::Fault::outage());

    let copied = h
        .invoke("copy_token", json!({ "accountId": id, "which": "access" }))
        .unwrap();
    let warning = copied["warning"].as_str().unwrap();
    assert!(warning.contains("sony_unavailable"), "{warning}");
    assert!(!warning.contains(set.access_token.expose()));
    let mut clipboard = arboard::Clipboard::new().unwrap();
    assert_eq!(clipboard.get_text().unwrap(), set.access_token.expose());
}

#[test]
fn absurdly_long_input_is_refused_unread() {
    let h = harness();
    let huge = "A".repeat(200_000);
    let err = h.invoke("sign_in", json!({ "input": huge })).unwrap_err();
    assert_eq!(err["kind"], "invalid_npsso");
    let answer = h
        .invoke("validate_npsso", json!({ "input": "B".repeat(200_000) }))
        .unwrap();
    assert_eq!(answer["ok"], false);
    assert_eq!(h.standin.requests().len(), 0);
}

/// "Add a reminder to my calendar" writes an .ics into the Downloads folder and says where;
/// the file names the account and holds no token.
#[test]
fn the_calendar_reminder_is_saved_in_downloads_without_a_token() {
    let Some(config) = std::env::var_os("XDG_CONFIG_HOME") else {
        eprintln!("skipped: needs a private XDG_CONFIG_HOME (scripts/test sets one)");
        return;
    };
    let downloads = std::path::Path::new(&config).join("downloads");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        std::path::Path::new(&config).join("user-dirs.dirs"),
        format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.display()),
    )
    .unwrap();
    let h = harness();
    let id = h.sign_in()["accountId"].as_str().unwrap().to_owned();
    let path = h
        .invoke("save_calendar_reminder", json!({ "accountId": id }))
        .unwrap();
    let path = std::path::PathBuf::from(path.as_str().unwrap());
    assert!(path.starts_with(&downloads), "{}", path.display());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    assert!(text.contains(&h.standin.online_id()));
    for secret in h.standin.issued_secrets() {
        assert!(!text.contains(&secret), "a secret in the calendar file");
    }
}
