//! `psn-auth refresh`, `logout` and `use`: the commands that change an account. They report on
//! stderr; with `--json` they also print the account (psn-core's `AccountSummary`, no secret) on
//! stdout.

use chrono::Utc;
use psn_core::{AccountSummary, Accounts};

use serde::Serialize;

use crate::exit::{Exit, Failure};
use crate::output;
use crate::present::{account_name, deadline};

pub async fn refresh(
    accounts: &Accounts,
    account: Option<&str>,
    json: bool,
) -> Result<Exit, Failure> {
    let summary = accounts.refresh_now(account).await?;
    eprintln!("Refreshed {}.", name(&summary));
    print_deadlines(&summary);
    if json {
        output::json(&summary)?;
    }
    Ok(Exit::Ok)
}

/// `logout --json`: the account signed out, and the one active now.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedOut<'a> {
    signed_out: &'a AccountSummary,
    active: Option<&'a AccountSummary>,
}

pub async fn logout(
    accounts: &Accounts,
    account: Option<&str>,
    json: bool,
) -> Result<Exit, Failure> {
    let id = accounts.resolve(account).await?;
    let summary = accounts.summary(&id).await?;
    accounts.sign_out(Some(&id)).await?;
    let now = Utc::now();
    eprintln!(
        "Signed out {}: its tokens were removed from this computer.",
        name(&summary)
    );
    eprintln!(
        "Sony offers no way to revoke tokens, so copies made elsewhere (exports, scripts, \
         environment variables) stay valid until they expire: the access token {}, the refresh \
         token {}.",
        deadline(summary.access_expires_at, now),
        deadline(summary.refresh_expires_at, now),
    );
    let active = accounts.list().await?.into_iter().find(|a| a.active);
    match &active {
        Some(active) => eprintln!("The active account is now {}.", name(active)),
        None => eprintln!("No account is signed in now."),
    }
    if json {
        output::json(&SignedOut {
            signed_out: &summary,
            active: active.as_ref(),
        })?;
    }
    Ok(Exit::Ok)
}

pub async fn switch(accounts: &Accounts, account: &str, json: bool) -> Result<Exit, Failure> {
    let summary = accounts.set_active(account).await?;
    eprintln!("The active account is now {}.", name(&summary));
    if json {
        output::json(&summary)?;
    }
    Ok(Exit::Ok)
}

fn name(summary: &AccountSummary) -> String {
    account_name(&summary.label, &summary.account_id)
}

fn print_deadlines(summary: &AccountSummary) {
    let now = Utc::now();
    eprintln!(
        "  access token:  {}",
        deadline(summary.access_expires_at, now)
    );
    eprintln!(
        "  refresh token: {}",
        deadline(summary.refresh_expires_at, now)
    );
}
