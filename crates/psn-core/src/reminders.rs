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

use chrono::{DateTime, Duration, DurationRound, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike};
use serde::{Deserialize, Serialize};

use crate::endpoints::SSOCOOKIE_PAGE;
use crate::kinds::{ErrorKind, Remedy};
use crate::model::AccountSummary;
use crate::time::{describe_left, local_date};

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
    // A label is one line of text: no bare CR (or other control character) may end a content
    // line early, whatever accounts.json holds.
    let name: String = account
        .label
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = &name;
    // A deadline from a damaged or hostile accounts.json, clamped to what a refresh token can
    // be (it lasts about 60 days), so no date arithmetic below can overflow.
    let deadline = account
        .refresh_expires_at
        .clamp(now - Duration::days(1), now + Duration::days(400));
    let start = (deadline - CALENDAR_LEAD).max(now + Duration::hours(1));
    // Calendars show minutes; an event at 18:10:31 would look like a typo.
    let start = start.duration_trunc(Duration::minutes(1)).unwrap_or(start);
    let description = format!(
        "{name}'s PlayStation Network refresh token expires on {}. Before then, open PSN Auth \
         and sign in again (\"Sign in here\", or paste a new NPSSO from {SSOCOOKIE_PAGE}). \
         From a terminal: psn-auth login.",
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

#[cfg(test)]
mod tests;
