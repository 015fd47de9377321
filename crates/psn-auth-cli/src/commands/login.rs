//! `psn-auth login`: reads an NPSSO (all of stdin when it is not a terminal, else a prompt
//! without echo; never argv), signs in, and says who and until when. The tokens go only to the
//! vault; the NPSSO is wiped from memory once exchanged.

use std::io::{IsTerminal, Read};

use chrono::Utc;
use psn_core::endpoints::{SIGN_IN_PAGE, SONY_AUTH_BASE, SSOCOOKIE_PAGE};
use psn_core::{parse_npsso, Accounts, Endpoints};
use zeroize::Zeroizing;

use crate::exit::{Exit, Failure};
use crate::present::{account_name, deadline};

/// More than any ssocookie page, pretty-printed or not; the rest of a huge input is ignored
/// (it cannot be an NPSSO anyway).
const MAX_INPUT: u64 = 64 * 1024;

pub async fn run(accounts: &Accounts) -> Result<Exit, Failure> {
    let text = read_npsso(accounts.client().endpoints())?;
    let npsso = parse_npsso(&text)?;
    drop(text);
    let summary = accounts.sign_in(&npsso).await?;
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
    eprintln!(
        "  refresh token: {}; after that a new NPSSO is needed",
        deadline(summary.refresh_expires_at, now)
    );
    Ok(Exit::Ok)
}

fn read_npsso(endpoints: &Endpoints) -> Result<Zeroizing<String>, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let (sign_in, ssocookie) = pages(endpoints);
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
    let mut text = Zeroizing::new(String::with_capacity(MAX_INPUT as usize + 64));
    stdin
        .lock()
        .take(MAX_INPUT)
        .read_to_string(&mut text)
        .map_err(Failure::io("read the NPSSO from standard input"))?;
    Ok(text)
}

/// Sony's sign-in and ssocookie pages, or the override's (a stand-in serves both).
fn pages(endpoints: &Endpoints) -> (String, String) {
    let base = &endpoints.auth_base;
    if base.as_str().trim_end_matches('/') == SONY_AUTH_BASE {
        return (SIGN_IN_PAGE.to_owned(), SSOCOOKIE_PAGE.to_owned());
    }
    let ssocookie = base
        .join("api/v1/ssocookie")
        .map_or_else(|_| SSOCOOKIE_PAGE.to_owned(), |u| u.to_string());
    (base.to_string(), ssocookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_auth_override() {
        let sony = Endpoints::sony();
        assert_eq!(
            pages(&sony),
            (SIGN_IN_PAGE.to_owned(), SSOCOOKIE_PAGE.to_owned())
        );
        let local = Endpoints::from_vars(Some("http://127.0.0.1:9/"), None).unwrap();
        assert_eq!(
            pages(&local),
            (
                "http://127.0.0.1:9/".to_owned(),
                "http://127.0.0.1:9/api/v1/ssocookie".to_owned()
            )
        );
    }
}
