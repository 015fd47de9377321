//! The macOS Keychain and the Windows Credential Manager, through keyring 3's platform
//! credentials (named explicitly: see [`keychain`](super::keychain)). keyring 3 was kept over
//! the newer `keyring-core` store crates because its platform stores are the ones the design
//! card named and this project's rig verified.

use std::time::Duration;

use zeroize::Zeroizing;

use super::bounded::bounded;
use super::error::{VaultError, VaultResult};

#[cfg(target_os = "macos")]
use keyring::macos::MacCredential as PlatformCredential;

#[cfg(target_os = "windows")]
use keyring::windows::WinCredential as PlatformCredential;

/// Stateless: each call opens its credential.
#[derive(Clone, Default)]
pub(crate) struct Backend;

/// What the backend's "no entry" travels as inside this module.
const NO_ENTRY: &str = "no such entry";

impl Backend {
    pub fn new() -> Self {
        Self
    }

    pub fn get(
        &self,
        service: &str,
        key: &str,
        timeout: Duration,
    ) -> VaultResult<Option<Zeroizing<String>>> {
        let read = || match call(service, key, timeout, |entry| entry.get_password()) {
            Ok(value) => Ok(Some(Zeroizing::new(value))),
            Err(VaultError::Store { reason }) if reason == NO_ENTRY => Ok(None),
            Err(e) => Err(e),
        };
        // A read that meets other processes' writes can fail once as a platform failure (seen
        // under Wine with twenty processes at once); a read changes nothing, so it is tried again.
        match read() {
            Err(VaultError::Unavailable { .. }) => read(),
            other => other,
        }
    }

    /// The platform's store answers: a lookup of an entry never written.
    pub fn probe(&self, timeout: Duration) -> VaultResult<()> {
        self.get("psn-auth-probe", "probe/never-written", timeout)
            .map(|_| ())
    }

    pub fn set(&self, service: &str, key: &str, value: &str, timeout: Duration) -> VaultResult<()> {
        let value = Zeroizing::new(value.to_owned());
        call(service, key, timeout, move |entry| {
            entry.set_password(&value)
        })
    }

    pub fn delete(&self, service: &str, key: &str, timeout: Duration) -> VaultResult<()> {
        match call(service, key, timeout, |entry| entry.delete_credential()) {
            Err(VaultError::Store { reason }) if reason == NO_ENTRY => Ok(()),
            other => other,
        }
    }
}

fn call<T: Send + 'static>(
    service: &str,
    key: &str,
    timeout: Duration,
    op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
) -> VaultResult<T> {
    let credential = PlatformCredential::new_with_target(None, service, key).map_err(map_error)?;
    let entry = keyring::Entry::new_with_credential(Box::new(credential));
    bounded(timeout, move || op(entry).map_err(map_error))
}

/// Turns keyring's errors into ones that say what is missing. keyring's own texts never hold a
/// secret, but only their gist is kept.
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
