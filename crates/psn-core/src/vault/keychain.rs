//! The OS keychain as a [`SecretStore`]: one service name (`psn-auth`, `psn-auth-demo`, or a
//! test's own), over this platform's backend, with every call bounded in time (see
//! [`bounded`](super::bounded)).
//!
//! Each platform's store is named explicitly: the Secret Service on Linux
//! ([`secret_service`](super::secret_service), one D-Bus session per process) and keyring 3's
//! macOS Keychain and Windows Credential Manager credentials elsewhere
//! ([`native`](super::native)), instead of `keyring::Entry::new`, whose default store is an
//! in-memory mock whenever no platform feature applies: tokens "saved" there would vanish at
//! exit. On any other target this module does not compile.

use std::time::Duration;

use zeroize::Zeroizing;

use super::bounded::KEYCHAIN_TIMEOUT;
use super::error::VaultResult;
use super::store::SecretStore;

#[cfg(target_os = "linux")]
use super::secret_service::Backend;

#[cfg(any(target_os = "macos", target_os = "windows"))]
use super::native::Backend;

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!("PSN Auth stores tokens only in a real OS keychain: Linux, macOS or Windows.");

/// One keychain service.
#[derive(Clone)]
pub struct KeychainStore {
    service: String,
    timeout: Duration,
    backend: Backend,
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
            backend: Backend::new(),
        }
    }

    /// Proves the keychain answers and could take a save (on Linux: the Secret Service's default
    /// collection is there and unlocked, asking to unlock it if not; elsewhere a lookup), and
    /// writes nothing. That it keeps what it is given, the first save proves by reading its entry
    /// back (`Vault::save`).
    pub fn probe(&self) -> VaultResult<()> {
        self.backend.probe(self.timeout)
    }
}

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
