//! An in-memory [`SecretStore`]: the session-only mode, and a store for tests that enforces
//! Windows' per-entry size limit.

use std::collections::BTreeMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::error::{VaultError, VaultResult};
use super::store::SecretStore;

/// Windows Credential Manager: 2560 bytes per credential, strings stored as UTF-16.
pub const WINDOWS_MAX_CHARS: usize = 1280;

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: BTreeMap<String, Zeroizing<String>>,
    writes: usize,
    max_chars: Option<usize>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rejects values longer than `chars` UTF-16 units, as Windows does.
    pub fn with_max_chars(self, chars: usize) -> Self {
        self.inner.lock().unwrap().max_chars = Some(chars);
        self
    }

    /// How many `set` calls have been made.
    pub fn writes(&self) -> usize {
        self.inner.lock().unwrap().writes
    }

    /// Every key currently stored.
    pub fn keys(&self) -> Vec<String> {
        self.inner.lock().unwrap().entries.keys().cloned().collect()
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> VaultResult<Option<Zeroizing<String>>> {
        Ok(self.inner.lock().unwrap().entries.get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> VaultResult<()> {
        let mut inner = self.inner.lock().unwrap();
        inner.writes += 1;
        if let Some(max) = inner.max_chars {
            let len = value.encode_utf16().count();
            if len > max {
                return Err(VaultError::Store {
                    reason: format!("value of {len} UTF-16 units exceeds {max}"),
                });
            }
        }
        inner
            .entries
            .insert(key.to_owned(), Zeroizing::new(value.to_owned()));
        Ok(())
    }

    fn delete(&self, key: &str) -> VaultResult<()> {
        self.inner.lock().unwrap().entries.remove(key);
        Ok(())
    }
}
