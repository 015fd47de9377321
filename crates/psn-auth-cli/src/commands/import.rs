//! `psn-auth import`: a token set exported on another machine (psn-api's JSON, or psnawp's
//! `token_response`), read from standard input, checked with Sony and saved in this machine's
//! vault. Reading and checking are the library's (`psn_core::transfer`, `Accounts::import`).

use std::io::Read;

use chrono::Utc;
use psn_core::Accounts;
use zeroize::Zeroizing;

use crate::exit::{Exit, Failure};
use crate::present::{account_name, refresh_deadline_line};

/// More than any exported set (three JWTs of a few KB, pretty-printed).
const MAX_INPUT: u64 = 256 * 1024;

pub async fn run(accounts: &Accounts, json: bool) -> Result<Exit, Failure> {
    let mut text = Zeroizing::new(String::with_capacity(MAX_INPUT as usize + 64));
    std::io::stdin()
        .lock()
        .take(MAX_INPUT)
        .read_to_string(&mut text)
        .map_err(Failure::io("read the token set from standard input"))?;
    let set = psn_core::transfer::parse_token_set(&text, Utc::now())?;
    drop(text);
    let summary = accounts.import(set).await?.account;
    let now = Utc::now();
    eprintln!(
        "psn-auth: imported {}; it is the active account on this machine",
        account_name(&summary.label, &summary.account_id)
    );
    eprintln!("{}", refresh_deadline_line(&summary, now));
    if json {
        crate::output::json(&summary)?;
    }
    Ok(Exit::Ok)
}
