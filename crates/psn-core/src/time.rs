//! Time helpers every module may use: converting waits, and saying how long is left in words.

use chrono::{DateTime, Duration, Local, Utc};

/// A `std` duration as chrono's, saturating: no wait, however absurd, overflows.
pub fn to_chrono(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

/// "45 seconds", "2 minutes", "1 hour".
pub fn human_wait(wait: std::time::Duration) -> String {
    let secs = wait.as_secs().max(1);
    let (n, unit) = if secs < 90 {
        (secs, "second")
    } else if secs < 90 * 60 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs.div_ceil(3600), "hour")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// "7 days", "a day", "5 hours", for the time left (to the nearest day or hour).
pub fn describe_left(left: Duration) -> String {
    let days = (left + Duration::hours(12)).num_days();
    let hours = left.num_hours();
    match (days, hours) {
        (d, _) if d > 1 => format!("{d} days"),
        (_, h) if h >= 23 => "a day".to_owned(),
        (_, h) if h > 1 => format!("{h} hours"),
        _ => "the hour".to_owned(),
    }
}

/// "Mon 5 Jan 2027" in the local time zone.
pub fn local_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%a %-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_wait_rounds_up() {
        assert_eq!(human_wait(std::time::Duration::from_secs(1)), "1 second");
        assert_eq!(human_wait(std::time::Duration::from_secs(30)), "30 seconds");
        assert_eq!(human_wait(std::time::Duration::from_secs(91)), "2 minutes");
        assert_eq!(
            human_wait(std::time::Duration::from_secs(3600 * 3)),
            "3 hours"
        );
    }
}
