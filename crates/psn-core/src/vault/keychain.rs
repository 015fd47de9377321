//! The OS keychain, with every call bounded in time.
//!
//! Each platform's store is named explicitly: the Secret Service on Linux (through
//! dbus-secret-service with one session per process, see `secret_service.rs`), and keyring 3's
//! macOS Keychain and Windows Credential Manager credentials elsewhere, instead of
//! `keyring::Entry::new`, whose default store is an in-memory mock whenever no platform feature
//! applies: tokens "saved" there would vanish at exit. On any other target this module does not
//! compile. keyring 3 was kept over the newer `keyring-core` store crates because its platform
//! stores are the ones the design card named and this project's rig verified.
//!
//! A Secret Service call is a D-Bus round trip that can hang (a daemon stuck on an unlock
//! prompt, a dead bus). Each call runs on its own thread and is abandoned after
//! [`KEYCHAIN_TIMEOUT`], as `gh` bounds its keyring calls at 3 s.

use std::sync::mpsc;
use std::time::Duration;

use zeroize::Zeroizing;

use super::{SecretStore, VaultError, VaultResult};

#[cfg(target_os = "macos")]
use keyring::macos::MacCredential as PlatformCredential;

#[cfg(target_os = "windows")]
use keyring::windows::WinCredential as PlatformCredential;

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!("PSN Auth stores tokens only in a real OS keychain: Linux, macOS or Windows.");

/// Longest wait for one keychain call.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// One keychain service (`psn-auth`, `psn-auth-demo`, or a test's own).
#[derive(Clone)]
pub struct KeychainStore {
    service: String,
    timeout: Duration,
    #[cfg(target_os = "linux")]
    backend: super::secret_service::Backend,
}

impl std::fmt::Debug for KeychainStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainStore")
            .field("service", &self.service)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl KeychainStore {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            timeout: KEYCHAIN_TIMEOUT,
            #[cfg(target_os = "linux")]
            backend: Default::default(),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Writes, reads back and deletes a marker: proves the store keeps what it is given before
    /// any token is trusted to it.
    pub fn self_check(&self) -> VaultResult<()> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).expect("OS random source");
        let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
        let key = format!("self-check/{nonce}");
        self.set(&key, &nonce)?;
        let read = self.get(&key);
        let _ = self.delete(&key);
        match read? {
            Some(value) if *value == nonce => Ok(()),
            _ => Err(VaultError::Unavailable {
                reason: "the keychain did not give back what was just stored in it".into(),
            }),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn keyring<T: Send + 'static>(
        &self,
        key: &str,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> VaultResult<T> {
        let credential =
            PlatformCredential::new_with_target(None, &self.service, key).map_err(map_error)?;
        let entry = keyring::Entry::new_with_credential(Box::new(credential));
        bounded(self.timeout, move || op(entry).map_err(map_error))
    }
}

/// Runs `op` on a thread of its own and gives up after `timeout`: a D-Bus call to a wedged
/// daemon must not hang the app or the CLI. The abandoned thread ends when the call does.
pub(crate) fn bounded<T: Send + 'static>(
    timeout: Duration,
    op: impl FnOnce() -> VaultResult<T> + Send + 'static,
) -> VaultResult<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            let _ = tx.send(op());
        })
        .map_err(|e| VaultError::Store {
            reason: format!("could not start a keychain thread ({e})"),
        })?;
    rx.recv_timeout(timeout)
        .unwrap_or(Err(VaultError::TimedOut {
            secs: timeout.as_secs().max(1),
        }))
}

#[cfg(target_os = "linux")]
impl SecretStore for KeychainStore {
    fn get(&self, key: &str) -> VaultResult<Option<Zeroizing<String>>> {
        self.backend.get(&self.service, key, self.timeout)
    }

    fn set(&self, key: &str, value: &str) -> VaultResult<()> {
        self.backend.set(&self.service, key, value, self.timeout)
    }

    fn delete(&self, key: &str) -> VaultResult<()> {
        self.backend.delete(&self.service, key, self.timeout)
    }
}

#[cfg(not(target_os = "linux"))]
impl SecretStore for KeychainStore {
    fn get(&self, key: &str) -> VaultResult<Option<Zeroizing<String>>> {
        match self.keyring(key, |entry| entry.get_password()) {
            Ok(value) => Ok(Some(Zeroizing::new(value))),
            Err(VaultError::Store { reason }) if reason == NO_ENTRY => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn set(&self, key: &str, value: &str) -> VaultResult<()> {
        let value = Zeroizing::new(value.to_owned());
        self.keyring(key, move |entry| entry.set_password(&value))
    }

    fn delete(&self, key: &str) -> VaultResult<()> {
        match self.keyring(key, |entry| entry.delete_credential()) {
            Err(VaultError::Store { reason }) if reason == NO_ENTRY => Ok(()),
            other => other,
        }
    }
}

#[cfg(not(target_os = "linux"))]
const NO_ENTRY: &str = "no such entry";

/// Turns keyring's errors into ones that say what is missing. keyring's own texts never hold a
/// secret, but only their gist is kept.
#[cfg(not(target_os = "linux"))]
fn map_error(error: keyring::Error) -> VaultError {
    use keyring::Error as K;
    match error {
        K::NoEntry => VaultError::Store {
            reason: NO_ENTRY.into(),
        },
        K::NoStorageAccess(inner) => {
            let text = inner.to_string().to_ascii_lowercase();
            if text.contains("lock") || text.contains("prompt") || text.contains("dismiss") {
                VaultError::Locked
            } else {
                VaultError::Unavailable {
                    reason: "no keychain collection could be opened (is the keyring unlocked?)"
                        .into(),
                }
            }
        }
        // macOS and Windows report a locked keychain or a denied prompt in the text only.
        K::PlatformFailure(inner) if inner.to_string().to_ascii_lowercase().contains("lock") => {
            VaultError::Locked
        }
        K::PlatformFailure(_) => VaultError::Unavailable {
            reason: "the keychain service reported a failure".into(),
        },
        K::TooLong(field, limit) => VaultError::Store {
            reason: format!("{field} is longer than the keychain's limit of {limit}"),
        },
        K::BadEncoding(_) => VaultError::Store {
            reason: "an entry is not valid text".into(),
        },
        K::Invalid(field, why) => VaultError::Store {
            reason: format!("invalid {field}: {why}"),
        },
        K::Ambiguous(_) => VaultError::Store {
            reason: "several keychain entries match one name".into(),
        },
        _ => VaultError::Store {
            reason: "an unknown keychain error".into(),
        },
    }
}
