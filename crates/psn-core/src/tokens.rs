//! The token set Sony hands out, with absolute deadlines.
//!
//! Deadlines are computed once, from `expires_in` and `refresh_token_expires_in`, at the moment
//! the answer arrives: the JWT claims are undocumented. `TokenSet` has no `Serialize`; the
//! keychain form is [`StoredTokenSet`], reached only through the explicit
//! [`TokenSet::to_stored`] and [`TokenSet::from_stored`], so a secret cannot slip into a log
//! through a derived impl.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::secret::{AccessToken, IdToken, RefreshToken};

/// Body of a successful answer from the token endpoint (`/api/authz/v3/oauth/token`).
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: Option<String>,
    pub token_type: Option<String>,
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub refresh_token_expires_in: Option<i64>,
}

/// Access, refresh and id tokens with what is known about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: AccessToken,
    pub refresh_token: RefreshToken,
    pub id_token: Option<IdToken>,
    /// `token_type`, normally `bearer`.
    pub token_type: String,
    /// `scope`, normally `psn:mobile.v2.core psn:clientapp`.
    pub scope: String,
    /// When the answer carrying the access token arrived.
    pub obtained_at: DateTime<Utc>,
    /// `obtained_at + expires_in`.
    pub access_expires_at: DateTime<Utc>,
    /// When the refresh token's `refresh_token_expires_in` ran out from its own receipt.
    pub refresh_expires_at: DateTime<Utc>,
}

/// Lifetimes Sony uses when an answer leaves them out.
const DEFAULT_ACCESS_SECS: i64 = 3599;
const DEFAULT_REFRESH_SECS: i64 = 5_183_999;

/// The longest lifetimes believed: an answer claiming more (Sony's are an hour and 60 days) is
/// taken at this, so a deadline can always be computed and the set just issued is never lost.
pub const MAX_ACCESS_SECS: i64 = 24 * 3600;
pub const MAX_REFRESH_SECS: i64 = 400 * 24 * 3600;

/// Which of an account's tokens a front end hands out (the window's two Copy buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    Access,
    Refresh,
}

impl TokenSet {
    /// The value of the token `which` names. Only for where the value must leave the process
    /// (the clipboard or stdout the user asked for).
    pub fn expose(&self, which: Which) -> &str {
        match which {
            Which::Access => self.access_token.expose(),
            Which::Refresh => self.refresh_token.expose(),
        }
    }

    /// Builds a set from a first sign-in answer. `Err` names the missing field.
    pub(crate) fn from_response(
        response: TokenResponse,
        now: DateTime<Utc>,
    ) -> Result<Self, &'static str> {
        let access = response.access_token.ok_or("no access_token")?;
        let refresh = response.refresh_token.ok_or("no refresh_token")?;
        Ok(Self {
            access_token: AccessToken::new(access),
            refresh_token: RefreshToken::new(refresh),
            id_token: response.id_token.map(IdToken::new),
            token_type: response.token_type.unwrap_or_else(|| "bearer".to_owned()),
            scope: response.scope.unwrap_or_default(),
            obtained_at: now,
            access_expires_at: now
                + lifetime(response.expires_in, DEFAULT_ACCESS_SECS, MAX_ACCESS_SECS),
            refresh_expires_at: now
                + lifetime(
                    response.refresh_token_expires_in,
                    DEFAULT_REFRESH_SECS,
                    MAX_REFRESH_SECS,
                ),
        })
    }

    /// The set after a refresh answer. A refresh answer without a refresh token keeps the old
    /// one; its deadline follows `refresh_token_expires_in` whenever Sony sends one.
    pub(crate) fn refreshed(
        &self,
        response: TokenResponse,
        now: DateTime<Utc>,
    ) -> Result<Self, &'static str> {
        let access = response.access_token.ok_or("no access_token")?;
        let refresh_token = match response.refresh_token {
            Some(token) => RefreshToken::new(token),
            None => self.refresh_token.clone(),
        };
        let refresh_expires_at = match response.refresh_token_expires_in {
            Some(s) => now + lifetime(Some(s), 0, MAX_REFRESH_SECS),
            None => self.refresh_expires_at,
        };
        Ok(Self {
            access_token: AccessToken::new(access),
            refresh_token,
            id_token: response
                .id_token
                .map(IdToken::new)
                .or(self.id_token.clone()),
            token_type: response.token_type.unwrap_or(self.token_type.clone()),
            scope: response.scope.unwrap_or(self.scope.clone()),
            obtained_at: now,
            access_expires_at: now
                + lifetime(response.expires_in, DEFAULT_ACCESS_SECS, MAX_ACCESS_SECS),
            refresh_expires_at,
        })
    }

    /// True when the refresh token can no longer be used.
    pub fn refresh_expired(&self, now: DateTime<Utc>) -> bool {
        self.refresh_expires_at <= now
    }

    /// The form written to the keychain. Call only on the way there.
    pub fn to_stored(&self) -> StoredTokenSet {
        StoredTokenSet {
            v: 1,
            access_token: self.access_token.expose().to_owned(),
            refresh_token: self.refresh_token.expose().to_owned(),
            id_token: self.id_token.as_ref().map(|t| t.expose().to_owned()),
            token_type: self.token_type.clone(),
            scope: self.scope.clone(),
            obtained_at: self.obtained_at,
            access_expires_at: self.access_expires_at,
            refresh_expires_at: self.refresh_expires_at,
        }
    }

    /// Back from the keychain form.
    pub fn from_stored(stored: StoredTokenSet) -> Self {
        Self {
            access_token: AccessToken::new(stored.access_token.clone()),
            refresh_token: RefreshToken::new(stored.refresh_token.clone()),
            id_token: stored.id_token.clone().map(IdToken::new),
            token_type: stored.token_type.clone(),
            scope: stored.scope.clone(),
            obtained_at: stored.obtained_at,
            access_expires_at: stored.access_expires_at,
            refresh_expires_at: stored.refresh_expires_at,
        }
    }
}

/// A lifetime from an answer, `default` when missing, within `0..=max` seconds.
fn lifetime(value: Option<i64>, default: i64, max: i64) -> Duration {
    Duration::seconds(value.unwrap_or(default).clamp(0, max))
}

/// The keychain form of a [`TokenSet`]. Its `Debug` is redacted by hand and its strings are
/// wiped on drop; serialize it only into the vault.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredTokenSet {
    /// Format version, so a later release can migrate.
    pub v: u32,
    pub access_token: String,
    pub refresh_token: String,
    pub id_token: Option<String>,
    pub token_type: String,
    pub scope: String,
    pub obtained_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for StoredTokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTokenSet")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &"[redacted]")
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .finish_non_exhaustive()
    }
}

impl Drop for StoredTokenSet {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.access_token.zeroize();
        self.refresh_token.zeroize();
        if let Some(id) = self.id_token.as_mut() {
            id.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(refresh: Option<&str>, refresh_secs: Option<i64>) -> TokenResponse {
        TokenResponse {
            access_token: Some("access-2".into()),
            token_type: Some("bearer".into()),
            expires_in: Some(3599),
            scope: Some("psn:mobile.v2.core psn:clientapp".into()),
            id_token: None,
            refresh_token: refresh.map(Into::into),
            refresh_token_expires_in: refresh_secs,
        }
    }

    fn first(now: DateTime<Utc>) -> TokenSet {
        let mut r = response(Some("refresh-1"), Some(5_183_999));
        r.access_token = Some("access-1".into());
        r.id_token = Some("id-1".into());
        TokenSet::from_response(r, now).unwrap()
    }

    #[test]
    fn deadlines_are_absolute_from_receipt() {
        let now = Utc::now();
        let set = first(now);
        assert_eq!(set.access_expires_at, now + Duration::seconds(3599));
        assert_eq!(set.refresh_expires_at, now + Duration::seconds(5_183_999));
        assert_eq!(set.obtained_at, now);
    }

    #[test]
    fn refresh_without_refresh_token_keeps_old_one_and_its_deadline() {
        let t0 = Utc::now();
        let set = first(t0);
        let later = t0 + Duration::minutes(50);
        let next = set.refreshed(response(None, None), later).unwrap();
        assert_eq!(next.access_token.expose(), "access-2");
        assert_eq!(next.refresh_token.expose(), "refresh-1");
        assert_eq!(next.refresh_expires_at, set.refresh_expires_at);
        assert_eq!(next.access_expires_at, later + Duration::seconds(3599));
        assert_eq!(next.id_token.unwrap().expose(), "id-1");
    }

    #[test]
    fn refresh_with_new_refresh_token_replaces_it() {
        let t0 = Utc::now();
        let set = first(t0);
        let later = t0 + Duration::minutes(50);
        let next = set
            .refreshed(response(Some("refresh-2"), Some(100)), later)
            .unwrap();
        assert_eq!(next.refresh_token.expose(), "refresh-2");
        assert_eq!(next.refresh_expires_at, later + Duration::seconds(100));
    }

    #[test]
    fn missing_access_token_is_an_error() {
        let mut r = response(Some("r"), None);
        r.access_token = None;
        assert_eq!(
            TokenSet::from_response(r, Utc::now()).unwrap_err(),
            "no access_token"
        );
    }

    #[test]
    fn stored_round_trip_and_redacted_debug() {
        let set = first(Utc::now());
        let stored = set.to_stored();
        assert!(!format!("{stored:?}").contains("access-1"));
        assert!(!format!("{set:?}").contains("access-1"));
        let json = serde_json::to_string(&stored).unwrap();
        let back: StoredTokenSet = serde_json::from_str(&json).unwrap();
        assert_eq!(TokenSet::from_stored(back), set);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn answer(
        expires_in: Option<i64>,
        refresh: Option<&str>,
        refresh_secs: Option<i64>,
    ) -> TokenResponse {
        TokenResponse {
            access_token: Some("a".into()),
            token_type: None,
            expires_in,
            scope: None,
            id_token: None,
            refresh_token: refresh.map(Into::into),
            refresh_token_expires_in: refresh_secs,
        }
    }

    #[test]
    fn a_refresh_deadline_sent_without_a_new_refresh_token_is_tracked() {
        let now = Utc::now();
        let set =
            TokenSet::from_response(answer(Some(3599), Some("r"), Some(5_000_000)), now).unwrap();
        let later = now + Duration::seconds(10);
        let next = set
            .refreshed(answer(Some(3599), None, Some(4_000_000)), later)
            .unwrap();
        assert_eq!(next.refresh_token.expose(), "r");
        assert_eq!(
            next.refresh_expires_at,
            later + Duration::seconds(4_000_000)
        );
        // Nothing sent: the old deadline stays.
        let again = next
            .refreshed(answer(Some(3599), None, None), later)
            .unwrap();
        assert_eq!(again.refresh_expires_at, next.refresh_expires_at);
    }

    #[test]
    fn lifetimes_near_1e13_are_clamped_not_a_panic() {
        let now = Utc::now();
        let set = TokenSet::from_response(
            answer(
                Some(10_000_000_000_000),
                Some("r"),
                Some(10_000_000_000_000),
            ),
            now,
        )
        .unwrap();
        assert_eq!(
            set.access_expires_at,
            now + Duration::seconds(MAX_ACCESS_SECS)
        );
        assert_eq!(
            set.refresh_expires_at,
            now + Duration::seconds(MAX_REFRESH_SECS)
        );
        let next = set
            .refreshed(answer(Some(i64::MAX), Some("r2"), Some(i64::MAX)), now)
            .unwrap();
        assert_eq!(
            next.refresh_expires_at,
            now + Duration::seconds(MAX_REFRESH_SECS)
        );
    }

    proptest! {
        /// Whatever lifetimes an answer carries, a set comes out with sane deadlines.
        #[test]
        fn any_lifetime_gives_a_sane_set(
            access in proptest::option::of(any::<i64>()),
            refresh in proptest::option::of(any::<i64>()),
            rotate in any::<bool>(),
        ) {
            let now = Utc::now();
            let set = TokenSet::from_response(answer(access, Some("r"), refresh), now).unwrap();
            prop_assert!(set.access_expires_at >= now);
            prop_assert!(set.access_expires_at <= now + Duration::seconds(MAX_ACCESS_SECS));
            prop_assert!(set.refresh_expires_at <= now + Duration::seconds(MAX_REFRESH_SECS));
            let next = set
                .refreshed(answer(access, rotate.then_some("r2"), refresh), now)
                .unwrap();
            prop_assert!(next.refresh_expires_at >= now);
            prop_assert!(next.refresh_expires_at <= now + Duration::seconds(MAX_REFRESH_SECS));
        }

        /// Any JSON where the token answer belongs parses or fails, never panics.
        #[test]
        fn any_json_body_parses_or_fails(body in ".{0,200}") {
            if let Ok(response) = serde_json::from_str::<TokenResponse>(&body) {
                let _ = TokenSet::from_response(response, Utc::now());
            }
        }
    }
}
