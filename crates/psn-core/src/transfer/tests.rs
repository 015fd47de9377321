use chrono::{Duration, TimeZone, Utc};

use super::*;

fn set() -> TokenSet {
    let obtained = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    TokenSet {
        access_token: AccessToken::new("eyJh.access.sig"),
        refresh_token: RefreshToken::new("eyJh.refresh.sig"),
        id_token: Some(IdToken::new("eyJh.id.sig")),
        token_type: "bearer".into(),
        scope: "psn:mobile.v2.core psn:clientapp".into(),
        obtained_at: obtained,
        access_expires_at: obtained + Duration::seconds(3599),
        refresh_expires_at: obtained + Duration::seconds(5_183_999),
    }
}

#[test]
fn psn_api_json_round_trips_counting_from_now() {
    let set = set();
    let now = set.obtained_at + Duration::seconds(600);
    let text = psn_api_json(&set, now);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["expiresIn"], 2999);
    let back = parse_token_set(&text, now).unwrap();
    assert_eq!(back.access_token, set.access_token);
    assert_eq!(back.refresh_token, set.refresh_token);
    assert_eq!(back.id_token, set.id_token);
    assert_eq!(back.access_expires_at, set.access_expires_at);
    assert_eq!(back.refresh_expires_at, set.refresh_expires_at);
}

#[test]
fn psnawp_json_has_its_fields_and_round_trips_with_absolute_deadlines() {
    let set = set();
    let text = psnawp_json(&set);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for field in [
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "id_token",
        "refresh_token",
        "refresh_token_expires_in",
        "access_token_expires_at",
        "refresh_token_expires_at",
    ] {
        assert!(value.get(field).is_some(), "{field} in {value}");
    }
    assert_eq!(value["expires_in"], 3599);
    assert_eq!(
        value["access_token_expires_at"].as_f64().unwrap(),
        set.access_expires_at.timestamp() as f64
    );
    // Read back a day later: the deadlines are where they were.
    let later = set.obtained_at + Duration::days(1);
    let back = parse_token_set(&text, later).unwrap();
    assert_eq!(back.access_expires_at, set.access_expires_at);
    assert_eq!(back.refresh_expires_at, set.refresh_expires_at);
    assert_eq!(back.obtained_at, set.obtained_at);
}

#[test]
fn what_is_not_a_whole_set_is_refused_without_echo() {
    let now = Utc::now();
    for (text, says) in [
        ("", "empty"),
        ("eyJh.only.an.access.token", "not a token set"),
        (
            "{\"accessToken\":\"eyJh.secret.value\",\"expiresIn\":3599}",
            "access token alone",
        ),
        ("{\"access_token\":\"eyJh.secret.value\"", "cut off"),
        (
            "{\"refreshToken\":\"eyJh.secret.value\"}",
            "no access token",
        ),
        (
            "{\"accessToken\":\"eyJh.secret.value\",\"refreshToken\":\"r\"}",
            "when its access token expires",
        ),
    ] {
        let err = parse_token_set(text, now).unwrap_err();
        assert_eq!(err.kind(), "invalid_token_set", "{text}");
        let message = err.to_string();
        assert!(message.contains(says), "{message}");
        assert!(!message.contains("secret.value"), "{message}");
        assert!(message.ends_with("Nothing was saved."), "{message}");
    }
}
