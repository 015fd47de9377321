//! `psn-auth status [--json] [--warn-days N]` (and `reminder --ics`, its calendar form): every account with both deadlines and which one is
//! active, from `accounts.json` alone (no keychain, no secret). The exit code answers "can the
//! active account still get tokens?": 0 yes, 4 its refresh token has expired, 3 no account; and
//! with `--warn-days N`, 8 when any account's refresh token expires within N days, so a cron job
//! or a Home Assistant sensor can warn before the two months are up.

use chrono::{DateTime, Duration, Utc};
use psn_core::{AccountSummary, Accounts, Error};
use serde::Serialize;

use crate::exit::{Exit, Failure};
use crate::output;
use crate::present::{account_name, deadline, seconds_left, span};

/// Below this, `status` reminds that a new NPSSO will soon be needed: when the app's first
/// reminder is sent.
const EARLY_WARNING_DAYS: i64 = psn_core::reminders::WEEK.num_days();

pub async fn run(accounts: &Accounts, json: bool, warn_days: Option<u32>) -> Result<Exit, Failure> {
    let list = accounts.list().await?;
    let now = Utc::now();
    let text = if json {
        render_json(&list, now)
    } else {
        render_text(&list, now)
    };
    output::stdout(&text)?;
    let exit = verdict(&list, now);
    match warn_days {
        Some(days) if exit == Exit::Ok => Ok(warning(&list, now, days)),
        _ => Ok(exit),
    }
}

/// `psn-auth reminder --ics`: the calendar file for the account's next sign-in.
pub async fn reminder(accounts: &Accounts, account: Option<&str>) -> Result<Exit, Failure> {
    let id = accounts.resolve(account).await?;
    let summary = accounts.summary(&id).await?;
    output::stdout(&psn_core::reminders::calendar(&summary, Utc::now()))?;
    Ok(Exit::Ok)
}

/// [`Exit::RefreshSoon`] when any account's refresh token ends within `days`, naming them.
fn warning(list: &[AccountSummary], now: DateTime<Utc>, days: u32) -> Exit {
    let soon: Vec<&AccountSummary> = list
        .iter()
        .filter(|a| a.refresh_expires_at - now < Duration::days(days.into()))
        .collect();
    for account in &soon {
        let left = account.refresh_expires_at - now;
        let name = account_name(&account.label, &account.account_id);
        if left <= Duration::zero() {
            eprintln!("psn-auth: the refresh token of {name} has expired.");
        } else {
            eprintln!(
                "psn-auth: the refresh token of {name} expires in {} (under {days} days).",
                span(left.num_seconds())
            );
        }
    }
    if soon.is_empty() {
        Exit::Ok
    } else {
        eprintln!("psn-auth: to fix: get a new NPSSO and run `psn-auth login` for each of them.");
        Exit::RefreshSoon
    }
}

/// The exit code, with its reason on stderr when it is not 0.
fn verdict(list: &[AccountSummary], now: DateTime<Utc>) -> Exit {
    let Some(active) = list.iter().find(|a| a.active) else {
        eprintln!("psn-auth: {}", Error::NoAccount);
        return Exit::NoAccount;
    };
    let name = account_name(&active.label, &active.account_id);
    let left = active.refresh_expires_at - now;
    if left <= Duration::zero() {
        eprintln!(
            "psn-auth: the refresh token of {name} has expired: a new NPSSO is needed. Get one \
             and run `psn-auth login` (or sign in again in the app)."
        );
        return Exit::NeedNpsso;
    }
    if left < Duration::days(EARLY_WARNING_DAYS) {
        eprintln!(
            "psn-auth: note: the refresh token of {name} expires in {}; sign in with a new NPSSO \
             before then.",
            span(left.num_seconds())
        );
    }
    Exit::Ok
}

fn render_text(list: &[AccountSummary], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    if list.is_empty() {
        out.push_str("No account is signed in.\n");
    }
    for account in list {
        let marker = if account.active { "*" } else { " " };
        let active = if account.active { ", active" } else { "" };
        out.push_str(&format!(
            "{marker} {}{active}\n    access token:  {}\n    refresh token: {}\n",
            account_name(&account.label, &account.account_id),
            deadline(account.access_expires_at, now),
            deadline(account.refresh_expires_at, now),
        ));
    }
    out
}

/// `{"active": id or null, "accounts": [summary + seconds left and expired flags]}`.
#[derive(Serialize)]
struct StatusJson<'a> {
    active: Option<&'a str>,
    accounts: Vec<AccountJson<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountJson<'a> {
    #[serde(flatten)]
    summary: &'a AccountSummary,
    access_expires_in: i64,
    access_expired: bool,
    refresh_expires_in: i64,
    refresh_expired: bool,
}

fn render_json(list: &[AccountSummary], now: DateTime<Utc>) -> String {
    let status = StatusJson {
        active: list
            .iter()
            .find(|a| a.active)
            .map(|a| a.account_id.as_str()),
        accounts: list
            .iter()
            .map(|summary| AccountJson {
                summary,
                access_expires_in: seconds_left(summary.access_expires_at, now),
                access_expired: summary.access_expires_at <= now,
                refresh_expires_in: seconds_left(summary.refresh_expires_at, now),
                refresh_expired: summary.refresh_expires_at <= now,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&status).expect("status serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, active: bool, refresh_left: i64, now: DateTime<Utc>) -> AccountSummary {
        AccountSummary {
            account_id: id.into(),
            label: format!("Player{id}"),
            online_id: Some(format!("Player{id}")),
            avatar_url: None,
            active,
            obtained_at: now,
            access_expires_at: now + Duration::seconds(3599),
            refresh_expires_at: now + Duration::seconds(refresh_left),
        }
    }

    #[test]
    fn exit_code_follows_the_active_account() {
        let now = Utc::now();
        assert_eq!(verdict(&[], now), Exit::NoAccount);
        let ok = [
            summary("1", true, 100_000, now),
            summary("2", false, -5, now),
        ];
        assert_eq!(verdict(&ok, now), Exit::Ok);
        let expired = [
            summary("1", false, 100_000, now),
            summary("2", true, -5, now),
        ];
        assert_eq!(verdict(&expired, now), Exit::NeedNpsso);
        let none_active = [summary("1", false, 100_000, now)];
        assert_eq!(verdict(&none_active, now), Exit::NoAccount);
    }

    #[test]
    fn warn_days_flags_any_account_under_the_threshold() {
        let now = Utc::now();
        let day = 86_400;
        let far = [summary("1", true, 10 * day, now)];
        assert_eq!(warning(&far, now, 7), Exit::Ok);
        let soon = [
            summary("1", true, 10 * day, now),
            summary("2", false, 3 * day, now),
        ];
        assert_eq!(warning(&soon, now, 7), Exit::RefreshSoon);
        assert_eq!(warning(&soon, now, 2), Exit::Ok);
        assert_eq!(warning(&soon, now, 0), Exit::Ok);
    }

    #[test]
    fn json_has_every_account_and_the_active_id() {
        let now = Utc::now();
        let list = [summary("1", true, 100, now), summary("2", false, -5, now)];
        let value: serde_json::Value = serde_json::from_str(&render_json(&list, now)).unwrap();
        assert_eq!(value["active"], "1");
        let first = &value["accounts"][0];
        assert_eq!(first["accountId"], "1");
        assert_eq!(first["onlineId"], "Player1");
        assert_eq!(first["active"], true);
        assert_eq!(first["accessExpiresIn"], 3599);
        assert_eq!(first["refreshExpiresIn"], 100);
        assert_eq!(value["accounts"][1]["refreshExpired"], true);
        assert_eq!(value["accounts"][1]["refreshExpiresIn"], 0);
    }

    #[test]
    fn text_marks_the_active_account() {
        let now = Utc::now();
        let text = render_text(
            &[summary("1", false, 100, now), summary("2", true, 100, now)],
            now,
        );
        assert!(text.contains("  Player1 (account 1)\n"), "{text}");
        assert!(text.contains("* Player2 (account 2), active\n"), "{text}");
        assert_eq!(text.matches("refresh token: expires").count(), 2);
        assert_eq!(render_text(&[], now), "No account is signed in.\n");
    }
}
