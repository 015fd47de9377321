//! The account service: the one place the app, the watcher and the CLI go through to sign in,
//! get a fresh token, refresh, switch and sign out. Split by job:
//!
//! - [`service`]: the [`Accounts`] value (client, vault, settings) and its storage calls;
//! - [`settings`]: `accounts.json`, the non-secret facts it keeps beside the keychain;
//! - [`lock`]: the write lock that serializes every change across processes;
//! - [`journal`]: settling first saves that a crash cut short;
//! - [`sign_in`]: NPSSO to stored tokens;
//! - [`queries`]: listing, the dashboard's overview, resolving a name;
//! - [`changes`]: switching the active account, signing out;
//! - [`refreshing`]: fresh tokens by the refresh rule, refresh now, a background pass;
//! - [`reminding`]: the reminders due, and remembering what was shown.
//!
//! Refreshes are serialized across processes by an OS file lock (`refresh.lock` beside
//! `accounts.json`) and inside a process by a mutex: when the app and twenty `psn-auth token`
//! calls find the access token stale at once, one refreshes and the others wait, reload, and
//! use its result. Every change to `accounts.json` also happens under that lock.

mod changes;
mod journal;
mod lock;
mod queries;
mod refreshing;
mod reminding;
mod service;
pub mod settings;
mod sign_in;

pub use lock::LOCK_TIMEOUT;
pub use refreshing::Fresh;
pub use service::Accounts;
pub use settings::{RefreshPause, Settings, SettingsData};

pub use crate::model::{AccountMeta, AccountSummary, ActiveAccount, Overview, SignedIn};
