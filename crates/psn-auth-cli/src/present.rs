//! How deadlines read: an absolute local time and the time left, for people (`status`, `login`
//! and `refresh` messages), and RFC 3339 or whole seconds for scripts (`export`, `status --json`).

use chrono::{DateTime, Local, SecondsFormat, Utc};
use psn_core::accounts::Fresh;

/// The set handed out, after saying on stderr when it was handed out through a failed refresh
/// (Sony down, rate limited, offline): the caller gets a token still valid for a while, and the
/// user learns why it was not renewed.
pub fn handed_out(fresh: Fresh) -> (String, psn_core::TokenSet) {
    if let Some(warning) = fresh.warning(Utc::now()) {
        eprintln!("psn-auth: warning: {warning}");
    }
    (fresh.account_id, fresh.set)
}

/// `2025-06-01 14:03:12 +02:00` in the local time zone.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S %:z")
        .to_string()
}

/// `2025-06-01T12:03:12Z`.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Whole seconds until `at`, never negative.
pub fn seconds_left(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (at - now).num_seconds().max(0)
}

/// A duration in its two largest units: `59 d 23 h`, `4 h 10 min`, `59 min 58 s`, `12 s`.
pub fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (days, hours, minutes, seconds) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else if minutes > 0 {
        format!("{minutes} min {seconds} s")
    } else {
        format!("{seconds} s")
    }
}

/// `expires 2025-06-01 14:03:12 +02:00 (in 59 min 58 s)`, or `expired … (3 min 2 s ago)`.
pub fn deadline(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = (at - now).num_seconds();
    if left > 0 {
        format!("expires {} (in {})", local_time(at), span(left))
    } else {
        format!("expired {} ({} ago)", local_time(at), span(left))
    }
}

/// `StandIn_Player (account 1234…)`, or just the id when there is no online ID.
/// `Label (account 123)`. The label comes from Sony (an online ID): control characters are
/// dropped so a crafted name cannot move the cursor, recolour or clear the terminal.
pub fn account_name(label: &str, account_id: &str) -> String {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
    let (label, account_id) = (clean(label), clean(account_id));
    if label == account_id {
        format!("account {account_id}")
    } else {
        format!("{label} (account {account_id})")
    }
}

/// The line under a sign-in or an import: how long its refresh token lasts.
pub fn refresh_deadline_line(summary: &psn_core::AccountSummary, now: DateTime<Utc>) -> String {
    format!(
        "  refresh token: {}; after that a new NPSSO is needed",
        deadline(summary.refresh_expires_at, now)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_from_sony_cannot_drive_the_terminal() {
        let shown = account_name("Evil\u{1b}[31mRed\u{7}\u{9b}2J", "42");
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert!(
            shown.starts_with("Evil") && shown.contains("Red"),
            "{shown:?}"
        );
    }

    use chrono::Duration;

    use super::*;

    #[test]
    fn span_keeps_the_two_largest_units() {
        assert_eq!(span(0), "0 s");
        assert_eq!(span(59), "59 s");
        assert_eq!(span(3598), "59 min 58 s");
        assert_eq!(span(4 * 3600 + 10 * 60 + 5), "4 h 10 min");
        assert_eq!(span(5_183_999), "59 d 23 h");
        assert_eq!(span(-125), "2 min 5 s");
    }

    #[test]
    fn deadline_says_which_way() {
        let now = Utc::now();
        let ahead = deadline(now + Duration::seconds(90), now);
        assert!(ahead.starts_with("expires ") && ahead.ends_with("(in 1 min 30 s)"));
        let behind = deadline(now - Duration::seconds(90), now);
        assert!(behind.starts_with("expired ") && behind.ends_with("(1 min 30 s ago)"));
    }

    #[test]
    fn seconds_left_is_never_negative() {
        let now = Utc::now();
        assert_eq!(seconds_left(now - Duration::seconds(5), now), 0);
        assert_eq!(seconds_left(now + Duration::seconds(5), now), 5);
    }

    #[test]
    fn rfc3339_is_utc_to_the_second() {
        let at = DateTime::parse_from_rfc3339("2025-06-01T14:03:12.345+02:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(rfc3339(at), "2025-06-01T12:03:12Z");
    }

    #[test]
    fn account_name_avoids_repeating_the_id() {
        assert_eq!(account_name("123", "123"), "account 123");
        assert_eq!(account_name("Player", "123"), "Player (account 123)");
    }
}
