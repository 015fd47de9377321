//! PlayStation Network sign-in, without any window.
//!
//! Everything PSN Auth knows about Sony lives here. The modules form a tree, read top-down:
//!
//! - leaves: what a failure means ([`kinds`]), the account model ([`model`]), secrets
//!   ([`secret`]), time and redaction helpers ([`time`], [`redact`], [`digest`], [`log`]), where
//!   tokens are kept ([`namespace`]);
//! - reading a pasted NPSSO ([`npsso`]), the token model with absolute deadlines ([`tokens`]),
//!   the keychain vault ([`vault`]), every failure as a typed error ([`error`]), where Sony lives
//!   ([`endpoints`]);
//! - the authorize / token / refresh exchanges ([`client`]);
//! - the pure policies over the model: when to refresh ([`refresh`]), when to remind the user
//!   to sign in again ([`reminders`]);
//! - on top, the account service the desktop app, the watcher and the `psn-auth` CLI all call
//!   ([`accounts`]), with its settings file, and the background refresh loop over it
//!   ([`refresher`]); the shapes token sets travel in ([`transfer`]).

pub mod accounts;
pub mod client;
pub mod digest;
pub mod endpoints;
pub mod error;
pub mod fsutil;
pub mod kinds;
pub mod log;
pub mod model;
pub mod namespace;
pub mod npsso;
pub mod redact;
pub mod refresh;
pub mod refresher;
pub mod reminders;
pub mod secret;
pub mod sign_in_window;
pub mod time;
pub mod tokens;
pub mod transfer;
pub mod vault;
pub mod watcher_lock;

pub use accounts::{Accounts, Settings};
pub use client::{Avatar, ClientConfig, Profile, PsnClient};
pub use endpoints::Endpoints;
pub use error::{Error, NetworkFailure, Result};
pub use kinds::{ErrorKind, Remedy};
pub use model::{AccountSummary, ActiveAccount, Overview, SignedIn};
pub use npsso::{parse_npsso, NpssoError};
pub use refresh::{Decision, RefreshPolicy, RefreshSchedule};
pub use reminders::{Reminder, ReminderKind};
pub use secret::{AccessToken, AuthorizationCode, IdToken, Npsso, RefreshToken};
pub use tokens::{StoredTokenSet, TokenSet, Which};
pub use vault::{Vault, VaultError};
