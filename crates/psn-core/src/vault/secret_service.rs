//! The Secret Service (GNOME Keyring, KWallet) on Linux, over one session per process.
//!
//! keyring 3's `SsCredential` connects to the session bus and negotiates a new encrypted
//! Secret Service session (a Diffie-Hellman exchange) for every call, twice for a write: about
//! 8-10 ms each, which was most of what `psn-auth token` and `psn-auth login` took (see
//! BENCHMARKS.md). This backend uses the same crate underneath, dbus-secret-service, but keeps
//! the session, so a later call is one D-Bus round trip. Items carry keyring's attributes
//! (`service`, `username`, `target`, `application`), so keyring-based tools find them too, and
//! `secret-tool lookup service psn-auth username <account>/head` shows one.
//!
//! Calls are bounded like every keychain call (see [`bounded`](super::bounded)); an unlock
//! prompt, which waits for a person, gets its own, longer bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dbus_secret_service::{EncryptionType, Error, SecretService};
use zeroize::Zeroizing;

use super::bounded::bounded;
use super::error::{VaultError, VaultResult};

/// How long an unlock prompt may wait for the user before it is dismissed.
pub const PROMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// One Secret Service session, opened on first use and reopened after a failure.
#[derive(Clone, Default)]
pub(crate) struct Backend {
    session: Arc<Mutex<Option<SecretService>>>,
}

/// What a call found out besides its result: the collection must be unlocked first.
enum Outcome<T> {
    Done(T),
    NeedsUnlock,
}

impl Backend {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(
        &self,
        service: &str,
        key: &str,
        timeout: Duration,
    ) -> VaultResult<Option<Zeroizing<String>>> {
        let attrs = attributes(service, key);
        self.call(timeout, move |ss| {
            let found = ss.search_items(search(&attrs))?;
            if found.unlocked.is_empty() && !found.locked.is_empty() {
                return Ok(Outcome::NeedsUnlock);
            }
            let Some(item) = found.unlocked.first() else {
                return Ok(Outcome::Done(None));
            };
            let bytes = Zeroizing::new(item.get_secret()?);
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| Error::Parse)?;
            Ok(Outcome::Done(Some(Zeroizing::new(text))))
        })
    }

    /// The Secret Service answers and its default collection, where saves go, is there and
    /// unlocked (asking to unlock it if not): what a save needs, proven without writing (a write
    /// costs gnome-keyring a rewrite of its keyring file).
    pub fn probe(&self, timeout: Duration) -> VaultResult<()> {
        self.call(timeout, |ss| {
            if ss.get_default_collection()?.is_locked()? {
                return Ok(Outcome::NeedsUnlock);
            }
            Ok(Outcome::Done(()))
        })
    }

    pub fn set(&self, service: &str, key: &str, value: &str, timeout: Duration) -> VaultResult<()> {
        let attrs = attributes(service, key);
        let value = Zeroizing::new(value.as_bytes().to_vec());
        let label = format!("PSN Auth: {key}");
        self.call(timeout, move |ss| {
            let found = ss.search_items(search(&attrs))?;
            if !found.locked.is_empty() {
                return Ok(Outcome::NeedsUnlock);
            }
            if let Some(item) = found.unlocked.first() {
                item.set_secret(&value, "text/plain")?;
                return Ok(Outcome::Done(()));
            }
            let collection = ss.get_default_collection()?;
            if collection.is_locked()? {
                return Ok(Outcome::NeedsUnlock);
            }
            let all: HashMap<&str, &str> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            collection.create_item(&label, all, &value, true, "text/plain")?;
            Ok(Outcome::Done(()))
        })
    }

    pub fn delete(&self, service: &str, key: &str, timeout: Duration) -> VaultResult<()> {
        let attrs = attributes(service, key);
        self.call(timeout, move |ss| {
            let found = ss.search_items(search(&attrs))?;
            if !found.locked.is_empty() {
                return Ok(Outcome::NeedsUnlock);
            }
            for item in &found.unlocked {
                item.delete()?;
            }
            Ok(Outcome::Done(()))
        })
    }

    /// Runs `op` on the session within `timeout`; if it finds the collection locked, asks to
    /// unlock it (a prompt, bounded by [`PROMPT_TIMEOUT`]) and runs it once more.
    fn call<T: Send + 'static>(
        &self,
        timeout: Duration,
        op: impl Fn(&SecretService) -> Result<Outcome<T>, Error> + Send + Sync + 'static,
    ) -> VaultResult<T> {
        let op = Arc::new(op);
        let first = {
            let op = op.clone();
            self.on_session(timeout, move |ss| op(ss))?
        };
        match first {
            Outcome::Done(value) => Ok(value),
            Outcome::NeedsUnlock => {
                self.on_session(PROMPT_TIMEOUT + Duration::from_secs(2), |ss| {
                    ss.get_default_collection()?.unlock()
                })?;
                match self.on_session(timeout, move |ss| op(ss))? {
                    Outcome::Done(value) => Ok(value),
                    Outcome::NeedsUnlock => Err(VaultError::Locked),
                }
            }
        }
    }

    fn on_session<T: Send + 'static>(
        &self,
        timeout: Duration,
        op: impl FnOnce(&SecretService) -> Result<T, Error> + Send + 'static,
    ) -> VaultResult<T> {
        let session = self.session.clone();
        bounded(timeout, move || {
            let mut slot = session
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if slot.is_none() {
                let ss = SecretService::connect_with_max_prompt_timeout(
                    EncryptionType::Dh,
                    PROMPT_TIMEOUT.as_secs(),
                )
                .map_err(map_error)?;
                *slot = Some(ss);
            }
            let result = op(slot.as_ref().expect("just connected"));
            if let Err(Error::Dbus(_)) = &result {
                // The bus or the daemon went away: start over next time.
                *slot = None;
            }
            result.map_err(map_error)
        })
    }
}

fn attributes(service: &str, key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("service", service.to_owned()),
        ("username", key.to_owned()),
        ("target", "default".to_owned()),
        ("application", "rust-keyring".to_owned()),
    ]
}

fn search<'a>(attrs: &'a [(&'static str, String)]) -> HashMap<&'static str, &'a str> {
    attrs
        .iter()
        .filter(|(k, _)| *k != "application")
        .map(|(k, v)| (*k, v.as_str()))
        .collect()
}

/// Says what is missing, keeping only the gist of D-Bus's texts.
fn map_error(error: Error) -> VaultError {
    match error {
        Error::Locked => VaultError::Locked,
        Error::Prompt => VaultError::Locked,
        Error::NoResult => VaultError::Unavailable {
            reason: "the keyring has no default collection (create or unlock the login keyring)"
                .into(),
        },
        Error::Unavailable => VaultError::Unavailable {
            reason: "no Secret Service (GNOME Keyring or KWallet) is running".into(),
        },
        Error::Dbus(e) => {
            let name = e.name().unwrap_or_default().to_owned();
            let text = format!("{name} {}", e.message().unwrap_or_default()).to_ascii_lowercase();
            let reason = if text.contains("islocked") || text.contains("locked") {
                return VaultError::Locked;
            } else if text.contains("autolaunch") || text.contains("dbus_session_bus_address") {
                "there is no D-Bus session bus to reach it through"
            } else if text.contains("serviceunknown")
                || text.contains("not provided by any")
                || text.contains("name has no owner")
            {
                "no Secret Service (GNOME Keyring or KWallet) is running"
            } else if text.contains("no such file")
                || text.contains("connection refused")
                || text.contains("failed to connect")
            {
                "the D-Bus session bus could not be reached"
            } else {
                "the keychain service reported a failure"
            };
            VaultError::Unavailable {
                reason: reason.into(),
            }
        }
        Error::Crypto(_) => VaultError::Store {
            reason: "the encrypted session with the keychain failed".into(),
        },
        Error::Parse | Error::UnsupportedSecretFormat => VaultError::Store {
            reason: "an entry is not valid text".into(),
        },
        Error::Path(_) => VaultError::Store {
            reason: "the keychain returned an invalid object path".into(),
        },
        _ => VaultError::Store {
            reason: "an unknown keychain error".into(),
        },
    }
}
