//! The account model: what is known about an account besides its secrets, and the views of it
//! every front end shows. A leaf: the policies (`refresh`, `reminders`), the settings file and the
//! account service all build on it, and it depends on none of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether `text` has the shape of an account id (Sony's digits, or `unidentified-…`): 1 to 64
/// of ASCII letters, digits, `-` and `_`, not starting with `-` (so it can never read as an
/// option). Where an id comes from something untrusted (argv, a damaged `accounts.json`).
pub fn is_account_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && !text.starts_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What is known about one account, minus its secrets: its record in `accounts.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMeta {
    pub account_id: String,
    pub online_id: Option<String>,
    pub avatar_url: Option<String>,
    pub added_at: DateTime<Utc>,
    pub obtained_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

/// An account as the UI and `psn-auth status` show it. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub account_id: String,
    /// Online ID, else the account id, else "PSN account": the one name every front end shows.
    pub label: String,
    pub online_id: Option<String>,
    pub avatar_url: Option<String>,
    pub active: bool,
    pub obtained_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

impl AccountSummary {
    /// The summary of `meta`; `active` is the active account's id.
    pub fn new(meta: &AccountMeta, active: Option<&str>) -> Self {
        let label = meta
            .online_id
            .clone()
            .or_else(|| (!is_unidentified(&meta.account_id)).then(|| meta.account_id.clone()))
            .unwrap_or_else(|| "PSN account".to_owned());
        Self {
            account_id: meta.account_id.clone(),
            label,
            online_id: meta.online_id.clone(),
            avatar_url: meta.avatar_url.clone(),
            active: active == Some(meta.account_id.as_str()),
            obtained_at: meta.obtained_at,
            access_expires_at: meta.access_expires_at,
            refresh_expires_at: meta.refresh_expires_at,
        }
    }

    /// Summaries of every record, in order.
    pub fn all(records: &[AccountMeta], active: Option<&str>) -> Vec<Self> {
        records.iter().map(|m| Self::new(m, active)).collect()
    }
}

/// What the dashboard shows: every account, and the active one with its tokens masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub accounts: Vec<AccountSummary>,
    pub active: Option<ActiveAccount>,
}

impl Overview {
    /// Every record, with `active_id` marked, and the active account's masked tokens.
    pub fn new(
        records: &[AccountMeta],
        active_id: Option<&str>,
        active: Option<ActiveAccount>,
    ) -> Self {
        Self {
            accounts: AccountSummary::all(records, active_id),
            active,
        }
    }
}

/// A sign-in's answer: the account that signed in, and the dashboard as it now is (built from
/// what was just written, not read back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub account: AccountSummary,
    pub overview: Overview,
}

/// The active account with a few characters of each token, never more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveAccount {
    pub account: AccountSummary,
    pub access_masked: String,
    pub refresh_masked: String,
    /// When the access token is due for a refresh by the refresh rule: past it, the window warns
    /// (a refresher that is running has refreshed it by then).
    pub access_due_at: DateTime<Utc>,
}

/// Accounts whose id Sony did not tell us get a local key with this prefix.
pub const UNIDENTIFIED: &str = "unidentified-";

/// True for an account kept under a local key because Sony did not say who it is.
pub fn is_unidentified(id: &str) -> bool {
    id.starts_with(UNIDENTIFIED)
}
