//! `psn-auth token` and `psn-auth export`: the access token alone, or the whole set as env
//! lines, psn-api's JSON, or an HTTP header. Both refresh first when the library's refresh
//! policy says the access token is due (as the app's background refresher does), and the library
//! makes that one refresh across every process.
//!
//! Every buffer that holds a secret is wiped once written.

use chrono::{DateTime, Utc};
use psn_core::{Accounts, TokenSet};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::cli::Format;
use crate::exit::{Exit, Failure};
use crate::output;
use crate::present::{handed_out, rfc3339};

pub async fn token(
    accounts: &Accounts,
    account: Option<&str>,
    json: bool,
) -> Result<Exit, Failure> {
    let (id, set) = handed_out(accounts.fresh_tokens(account).await?);
    let text = if json {
        let online_id = accounts.summary(&id).await?.online_id;
        let value = TokenJson {
            access_token: set.access_token.expose(),
            expires_at: rfc3339(set.access_expires_at),
            account_id: &id,
            online_id: online_id.as_deref(),
        };
        let mut text = serde_json::to_string_pretty(&value).expect("strings serialize");
        text.push('\n');
        Zeroizing::new(text)
    } else {
        Zeroizing::new(format!("{}\n", set.access_token.expose()))
    };
    output::stdout(&text)?;
    Ok(Exit::Ok)
}

/// `token --json`: the access token and what a script needs to know about it; never the
/// refresh token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenJson<'a> {
    pub access_token: &'a str,
    pub expires_at: String,
    pub account_id: &'a str,
    pub online_id: Option<&'a str>,
}

pub async fn export(
    accounts: &Accounts,
    format: Format,
    account: Option<&str>,
) -> Result<Exit, Failure> {
    let (_, set) = handed_out(accounts.fresh_tokens(account).await?);
    output::stdout(&render(&set, format, Utc::now()))?;
    Ok(Exit::Ok)
}

/// The set in `format`, ending with a newline.
fn render(set: &TokenSet, format: Format, now: DateTime<Utc>) -> Zeroizing<String> {
    Zeroizing::new(match format {
        Format::Env => {
            let access = set.access_token.expose();
            let refresh = set.refresh_token.expose();
            format!(
                "PSN_ACCESS_TOKEN={}\nPSN_REFRESH_TOKEN={}\nPSN_ACCESS_EXPIRES_AT={}\n\
                 PSN_REFRESH_EXPIRES_AT={}\n",
                shell_value(access),
                shell_value(refresh),
                rfc3339(set.access_expires_at),
                rfc3339(set.refresh_expires_at),
            )
        }
        Format::Json => return psn_core::transfer::psn_api_json(set, now),
        Format::Psnawp => return psn_core::transfer::psnawp_json(set),
        Format::Header => format!("Authorization: Bearer {}\n", set.access_token.expose()),
    })
}

/// A value as is when a shell and a dotenv reader take it literally (every JWT does), else in
/// single quotes.
fn shell_value(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=:".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use psn_core::{AccessToken, IdToken, RefreshToken};

    use super::*;

    fn set(now: DateTime<Utc>) -> TokenSet {
        TokenSet {
            access_token: AccessToken::new("eyJh.access.sig"),
            refresh_token: RefreshToken::new("eyJh.refresh.sig"),
            id_token: Some(IdToken::new("eyJh.id.sig")),
            token_type: "bearer".into(),
            scope: "psn:mobile.v2.core psn:clientapp".into(),
            obtained_at: now,
            access_expires_at: now + Duration::seconds(3599),
            refresh_expires_at: now + Duration::seconds(5_183_999),
        }
    }

    #[test]
    fn env_lines() {
        let now = Utc::now();
        let text = render(&set(now), Format::Env, now);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "PSN_ACCESS_TOKEN=eyJh.access.sig");
        assert_eq!(lines[1], "PSN_REFRESH_TOKEN=eyJh.refresh.sig");
        assert_eq!(
            lines[2],
            format!(
                "PSN_ACCESS_EXPIRES_AT={}",
                rfc3339(now + Duration::seconds(3599))
            )
        );
        assert!(lines[3].starts_with("PSN_REFRESH_EXPIRES_AT=") && lines[3].ends_with('Z'));
    }

    #[test]
    fn json_uses_psn_api_names() {
        let now = Utc::now();
        let text = render(&set(now), Format::Json, now);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(|k| &**k).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "accessToken",
                "expiresIn",
                "idToken",
                "refreshToken",
                "refreshTokenExpiresIn",
                "scope",
                "tokenType"
            ]
        );
        assert_eq!(value["expiresIn"], 3599);
        assert_eq!(value["refreshTokenExpiresIn"], 5_183_999);
        assert_eq!(value["accessToken"], "eyJh.access.sig");
        assert_eq!(value["idToken"], "eyJh.id.sig");
        assert_eq!(value["tokenType"], "bearer");
    }

    #[test]
    fn json_counts_down_to_zero_not_below() {
        let now = Utc::now();
        let text = render(&set(now), Format::Json, now + Duration::hours(2));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["expiresIn"], 0);
    }

    #[test]
    fn header_line() {
        let now = Utc::now();
        assert_eq!(
            *render(&set(now), Format::Header, now),
            "Authorization: Bearer eyJh.access.sig\n"
        );
    }

    #[test]
    fn odd_values_are_quoted_for_the_shell() {
        assert_eq!(shell_value("abc.DEF-_"), "abc.DEF-_");
        assert_eq!(shell_value("a b"), "'a b'");
        assert_eq!(shell_value("it's"), r"'it'\''s'");
        assert_eq!(shell_value(""), "''");
    }
}
