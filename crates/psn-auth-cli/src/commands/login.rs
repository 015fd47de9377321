//! `psn-auth login`: reads an NPSSO (all of stdin when it is not a terminal, else a prompt
//! without echo; never argv), signs in, and says who and until when. The tokens go only to the
//! vault; the NPSSO is wiped from memory once exchanged.

use std::io::{IsTerminal, Read};

use chrono::Utc;
use psn_core::npsso::MAX_INPUT;
use psn_core::{parse_npsso, Accounts, Endpoints};
use zeroize::Zeroizing;

use crate::exit::{Exit, Failure};
use crate::present::{account_name, deadline, refresh_deadline_line};

pub async fn run(accounts: &Accounts, json: bool) -> Result<Exit, Failure> {
    let text = read_npsso(accounts.client().endpoints())?;
    let npsso = parse_npsso(&text)?;
    drop(text);
    let summary = accounts.sign_in(&npsso).await?.account;
    drop(npsso);
    let now = Utc::now();
    eprintln!(
        "Signed in as {}. It is now the active account.",
        account_name(&summary.label, &summary.account_id)
    );
    eprintln!(
        "  access token:  {}; `psn-auth token` refreshes it when needed",
        deadline(summary.access_expires_at, now)
    );
    eprintln!("{}", refresh_deadline_line(&summary, now));
    if json {
        crate::output::json(&summary)?;
    }
    Ok(Exit::Ok)
}

fn read_npsso(endpoints: &Endpoints) -> Result<Zeroizing<String>, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let (sign_in, ssocookie) = (endpoints.sign_in_page(), endpoints.ssocookie_page());
        eprintln!(
            "Sign in on {sign_in} in a browser, open {ssocookie} and copy what it shows (the \
             whole line or just the value)."
        );
        let typed = rpassword::prompt_password("Paste the NPSSO (it will not be shown): ")
            .map_err(Failure::io("read the NPSSO from the terminal"))?;
        return Ok(Zeroizing::new(typed));
    }
    // Reserved up front (with room for the reader's end-of-input probe) so the buffer does not
    // grow: a reallocation would leave a copy behind that is never wiped.
    let mut text = Zeroizing::new(String::with_capacity(MAX_INPUT + 64));
    stdin
        .lock()
        .take(MAX_INPUT as u64)
        .read_to_string(&mut text)
        .map_err(Failure::io("read the NPSSO from standard input"))?;
    if text.trim().is_empty() {
        return Err(Failure::NoNpssoOnStdin);
    }
    Ok(text)
}
