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

/// The third audit: a bare CR in the label would end a content line early; extreme dates from a
/// damaged `accounts.json` must not panic.
#[test]
fn a_hostile_label_or_date_makes_a_valid_calendar() {
    let now = now();
    let mut a = account(Duration::days(30), now);
    a.label = "Evil\rBEGIN:VEVENT\r\nSUMMARY:x\n".into();
    let text = calendar(&a, now);
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "a bare CR at {i}: {text:?}");
        }
    }
    let events = text
        .lines()
        .filter(|l| l.starts_with("BEGIN:VEVENT"))
        .count();
    assert_eq!(events, 1, "the label started a line: {text}");
    for extreme in [DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC] {
        a.refresh_expires_at = extreme;
        let text = calendar(&a, now);
        assert!(text.contains("BEGIN:VEVENT"));
    }
}
