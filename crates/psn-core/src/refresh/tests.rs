use super::*;
use crate::vault::VaultError;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn secs(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

/// An account whose access token was obtained at `obtained` and lives `lifetime` seconds.
fn account(obtained: DateTime<Utc>, lifetime: i64) -> AccountSummary {
    AccountSummary {
        account_id: "42".into(),
        label: "Someone".into(),
        online_id: Some("Someone".into()),
        avatar_url: None,
        active: true,
        obtained_at: obtained,
        access_expires_at: obtained + secs(lifetime),
        refresh_expires_at: obtained + secs(5_183_999),
    }
}

#[test]
fn an_hour_long_token_is_due_five_minutes_ahead() {
    let p = RefreshPolicy::default();
    let a = account(t0(), 3599);
    assert_eq!(
        p.margin(a.obtained_at, a.access_expires_at),
        Duration::from_secs(300)
    );
    assert!(!p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(3298)));
    assert!(p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(3299)));
}

#[test]
fn a_short_token_is_due_at_half_its_lifetime_not_at_once() {
    let p = RefreshPolicy::default();
    let a = account(t0(), 120);
    assert_eq!(
        p.margin(a.obtained_at, a.access_expires_at),
        Duration::from_secs(60)
    );
    assert!(!p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(59)));
    assert!(p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(60)));
}

#[test]
fn an_expired_token_is_due() {
    let p = RefreshPolicy::default();
    let a = account(t0(), 3599);
    assert!(p.is_due(a.obtained_at, a.access_expires_at, t0() + secs(4000)));
}

#[test]
fn the_schedule_waits_until_due_then_refreshes() {
    let s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    assert_eq!(s.decide(&a, t0()), Decision::WaitUntil(t0() + secs(3299)));
    assert_eq!(s.decide(&a, t0() + secs(3300)), Decision::Refresh);
    assert_eq!(s.next_wake(&[a], t0()), Some(t0() + secs(3299)));
}

#[test]
fn short_tokens_are_not_refreshed_more_often_than_the_minimum_interval() {
    let mut s = RefreshSchedule::default();
    // A 20 s token is due after 10 s; the last refresh was just now.
    let a = account(t0(), 20);
    s.succeeded("42", t0());
    assert_eq!(
        s.decide(&a, t0() + secs(15)),
        Decision::WaitUntil(t0() + secs(30))
    );
    assert_eq!(s.decide(&a, t0() + secs(30)), Decision::Refresh);
}

#[test]
fn temporary_failures_back_off_doubling_up_to_the_cap() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let now = t0() + secs(3400);
    let err = Error::SonyUnavailable { status: 503 };
    let mut waits = Vec::new();
    for _ in 0..8 {
        match s.failed(&a, &err, now) {
            AfterFailure::RetryAt(at) => waits.push((at - now).num_seconds()),
            AfterFailure::Stopped => panic!("a temporary failure never stops"),
        }
    }
    assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
    assert_eq!(
        s.decide(&a, now + secs(899)),
        Decision::WaitUntil(now + secs(900))
    );
    assert_eq!(s.decide(&a, now + secs(900)), Decision::Refresh);
}

#[test]
fn sonys_retry_after_is_honoured_even_beyond_the_cap() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let err = Error::RateLimited {
        retry_after: Some(Duration::from_secs(3600)),
    };
    assert_eq!(
        s.failed(&a, &err, t0()),
        AfterFailure::RetryAt(t0() + secs(3600))
    );
}

#[test]
fn an_absurd_wait_from_sony_is_no_panic() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let err = Error::RateLimited {
        retry_after: Some(Duration::MAX),
    };
    assert!(matches!(s.failed(&a, &err, t0()), AfterFailure::RetryAt(_)));
    assert!(matches!(s.decide(&a, t0()), Decision::WaitUntil(_)));
    assert!(s.next_wake(&[a], t0()).is_some());
}

#[test]
fn a_success_clears_the_back_off() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let err = Error::Network {
        failure: crate::NetworkFailure::Timeout,
    };
    s.failed(&a, &err, t0());
    s.failed(&a, &err, t0());
    s.succeeded("42", t0() + secs(70));
    let again = account(t0() + secs(70), 3599);
    assert_eq!(
        s.decide(&again, t0() + secs(70)),
        Decision::WaitUntil(t0() + secs(70 + 3299))
    );
    s.failed(&again, &err, t0() + secs(3400));
    assert_eq!(
        s.decide(&again, t0() + secs(3400)),
        Decision::WaitUntil(t0() + secs(3430)),
        "the back-off starts over at 30 s"
    );
}

#[test]
fn a_rejected_refresh_token_stops_until_the_account_signs_in_again() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let now = t0() + secs(3400);
    assert_eq!(
        s.failed(&a, &Error::RefreshRejected, now),
        AfterFailure::Stopped
    );
    assert_eq!(
        s.decide(&a, now + secs(86_400)),
        Decision::Stopped(ErrorKind::RefreshRejected)
    );
    assert_eq!(s.next_wake(std::slice::from_ref(&a), now), None);
    // A new sign-in (another obtained_at) is looked at again.
    let signed_in = account(now + secs(10), 3599);
    assert!(matches!(
        s.decide(&signed_in, now + secs(10)),
        Decision::WaitUntil(_)
    ));
}

#[test]
fn a_locked_keychain_stops_until_the_user_acts() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let now = t0() + secs(3400);
    let locked = Error::Vault(VaultError::Locked);
    assert_eq!(s.failed(&a, &locked, now), AfterFailure::Stopped);
    assert_eq!(
        s.decide(&a, now + secs(600)),
        Decision::Stopped(ErrorKind::KeychainLocked)
    );
    s.resume("42");
    assert_eq!(s.decide(&a, now + secs(600)), Decision::Refresh);
}

#[test]
fn a_locked_keychain_stops_every_account_so_the_unlock_prompt_comes_once() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let mut b = account(t0(), 3599);
    b.account_id = "43".into();
    let now = t0() + secs(3400);
    s.failed(&a, &Error::Vault(VaultError::Locked), now);
    assert_eq!(
        s.decide(&b, now),
        Decision::Stopped(ErrorKind::KeychainLocked)
    );
    assert_eq!(s.next_wake(&[a.clone(), b.clone()], now), None);
    // Unlocking (the user acts) resumes them all.
    s.keychain_resumed();
    assert_eq!(s.decide(&b, now), Decision::Refresh);
    assert_eq!(
        s.decide(&a, now + secs(30)),
        Decision::Refresh,
        "after the minimum interval"
    );
}

#[test]
fn a_damaged_set_stops_like_a_rejected_refresh_token() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let corrupt = Error::Vault(VaultError::Corrupt {
        account: "42".into(),
    });
    assert_eq!(s.failed(&a, &corrupt, t0()), AfterFailure::Stopped);
}

#[test]
fn a_refresh_token_the_local_clock_calls_expired_is_tried_once() {
    // The local clock may be wrong: Sony decides, once.
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let later = a.refresh_expires_at + secs(60);
    assert_eq!(s.decide(&a, later), Decision::Refresh);
    assert_eq!(
        s.failed(&a, &Error::RefreshRejected, later),
        AfterFailure::Stopped
    );
    assert_eq!(
        s.decide(&a, later + secs(3600)),
        Decision::Stopped(ErrorKind::RefreshRejected)
    );
}

#[test]
fn accounts_that_are_gone_are_forgotten() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    s.failed(&a, &Error::RefreshRejected, t0());
    s.retain(&[]);
    assert!(matches!(s.decide(&a, t0()), Decision::WaitUntil(_)));
}

#[test]
fn the_rule_in_words_names_its_numbers() {
    assert_eq!(
        RefreshPolicy::default().due_rule(),
        "less than 5 minutes left, or half its lifetime when that is shorter"
    );
}

#[test]
fn a_token_is_handed_out_through_a_temporary_failure_down_to_its_floor() {
    let p = RefreshPolicy::default();
    let hour = account(t0(), 3599);
    let (obtained, expires) = (hour.obtained_at, hour.access_expires_at);
    assert_eq!(p.floor(obtained, expires), Duration::from_secs(60));
    let down = Error::SonyUnavailable { status: 503 };
    let limited = Error::RateLimited { retry_after: None };
    let rejected = Error::RefreshRejected;
    // Due (under 5 minutes left) and at least a minute left: handed out.
    assert!(p.may_hand_out(obtained, expires, &down, expires - secs(299)));
    assert!(p.may_hand_out(obtained, expires, &limited, expires - secs(60)));
    // Under a minute: the failure reaches the caller.
    assert!(!p.may_hand_out(obtained, expires, &down, expires - secs(59)));
    // Only the user can fix a rejected refresh token: never handed out around it.
    assert!(!p.may_hand_out(obtained, expires, &rejected, expires - secs(299)));

    // A two-minute token: a quarter of its lifetime, half its one-minute margin.
    let short = account(t0(), 120);
    assert_eq!(
        p.floor(short.obtained_at, short.access_expires_at),
        Duration::from_secs(30)
    );
}

#[test]
fn after_a_temporary_failure_processes_pause_for_sonys_wait_or_fifteen_seconds() {
    let p = RefreshPolicy::default();
    let down = Error::SonyUnavailable { status: 503 };
    assert_eq!(p.pause_after(&down), Duration::from_secs(15));
    let wait = |secs| Error::RateLimited {
        retry_after: Some(Duration::from_secs(secs)),
    };
    assert_eq!(p.pause_after(&wait(120)), Duration::from_secs(120));
    assert_eq!(p.pause_after(&wait(1)), Duration::from_secs(15));
    assert_eq!(p.pause_after(&wait(86_400)), Duration::from_secs(15 * 60));
    // Sony's no to a refresh token does not pass: a day, unless the user asks or signs in.
    assert_eq!(
        p.pause_after(&Error::RefreshRejected),
        Duration::from_secs(86_400)
    );
}

/// A keychain restarted under a running watcher or `serve` (gone for a moment): every account
/// waits, then is tried again with the temporary failures' back-off, without anyone acting.
#[test]
fn a_keychain_that_was_gone_is_tried_again_after_a_back_off() {
    let mut s = RefreshSchedule::default();
    let a = account(t0(), 3599);
    let mut b = account(t0(), 3599);
    b.account_id = "43".into();
    let now = t0() + secs(3400);
    let gone = Error::Vault(VaultError::Unavailable {
        reason: "no Secret Service".into(),
    });
    // A local service restarted in seconds: tried again after 5 s, not Sony's 30.
    assert_eq!(
        s.failed(&a, &gone, now),
        AfterFailure::RetryAt(now + secs(5))
    );
    assert_eq!(
        s.decide(&b, now + secs(1)),
        Decision::WaitUntil(now + secs(5))
    );
    assert_eq!(
        s.next_wake(&[a.clone(), b.clone()], now + secs(1)),
        Some(now + secs(5))
    );
    assert_eq!(s.decide(&b, now + secs(5)), Decision::Refresh);
    // Gone again: the wait doubles, up to a minute; a success ends it.
    assert_eq!(
        s.failed(&b, &gone, now + secs(5)),
        AfterFailure::RetryAt(now + secs(15))
    );
    for _ in 0..6 {
        s.failed(&b, &gone, now + secs(15));
    }
    assert_eq!(
        s.failed(&b, &gone, now + secs(100)),
        AfterFailure::RetryAt(now + secs(160))
    );
    s.succeeded("42", now + secs(160));
    assert_eq!(s.decide(&b, now + secs(161)), Decision::Refresh);
}
