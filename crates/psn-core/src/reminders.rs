//! Reminders that an account must sign in again: the rule for when the app notifies, the words
//! it uses, and the calendar file for people who don't keep the app running.
//!
//! - **Expiry**: a notice when the refresh token has [`WEEK`] left, again at [`DAY`], and when
//!   it has expired. Only the most urgent one due is sent (an app started with 12 hours left
//!   says "a day", not "a week" and then "a day").
//! - **Failures only the user can fix**: a background refresh that Sony refused, or a keychain
//!   that is locked or missing.
//! - **Once**: each reminder is remembered in `accounts.json` with the set it was about (the
//!   set's `obtained_at`), so a restart does not repeat it and a new sign-in starts afresh.
//!
//! No reminder, notice or calendar file ever holds a token: they are built from
//! [`AccountSummary`], which has none.

use chrono::{DateTime, Duration, DurationRound, Local, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike};
use serde::{Deserialize, Serialize};

use crate::accounts::AccountSummary;
use crate::error::{ErrorKind, Remedy};

/// The first expiry reminder: a week ahead.
pub const WEEK: Duration = Duration::days(7);
/// The second: a day ahead.
pub const DAY: Duration = Duration::days(1);
/// How long before the deadline the calendar event is.
pub const CALENDAR_LEAD: Duration = Duration::days(3);

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// The refresh token has a week or less left.
    WeekLeft,
    /// A day or less.
    DayLeft,
    /// It has expired.
    Expired,
    /// A background refresh was refused (or the stored set is damaged): only a new sign-in helps.
    SignInAgain,
    /// The keychain is locked or missing: the user must unlock or start it.
    Keychain,
}

/// A reminder that was sent, as `accounts.json` remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReminder {
    pub account_id: String,
    pub kind: ReminderKind,
    /// The `obtained_at` of the set it was about.
    pub set: DateTime<Utc>,
}

/// A reminder to show: what the desktop notification says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reminder {
    pub account_id: String,
    pub kind: ReminderKind,
    pub title: String,
    pub body: String,
    set: DateTime<Utc>,
}

impl Reminder {
    /// The record that keeps it from being sent again.
    pub fn sent(&self) -> SentReminder {
        SentReminder {
            account_id: self.account_id.clone(),
            kind: self.kind,
            set: self.set,
        }
    }

    fn new(account: &AccountSummary, kind: ReminderKind, now: DateTime<Utc>) -> Self {
        let name = &account.label;
        let deadline = local_date(account.refresh_expires_at);
        let left = describe_left(account.refresh_expires_at - now);
        let (title, body) = match kind {
            ReminderKind::WeekLeft | ReminderKind::DayLeft => (
                format!("{name} needs a new sign-in within {left}"),
                format!(
                    "Its refresh token expires on {deadline}. Open PSN Auth and sign in again \
                     before then, or tools using {name} will stop getting tokens."
                ),
            ),
            ReminderKind::Expired => (
                format!("{name}'s sign-in has expired"),
                format!(
                    "Its refresh token expired on {deadline}: tools using {name} no longer get \
                     tokens. Open PSN Auth and sign in again."
                ),
            ),
            ReminderKind::SignInAgain => (
                format!("Sony refused to refresh {name}"),
                "Its refresh token was rejected (expired or revoked). Open PSN Auth and sign in \
                 again to get a new set."
                    .to_owned(),
            ),
            ReminderKind::Keychain => (
                format!("PSN Auth can't refresh {name}: the keychain is locked"),
                "Unlock your keychain (or open PSN Auth and choose Try again); refreshing \
                 resumes by itself."
                    .to_owned(),
            ),
        };
        Self {
            account_id: account.account_id.clone(),
            kind,
            title,
            body,
            set: account.obtained_at,
        }
    }
}

/// The expiry reminder due for `account` at `now`, if any (not checking whether it was sent).
pub fn expiry_kind(account: &AccountSummary, now: DateTime<Utc>) -> Option<ReminderKind> {
    let left = account.refresh_expires_at - now;
    if left <= Duration::zero() {
        Some(ReminderKind::Expired)
    } else if left <= DAY {
        Some(ReminderKind::DayLeft)
    } else if left <= WEEK {
        Some(ReminderKind::WeekLeft)
    } else {
        None
    }
}

/// The expiry reminders due at `now` that `sent` does not hold: at most one per account.
pub fn due(
    accounts: &[AccountSummary],
    sent: &[SentReminder],
    now: DateTime<Utc>,
) -> Vec<Reminder> {
    accounts
        .iter()
        .filter_map(|account| {
            let kind = expiry_kind(account, now)?;
            let reminder = Reminder::new(account, kind, now);
            (!sent.contains(&reminder.sent())).then_some(reminder)
        })
        .collect()
}

/// The reminder for a background refresh of `account` that failed with `kind`, when only the
/// user can fix it; `None` for failures that pass by themselves (Sony down, no network).
pub fn for_failure(
    account: &AccountSummary,
    kind: ErrorKind,
    sent: &[SentReminder],
    now: DateTime<Utc>,
) -> Option<Reminder> {
    let reminder = match kind.remedy() {
        Remedy::NewNpsso => Reminder::new(account, ReminderKind::SignInAgain, now),
        Remedy::FixKeychain => Reminder::new(account, ReminderKind::Keychain, now),
        Remedy::FixInput | Remedy::RetryLater | Remedy::Other => return None,
    };
    (!sent.contains(&reminder.sent())).then_some(reminder)
}

/// Drops records about accounts that are gone or have signed in again since.
pub fn prune(sent: &mut Vec<SentReminder>, accounts: &[AccountSummary]) {
    sent.retain(|s| {
        accounts
            .iter()
            .any(|a| a.account_id == s.account_id && a.obtained_at == s.set)
    });
}

/// An iCalendar file (RFC 5545) with one event [`CALENDAR_LEAD`] before `account`'s refresh
/// token expires (or an hour from `now` if that is already past), on the whole minute, with an
/// alarm at its start.
/// Its UID is stable for one set, so importing it twice updates rather than duplicates.
pub fn calendar(account: &AccountSummary, now: DateTime<Utc>) -> String {
    let name = &account.label;
    let deadline = account.refresh_expires_at;
    let start = (deadline - CALENDAR_LEAD).max(now + Duration::hours(1));
    // Calendars show minutes; an event at 18:10:31 would look like a typo.
    let start = start.duration_trunc(Duration::minutes(1)).unwrap_or(start);
    let description = format!(
        "{name}'s PlayStation Network refresh token expires on {}. Before then, open PSN Auth \
         and sign in again (\"Sign in here\", or paste a new NPSSO from \
         https://ca.account.sony.com/api/v1/ssocookie). From a terminal: psn-auth login.",
        local_date(deadline)
    );
    let event = icalendar::Event::new()
        .uid(&format!(
            "psn-auth-{}-{}@psn-auth",
            account.account_id,
            deadline.timestamp()
        ))
        .timestamp(now)
        .summary(&format!("Renew PSN Auth sign-in for {name}"))
        .description(&description)
        .starts(start)
        .ends(start + Duration::minutes(30))
        .alarm(Alarm::display(
            &format!("{name} needs a new PSN sign-in"),
            -Duration::zero(),
        ))
        .done();
    let mut cal = Calendar::new();
    cal.name("PSN Auth").push(event);
    cal.done().to_string()
}

/// "Mon 5 Jan 2027" in the local time zone.
fn local_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%a %-d %b %Y").to_string()
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

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use icalendar::{CalendarComponent, DatePerhapsTime};

    use super::*;

    fn account(left: Duration, now: DateTime<Utc>) -> AccountSummary {
        AccountSummary {
            account_id: "1234".into(),
            label: "Kratos".into(),
            online_id: Some("Kratos".into()),
            avatar_url: None,
            active: true,
            obtained_at: now - Duration::days(50),
            access_expires_at: now + Duration::hours(1),
            refresh_expires_at: now + left,
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-26T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_calendar_event_starts_on_the_whole_minute() {
        let now: DateTime<Utc> = "2026-11-26T12:00:31.5Z".parse().unwrap();
        let a = account(Duration::days(40), now);
        let text = calendar(&a, now);
        let parsed = Calendar::from_str(&text).unwrap();
        let Some(CalendarComponent::Event(event)) = parsed.components.first() else {
            panic!("no event");
        };
        let expected: DateTime<Utc> = "2027-01-02T12:00:00Z".parse().unwrap();
        assert_eq!(
            event.get_start(),
            Some(DatePerhapsTime::DateTime(expected.into()))
        );
    }

    #[test]
    fn expiry_reminders_start_a_week_ahead_and_pick_the_most_urgent() {
        let now = now();
        let kinds: Vec<_> = [
            Duration::days(30),
            Duration::days(7) + Duration::seconds(1),
            Duration::days(7),
            Duration::days(3),
            Duration::days(1) + Duration::seconds(1),
            Duration::days(1),
            Duration::hours(2),
            Duration::zero(),
            -Duration::days(4),
        ]
        .into_iter()
        .map(|left| expiry_kind(&account(left, now), now))
        .collect();
        use ReminderKind::*;
        assert_eq!(
            kinds,
            [
                None,
                None,
                Some(WeekLeft),
                Some(WeekLeft),
                Some(WeekLeft),
                Some(DayLeft),
                Some(DayLeft),
                Some(Expired),
                Some(Expired)
            ]
        );
    }

    #[test]
    fn a_sent_reminder_is_not_due_again_until_a_new_sign_in() {
        let now = now();
        let a = account(Duration::days(3), now);
        let first = due(std::slice::from_ref(&a), &[], now);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].kind, ReminderKind::WeekLeft);
        assert!(first[0].title.contains("Kratos"), "{}", first[0].title);
        assert!(first[0].title.contains("3 days"), "{}", first[0].title);
        let mut sent = vec![first[0].sent()];
        assert!(due(std::slice::from_ref(&a), &sent, now).is_empty());
        // Two days later, the day reminder is a new one.
        let later = now + Duration::days(2) + Duration::hours(1);
        let second = due(std::slice::from_ref(&a), &sent, later);
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].kind, ReminderKind::DayLeft);
        sent.push(second[0].sent());
        // A new sign-in (a new set) forgets them.
        let mut renewed = a.clone();
        renewed.obtained_at = later;
        prune(&mut sent, std::slice::from_ref(&renewed));
        assert!(sent.is_empty());
        // And an account that is gone takes its records with it.
        let mut sent = vec![first[0].sent()];
        prune(&mut sent, &[]);
        assert!(sent.is_empty());
    }

    #[test]
    fn failures_remind_only_when_the_user_must_act() {
        let now = now();
        let a = account(Duration::days(30), now);
        let remind = |kind| for_failure(&a, kind, &[], now).map(|r| r.kind);
        assert_eq!(
            remind(ErrorKind::RefreshRejected),
            Some(ReminderKind::SignInAgain)
        );
        for kind in ErrorKind::ALL {
            let expected = match kind.remedy() {
                Remedy::NewNpsso => Some(ReminderKind::SignInAgain),
                Remedy::FixKeychain => Some(ReminderKind::Keychain),
                _ => None,
            };
            assert_eq!(remind(*kind), expected, "{kind:?}");
        }
        let sent = [for_failure(&a, ErrorKind::RefreshRejected, &[], now)
            .unwrap()
            .sent()];
        assert_eq!(
            for_failure(&a, ErrorKind::RefreshRejected, &sent, now),
            None
        );
    }

    #[test]
    fn the_calendar_file_parses_back_with_the_event_three_days_before_the_deadline() {
        let now = now();
        let a = account(Duration::days(40), now);
        let text = calendar(&a, now);
        assert!(text.contains("\r\n"), "iCalendar lines end in CRLF");
        let parsed = Calendar::from_str(&text).expect("parses");
        let events: Vec<_> = parsed
            .components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 1);
        let event = events[0];
        let expected = a.refresh_expires_at - CALENDAR_LEAD;
        assert_eq!(expected.timestamp() % 60, 0, "the fixture is on the minute");
        assert_eq!(
            event.get_start(),
            Some(DatePerhapsTime::DateTime(expected.into()))
        );
        assert!(event.get_summary().unwrap().contains("Kratos"));
        assert!(event.get_description().unwrap().contains("psn-auth login"));
        assert!(text.contains("BEGIN:VALARM"), "{text}");
        assert_eq!(
            event.get_uid(),
            Some(
                format!(
                    "psn-auth-1234-{}@psn-auth",
                    a.refresh_expires_at.timestamp()
                )
                .as_str()
            )
        );
    }

    #[test]
    fn a_calendar_event_is_never_in_the_past() {
        let now = now();
        let a = account(Duration::days(1), now);
        let parsed = Calendar::from_str(&calendar(&a, now)).unwrap();
        let Some(CalendarComponent::Event(event)) = parsed.components.first() else {
            panic!("no event");
        };
        assert_eq!(
            event.get_start(),
            Some(DatePerhapsTime::DateTime((now + Duration::hours(1)).into()))
        );
    }
}
