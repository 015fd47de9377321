//! The token vault: token sets in the OS keychain (or, chosen explicitly, in memory).
//!
//! # Entry layout
//! A set is serialized to JSON (several KB: three JWTs) and kept under one *head* entry per
//! account. Where the platform takes entries that large (Secret Service, macOS Keychain), the
//! head holds the whole set inline: one keychain round trip to load, one to save. Windows keeps
//! at most 2560 bytes per credential and keyring stores strings there as UTF-16, so an entry
//! holds at most 1280 characters ([`WINDOWS_MAX_CHARS`]); there the JSON is cut into chunks of
//! [`CHUNK_CHARS`] characters written under a fresh *generation*, and the head only names them:
//!
//! ```text
//! service "psn-auth", user "<account>/head"               {"v":1,"gen":…,"chunks":n,"sha256":…[,"inline":…]}
//! service "psn-auth", user "<account>/<generation>/<i>"   chunk i of that generation (Windows)
//! ```
//!
//! # Never a torn set
//! A keychain updates one entry atomically. Inline, a save is that one write. Chunked, a save
//! writes every chunk of the new generation first and the head last: until the head is written
//! the old head still names the old, intact chunks; after it, the new head names the new ones.
//! The SHA-256 in the head makes a load that somehow meets a mix of generations fail loudly
//! instead of returning a wrong set. Old chunks are deleted only after the new head is in place
//! (best effort: a leftover is garbage, never a valid set, and logout removes it). The tests in
//! `tests/chunked_layout.rs` prove this for both layouts, failing the N-th write for every N,
//! over memory and over the real keychain (Windows' Credential Manager under Wine included).
//!
//! # Keychain data only
//! The vault keeps token sets and nothing else. The account list and other non-secret facts
//! are the account service's settings (`accounts.json`, see [`crate::accounts::Settings`]).
//! No token ever goes into a file, and there is no file fallback when the keychain is missing:
//! callers may choose [`Vault::session_only`] instead, which keeps everything in memory.
//!
//! # Backends
//! Each [`SecretStore`] lives in a file of its own: [`KeychainStore`] (`keychain.rs`) over the
//! Secret Service on Linux (`secret_service.rs`) or keyring 3's macOS and Windows credentials
//! (`native.rs`), every call bounded in time (`bounded.rs`); and [`MemoryStore`] (`memory.rs`).

mod bounded;
mod error;
pub mod file;
mod key;
mod keychain;
mod layout;
pub mod location;
mod memory;
#[cfg(any(target_os = "macos", target_os = "windows"))]
mod native;
#[cfg(target_os = "linux")]
mod secret_service;

mod store;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use zeroize::Zeroizing;

pub use bounded::KEYCHAIN_TIMEOUT;
pub use error::{VaultError, VaultResult};
pub use file::{FileStore, Unlock};
pub use keychain::KeychainStore;
pub use layout::CHUNK_CHARS;
pub use location::Backend;
pub use memory::{MemoryStore, WINDOWS_MAX_CHARS};
pub use store::SecretStore;

pub use crate::namespace::Namespace;

use crate::digest::hex_sha256;
use crate::tokens::{StoredTokenSet, TokenSet};
use layout::{chunk_key, head_key, new_generation, split, stale_after, Head};

/// The largest entry this platform's keychain is asked to keep, in UTF-16 units.
pub const PLATFORM_MAX_CHARS: usize = if cfg!(windows) {
    WINDOWS_MAX_CHARS
} else {
    64 * 1024
};

/// Token sets by account. Cheap to clone.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
    /// Largest entry the store takes, in UTF-16 units; decides inline or chunked.
    max_entry_chars: usize,
    session_only: bool,
    /// True until a save has read its entry back: proof that the store keeps what it is given
    /// (a keychain; never set for memory or the file vault, which prove themselves).
    unproven: Option<Arc<AtomicBool>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("session_only", &self.session_only)
            .finish()
    }
}

impl Vault {
    /// The OS keychain's entries for `namespace`, once it has shown it could take a save
    /// ([`KeychainStore::probe`], which writes nothing): a front end about to sign in learns
    /// now, not after the exchange, that there is no keychain or that it stays locked. That it
    /// keeps what it is given is proven by the first save, which reads its entry back.
    pub fn open(namespace: &Namespace) -> VaultResult<Self> {
        Self::open_service(&namespace.service())
    }

    /// [`open`](Self::open) with an explicit keychain service name.
    pub fn open_service(service: &str) -> VaultResult<Self> {
        let store = Arc::new(KeychainStore::new(service));
        store.probe()?;
        Ok(Self::with_store(store).proven_at_first_save())
    }

    /// Like [`open`](Self::open), without the lookup: a command that only reads
    /// (`psn-auth token`) proves the keychain answers by finding its entries.
    pub fn open_lazy(namespace: &Namespace) -> Self {
        Self::open_lazy_service(&namespace.service())
    }

    /// [`open_lazy`](Self::open_lazy) with an explicit keychain service name.
    pub fn open_lazy_service(service: &str) -> Self {
        Self::with_store(Arc::new(KeychainStore::new(service))).proven_at_first_save()
    }

    /// The first save reads its entry back and fails unless the store gave back what it was
    /// given (what [`open`](Self::open) does for a keychain; tests give it any store).
    pub fn proven_at_first_save(mut self) -> Self {
        self.unproven = Some(Arc::new(AtomicBool::new(true)));
        self
    }

    /// The vault `PSN_AUTH_VAULT` chooses for `namespace`: the keychain ([`open`](Self::open),
    /// or [`open_lazy`](Self::open_lazy) when `lazy`), or the file vault, unlocked as
    /// [`location`] says, else with what `ask_passphrase` gets (a prompt on a terminal; `None`
    /// where nobody can be asked). Never switches from one to the other by itself.
    pub fn open_chosen(
        namespace: &Namespace,
        lazy: bool,
        ask_passphrase: impl FnOnce() -> Option<Zeroizing<String>>,
    ) -> VaultResult<Self> {
        match Backend::from_env()? {
            Backend::Keychain if lazy => Ok(Self::open_lazy(namespace)),
            Backend::Keychain => Self::open(namespace),
            Backend::File => {
                let path = location::vault_path(namespace)?;
                if !path.exists() {
                    return Err(VaultError::FileMissing {
                        path: path.display().to_string(),
                    });
                }
                let unlock = location::unlock(&path, ask_passphrase)?;
                Ok(Self::with_store(Arc::new(FileStore::open(&path, unlock)?)))
            }
        }
    }

    /// Keeps every set in memory until the process exits: the explicit choice offered when no
    /// keychain is available. Never touches a file.
    pub fn session_only() -> Self {
        Self {
            session_only: true,
            ..Self::with_store(Arc::new(MemoryStore::new()))
        }
    }

    /// Any store, for tests.
    pub fn with_store(store: Arc<dyn SecretStore>) -> Self {
        Self {
            store,
            max_entry_chars: PLATFORM_MAX_CHARS,
            session_only: false,
            unproven: None,
        }
    }

    /// Sets the largest entry the store takes (tests: Windows' limit on any platform).
    pub fn with_max_entry_chars(mut self, chars: usize) -> Self {
        self.max_entry_chars = chars;
        self
    }

    pub fn is_session_only(&self) -> bool {
        self.session_only
    }

    /// Saves `tokens` for `account`, replacing any earlier set. On error the earlier set still
    /// loads intact.
    pub fn save(&self, account: &str, tokens: &TokenSet) -> VaultResult<()> {
        let started = Instant::now();
        let result = self.save_now(account, tokens);
        log_call("save", account, started, &result);
        result
    }

    fn save_now(&self, account: &str, tokens: &TokenSet) -> VaultResult<()> {
        let json = Zeroizing::new(
            serde_json::to_string(&tokens.to_stored()).expect("token set serializes"),
        );
        let old = self.read_head(account).ok().flatten();
        // A store that gave back an intact set saved before has shown it keeps what it is
        // given: this save need not read its own entry back (a keychain round trip, about a
        // millisecond of a sign-in). The first sign-in of an account still does.
        if old.as_ref().is_some_and(Head::is_intact) {
            self.mark_proven();
        }
        let mut head = Head {
            v: 1,
            gen: new_generation(),
            chunks: 0,
            sha256: hex_sha256(json.as_bytes()),
            inline: Some(json.to_string()),
            stale: old.as_ref().map(stale_after).unwrap_or_default(),
        };
        // The head with the set inline, written as is where one entry may hold it.
        let mut head_json = Zeroizing::new(serde_json::to_string(&head).expect("head serializes"));

        let mut written = 0;
        if head_json.encode_utf16().count() > self.max_entry_chars {
            head.inline = None;
            let chunks = split(&json);
            head.chunks = chunks.len();
            for (i, chunk) in chunks.iter().enumerate() {
                if let Err(e) = self.store.set(&chunk_key(account, &head.gen, i), chunk) {
                    self.delete_chunks(account, &head.gen, written);
                    return Err(e);
                }
                written += 1;
            }
            head_json = Zeroizing::new(serde_json::to_string(&head).expect("head serializes"));
        }
        if let Err(e) = self.store.set(&head_key(account), &head_json) {
            // A head write that timed out may still land: its chunks must then be there.
            if !matches!(e, VaultError::TimedOut { .. }) {
                self.delete_chunks(account, &head.gen, written);
            }
            return Err(e);
        }
        self.prove(account, &head_json)?;
        for (gen, chunks) in &head.stale {
            self.delete_chunks(account, gen, *chunks);
        }
        Ok(())
    }

    /// The set stored for `account`, or `None`.
    pub fn load(&self, account: &str) -> VaultResult<Option<TokenSet>> {
        let started = Instant::now();
        let result = self.load_now(account);
        log_call("load", account, started, &result);
        result
    }

    /// A load that meets a save by another process mid-way (chunks of the head it read already
    /// replaced) reads the head again: only a set that stays unreadable is called corrupt.
    fn load_now(&self, account: &str) -> VaultResult<Option<TokenSet>> {
        const ATTEMPTS: usize = 3;
        let mut last = None;
        for _ in 0..ATTEMPTS {
            match self.load_once(account) {
                Err(e @ VaultError::Corrupt { .. }) => last = Some(e),
                other => return other,
            }
        }
        Err(last.expect("at least one attempt"))
    }

    fn load_once(&self, account: &str) -> VaultResult<Option<TokenSet>> {
        let Some(head) = self.read_head(account)? else {
            return Ok(None);
        };
        let corrupt = || VaultError::Corrupt {
            account: account.to_owned(),
        };
        let mut json = Zeroizing::new(head.inline.clone().unwrap_or_default());
        for i in 0..head.chunks {
            let chunk = self
                .store
                .get(&chunk_key(account, &head.gen, i))?
                .ok_or_else(corrupt)?;
            json.push_str(&chunk);
        }
        if !head.matches(&json) {
            return Err(corrupt());
        }
        let stored: StoredTokenSet = serde_json::from_str(&json).map_err(|_| corrupt())?;
        Ok(Some(TokenSet::from_stored(stored)))
    }

    /// Removes the set for `account`. Idempotent.
    pub fn delete(&self, account: &str) -> VaultResult<()> {
        let started = Instant::now();
        let result = self.delete_now(account);
        log_call("delete", account, started, &result);
        result
    }

    fn delete_now(&self, account: &str) -> VaultResult<()> {
        let head = match self.read_head(account) {
            Ok(head) => head,
            // A damaged head is still removed.
            Err(VaultError::Corrupt { .. }) => None,
            Err(e) => return Err(e),
        };
        self.store.delete(&head_key(account))?;
        if let Some(head) = &head {
            self.delete_chunks(account, &head.gen, head.chunks);
            for (gen, chunks) in &head.stale {
                self.delete_chunks(account, gen, *chunks);
            }
        }
        Ok(())
    }

    fn mark_proven(&self) {
        if let Some(unproven) = &self.unproven {
            unproven.store(false, Ordering::Release);
        }
    }

    /// On a store not yet proven, reads the head just written back: a keychain that does not
    /// give back what it was given (an unfinished Secret Service, a broken backend) fails the
    /// first save with a clear error instead of losing the set later. One lookup, once per
    /// process: a marker written, read and deleted up front cost two keyring-file rewrites.
    fn prove(&self, account: &str, head_json: &str) -> VaultResult<()> {
        let Some(unproven) = &self.unproven else {
            return Ok(());
        };
        if !unproven.load(Ordering::Acquire) {
            return Ok(());
        }
        match self.store.get(&head_key(account))? {
            Some(back) if back.as_str() == head_json => {
                self.mark_proven();
                Ok(())
            }
            _ => Err(VaultError::Unavailable {
                reason: "the keychain did not give back what was just stored in it".into(),
            }),
        }
    }

    fn read_head(&self, account: &str) -> VaultResult<Option<Head>> {
        let Some(raw) = self.store.get(&head_key(account))? else {
            return Ok(None);
        };
        serde_json::from_str(&raw)
            .map(Some)
            .map_err(|_| VaultError::Corrupt {
                account: account.to_owned(),
            })
    }

    fn delete_chunks(&self, account: &str, gen: &str, count: usize) {
        for i in 0..count {
            if self.store.delete(&chunk_key(account, gen, i)).is_err() {
                tracing::debug!("left a stale keychain chunk behind; it is unreachable");
            }
        }
    }
}

/// One event per vault call: which, for which account, how long, and how it ended.
fn log_call<T>(call: &'static str, account: &str, started: Instant, result: &VaultResult<T>) {
    let elapsed_ms = crate::log::elapsed_ms(started);
    match result {
        Ok(_) => tracing::debug!(call, account, elapsed_ms, "keychain"),
        Err(e) => tracing::info!(call, account, elapsed_ms, kind = %e.kind(), "keychain failed"),
    }
}

#[cfg(test)]
mod tests;
