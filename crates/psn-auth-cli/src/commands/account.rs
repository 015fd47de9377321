//! `psn-auth refresh`, `logout` and `use`: the commands that change an account and report on
//! stderr (they print no data).

use chrono::Utc;
use psn_core::{AccountSummary, Accounts};

use crate::exit::{Exit, Failure};
use crate::present::{account_name, deadline};

pub async fn refresh(accounts: &Accounts, account: Option<&str>) -> Result<Exit, Failure> {
    let summary = accounts.refresh_now(account).await?;
    eprintln!("Refreshed {}.", name(&summary));
    print_deadlines(&summary);
    Ok(Exit::Ok)
}

pub async fn logout(accounts: &Accounts, account: Option<&str>) -> Result<Exit, Failure> {
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
    match accounts.list().await?.into_iter().find(|a| a.active) {
        Some(active) => eprintln!("The active account is now {}.", name(&active)),
        None => eprintln!("No account is signed in now."),
    }
    Ok(Exit::Ok)
}

pub async fn switch(accounts: &Accounts, account: &str) -> Result<Exit, Failure> {
    let summary = accounts.set_active(account).await?;
    eprintln!("The active account is now {}.", name(&summary));
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
