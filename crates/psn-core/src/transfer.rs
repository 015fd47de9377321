//! Token sets in the shapes other tools restore from, and back: psn-api's JSON (its
//! `AuthTokensResponse`) and psnawp 3.1's `token_response`. What `export` prints and `import`
//! reads, so a set moves between machines (`psn-auth export --format json | ssh pi psn-auth
//! import`) and into the libraries people use.
//!
//! Every string here holds secrets: callers wipe what they render, and nothing is logged.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::secret::{AccessToken, IdToken, RefreshToken};
use crate::tokens::{TokenSet, MAX_ACCESS_SECS, MAX_REFRESH_SECS};

/// Seconds from `now` until `at` (0 once past).
fn seconds_left(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (at - now).num_seconds().max(0)
}

/// psn-api's `AuthTokensResponse`, field for field (`export --format json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PsnApiTokens<'a> {
    access_token: &'a str,
    expires_in: i64,
    id_token: Option<&'a str>,
    refresh_token: &'a str,
    refresh_token_expires_in: i64,
    scope: &'a str,
    token_type: &'a str,
}

/// psnawp 3.1's `TokenResponse` (`export --format psnawp`): Sony's token answer plus the two
/// absolute deadlines psnawp keeps, in epoch seconds.
#[derive(Serialize)]
struct PsnawpTokens<'a> {
    access_token: &'a str,
    token_type: &'a str,
    expires_in: i64,
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<&'a str>,
    refresh_token: &'a str,
    refresh_token_expires_in: i64,
    access_token_expires_at: f64,
    refresh_token_expires_at: f64,
}

/// `set` as psn-api's JSON, pretty-printed, ending with a newline.
pub fn psn_api_json(set: &TokenSet, now: DateTime<Utc>) -> Zeroizing<String> {
    let json = PsnApiTokens {
        access_token: set.access_token.expose(),
        expires_in: seconds_left(set.access_expires_at, now),
        id_token: set.id_token.as_ref().map(|t| t.expose()),
        refresh_token: set.refresh_token.expose(),
        refresh_token_expires_in: seconds_left(set.refresh_expires_at, now),
        scope: &set.scope,
        token_type: &set.token_type,
    };
    pretty(&json)
}

/// `set` as psnawp's `token_response`, pretty-printed, ending with a newline. `expires_in` and
/// `refresh_token_expires_in` are the lifetimes Sony gave; the deadlines are absolute.
pub fn psnawp_json(set: &TokenSet) -> Zeroizing<String> {
    let epoch = |at: DateTime<Utc>| at.timestamp_millis() as f64 / 1000.0;
    let json = PsnawpTokens {
        access_token: set.access_token.expose(),
        token_type: &set.token_type,
        expires_in: (set.access_expires_at - set.obtained_at)
            .num_seconds()
            .max(0),
        scope: &set.scope,
        id_token: set.id_token.as_ref().map(|t| t.expose()),
        refresh_token: set.refresh_token.expose(),
        refresh_token_expires_in: (set.refresh_expires_at - set.obtained_at)
            .num_seconds()
            .max(0),
        access_token_expires_at: epoch(set.access_expires_at),
        refresh_token_expires_at: epoch(set.refresh_expires_at),
    };
    pretty(&json)
}

fn pretty(value: &impl Serialize) -> Zeroizing<String> {
    let mut text = Zeroizing::new(serde_json::to_string_pretty(value).expect("strings serialize"));
    text.push('\n');
    text
}

/// Either shape, as `import` reads it: camelCase (psn-api) or snake_case (psnawp, Sony's own).
#[derive(Deserialize)]
struct AnyTokens {
    #[serde(alias = "accessToken")]
    access_token: Option<String>,
    #[serde(alias = "refreshToken")]
    refresh_token: Option<String>,
    #[serde(alias = "idToken")]
    id_token: Option<String>,
    #[serde(alias = "tokenType")]
    token_type: Option<String>,
    scope: Option<String>,
    #[serde(alias = "expiresIn")]
    expires_in: Option<f64>,
    #[serde(alias = "refreshTokenExpiresIn")]
    refresh_token_expires_in: Option<f64>,
    access_token_expires_at: Option<f64>,
    refresh_token_expires_at: Option<f64>,
}

impl Drop for AnyTokens {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for token in [
            &mut self.access_token,
            &mut self.refresh_token,
            &mut self.id_token,
        ] {
            if let Some(token) = token.as_mut() {
                token.zeroize();
            }
        }
    }
}

fn invalid(message: &str) -> Error {
    Error::InvalidTokenSet(message.to_owned())
}

/// A set read from psn-api's JSON or psnawp's `token_response` at `now`. Deadlines come from the
/// absolute `*_expires_at` when given (psnawp), else from the lifetimes counted from `now` (psn-api
/// prints the time left). Never echoes what it was given.
pub fn parse_token_set(text: &str, now: DateTime<Utc>) -> Result<TokenSet, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(
            "Standard input is empty: pipe in the JSON that `export --format json` (or psnawp's \
             token_response) printed on the other machine.",
        ));
    }
    if !text.starts_with('{') {
        return Err(invalid(
            "That is not a token set: give the JSON that `export --format json` (or psnawp's \
             token_response) printed, not a bare token.",
        ));
    }
    let any: AnyTokens = serde_json::from_str(text).map_err(|_| {
        invalid("That JSON is not a token set (or it is cut off): export it again and retry.")
    })?;
    let nonempty = |v: &Option<String>| v.as_ref().filter(|s| !s.trim().is_empty()).cloned();
    let access = nonempty(&any.access_token)
        .ok_or_else(|| invalid("That JSON has no access token: it is not a token set."))?;
    let refresh = nonempty(&any.refresh_token).ok_or_else(|| {
        invalid(
            "That is an access token alone: a set needs its refresh token too. Export the whole \
             set (`export --format json`).",
        )
    })?;
    let at = |epoch: Option<f64>, lifetime: Option<f64>, max: i64| -> Option<DateTime<Utc>> {
        match (epoch, lifetime) {
            (Some(epoch), _) if epoch.is_finite() => {
                DateTime::from_timestamp_millis((epoch * 1000.0) as i64)
            }
            (_, Some(secs)) if secs.is_finite() => {
                Some(now + Duration::seconds((secs as i64).clamp(0, max)))
            }
            _ => None,
        }
    };
    let access_expires_at = at(any.access_token_expires_at, any.expires_in, MAX_ACCESS_SECS)
        .ok_or_else(|| invalid("That JSON does not say when its access token expires."))?;
    let refresh_expires_at = at(
        any.refresh_token_expires_at,
        any.refresh_token_expires_in,
        MAX_REFRESH_SECS,
    )
    .ok_or_else(|| invalid("That JSON does not say when its refresh token expires."))?;
    Ok(TokenSet {
        access_token: AccessToken::new(access.to_string()),
        refresh_token: RefreshToken::new(refresh.to_string()),
        id_token: nonempty(&any.id_token).map(|t| IdToken::new(t.to_string())),
        token_type: any.token_type.clone().unwrap_or_else(|| "bearer".into()),
        scope: any.scope.clone().unwrap_or_default(),
        // psnawp keeps both the lifetime and the deadline: when it was issued follows.
        obtained_at: match (any.access_token_expires_at, any.expires_in) {
            (Some(_), Some(secs)) if secs.is_finite() => {
                (access_expires_at - Duration::seconds(secs as i64)).min(now)
            }
            _ => now.min(access_expires_at),
        },
        access_expires_at,
        refresh_expires_at,
    })
}

#[cfg(test)]
mod tests;
