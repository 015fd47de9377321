//! The one thing every backend does: keep flat secret entries by key.

use zeroize::Zeroizing;

use super::error::VaultResult;

/// A flat secret store: the keychain, or memory. "No such entry" is `Ok(None)`; deleting a
/// missing entry is `Ok(())`.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, key: &str) -> VaultResult<Option<Zeroizing<String>>>;
    fn set(&self, key: &str, value: &str) -> VaultResult<()>;
    fn delete(&self, key: &str) -> VaultResult<()>;
}
