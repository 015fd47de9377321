//! PlayStation Network sign-in, without any window.
//!
//! Everything PSN Auth knows about Sony lives here: reading a pasted NPSSO ([`npsso`]), the
//! authorize / token / refresh exchanges ([`client`]), the token model with absolute deadlines
//! ([`tokens`]), the keychain vault that keeps several accounts ([`vault`]), and the account
//! service the desktop app and the `psn-auth` CLI both call ([`accounts`]), when to refresh
//! ([`refresh`]), when to remind the user to sign in again ([`reminders`]), and what every failure means and what the user must do about it ([`error`]).

pub mod accounts;
pub mod client;
pub mod endpoints;
pub mod error;
pub mod log;
pub mod npsso;
pub mod refresh;
pub mod reminders;
pub mod secret;
pub mod tokens;
pub mod vault;

pub use accounts::{AccountSummary, Accounts, ActiveAccount, Overview, SignedIn};
pub use client::{Avatar, ClientConfig, Profile, PsnClient};
pub use endpoints::Endpoints;
pub use error::{Error, ErrorKind, NetworkFailure, Remedy, Result};
pub use npsso::{parse_npsso, NpssoError};
pub use refresh::{Decision, RefreshPolicy, RefreshSchedule};
pub use reminders::{Reminder, ReminderKind};
pub use secret::{AccessToken, AuthorizationCode, IdToken, Npsso, RefreshToken};
pub use tokens::{StoredTokenSet, TokenSet};
pub use vault::{Vault, VaultError};
