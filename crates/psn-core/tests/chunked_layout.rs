//! Windows' chunked layout (a head naming chunks of at most 1280 UTF-16 units, see
//! `vault/mod.rs`), proven over every store at hand: the in-memory one always, and this
//! platform's real keychain inside the test command: the Secret Service on Linux, and Windows'
//! Credential Manager when `scripts/test` runs the cross-built suites under Wine.
//!
//! Faults (the N-th write failing, a save landing between a load's reads, a head write that
//! times out but lands, deletes that fail) are injected by [`Rig`], a store wrapped around the
//! real one: the real keychain cannot be made to fail on cue. Every key the rig writes is
//! remembered, so "nothing left behind" is checked against the real store, not a mock.

mod common;

use common::token_set;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use psn_core::vault::{
    FileStore, KeychainStore, MemoryStore, SecretStore, Unlock, VaultError, PLATFORM_MAX_CHARS,
    WINDOWS_MAX_CHARS,
};
use psn_core::Vault;
use zeroize::Zeroizing;

type Hook = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Faults {
    writes: usize,
    fail_write: Option<usize>,
    /// A head write naming chunks lands, then reports a timeout.
    late_head: bool,
    failing_deletes: bool,
    /// Runs at the first chunk read: another process saving between a load's reads.
    before_chunk_read: Option<Hook>,
}

/// A real store with faults injected on cue and a memory of every key written through it.
struct Rig {
    name: &'static str,
    inner: Arc<dyn SecretStore>,
    written: Mutex<BTreeSet<String>>,
    faults: Mutex<Faults>,
}

impl Rig {
    fn new(name: &'static str, inner: Arc<dyn SecretStore>) -> Arc<Self> {
        Arc::new(Self {
            name,
            inner,
            written: Mutex::default(),
            faults: Mutex::default(),
        })
    }

    /// A vault over this rig with at most `max_chars` per entry.
    fn vault(self: &Arc<Self>, max_chars: usize) -> Vault {
        Vault::with_store(self.clone()).with_max_entry_chars(max_chars)
    }

    /// The keys written through the rig that the real store still holds.
    fn keys(&self) -> Vec<String> {
        let written = self.written.lock().unwrap().clone();
        written
            .into_iter()
            .filter(|k| self.inner.get(k).unwrap().is_some())
            .collect()
    }

    fn values(&self) -> Vec<Zeroizing<String>> {
        self.keys()
            .iter()
            .filter_map(|k| self.inner.get(k).unwrap())
            .collect()
    }

    fn writes(&self) -> usize {
        self.faults.lock().unwrap().writes
    }

    /// Makes the `n`-th write from now (1-based) fail, once.
    fn fail_nth_write(&self, n: usize) {
        let mut f = self.faults.lock().unwrap();
        f.fail_write = Some(f.writes + n);
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap()
    }

    /// Removes everything written, so a real keychain is left as it was found.
    fn clean(&self) {
        for key in self.written.lock().unwrap().iter() {
            let _ = self.inner.delete(key);
        }
    }
}

impl SecretStore for Rig {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<String>>, VaultError> {
        if !key.ends_with("/head") {
            let hook = self.faults().before_chunk_read.take();
            if let Some(hook) = hook {
                hook();
            }
        }
        self.inner.get(key)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), VaultError> {
        let (fail, late_head) = {
            let mut f = self.faults();
            f.writes += 1;
            (f.fail_write == Some(f.writes), f.late_head)
        };
        if fail {
            return Err(VaultError::Store {
                reason: "write failed on cue".into(),
            });
        }
        self.written.lock().unwrap().insert(key.to_owned());
        self.inner.set(key, value)?;
        let names_chunks = value.contains("\"chunks\":") && !value.contains("\"chunks\":0");
        if late_head && key.ends_with("/head") && names_chunks {
            return Err(VaultError::TimedOut { secs: 3 });
        }
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), VaultError> {
        if self.faults().failing_deletes {
            return Err(VaultError::TimedOut { secs: 3 });
        }
        self.inner.delete(key)
    }
}

/// A fresh rig over each store at hand, handed to `test`, then cleaned.
fn each_store(tag: &str, test: impl Fn(&Arc<Rig>)) {
    let mut rigs = vec![Rig::new(
        "memory",
        Arc::new(MemoryStore::new().with_max_chars(WINDOWS_MAX_CHARS)),
    )];
    if std::env::var_os("PSN_AUTH_TEST_KEYRING").is_some() {
        let store = KeychainStore::new(&common::unique_service(tag));
        rigs.push(Rig::new("keychain", Arc::new(store)));
    } else {
        eprintln!("keychain part skipped: needs the keyring that scripts/test starts");
    }
    // The encrypted file vault, unlocked with a key file (the file lives as long as the test).
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("vault.key");
    psn_core::vault::file::generate_key_file(&key).unwrap();
    let file = FileStore::create(&dir.path().join("vault.age"), Unlock::KeyFile(key)).unwrap();
    rigs.push(Rig::new("file", Arc::new(file)));
    for rig in &rigs {
        eprintln!("{tag}: over the {} store", rig.name);
        test(rig);
        rig.clean();
    }
}

/// The layouts a store can take: inline where the platform allows large entries, and chunked.
fn layouts(rig: &Rig) -> Vec<(&'static str, usize)> {
    let mut layouts = vec![("chunked", WINDOWS_MAX_CHARS)];
    if rig.name != "memory" && PLATFORM_MAX_CHARS > WINDOWS_MAX_CHARS {
        layouts.push(("inline", PLATFORM_MAX_CHARS));
    }
    layouts
}

#[test]
fn four_kilobyte_tokens_are_cut_into_entries_windows_accepts() {
    each_store("limit", |rig| {
        let v = rig.vault(WINDOWS_MAX_CHARS);
        let set = token_set("big", 4096);
        v.save("1", &set).unwrap();
        let longest = rig.values().iter().map(|v| v.encode_utf16().count()).max();
        assert!(longest.unwrap() <= WINDOWS_MAX_CHARS, "{}", rig.name);
        assert!(rig.keys().len() > 10, "a 12 KB set needs many chunks");
        assert_eq!(v.load("1").unwrap(), Some(set), "{}", rig.name);
    });
}

#[test]
fn replacing_a_set_removes_the_old_chunks() {
    each_store("replace", |rig| {
        for (layout, max) in layouts(rig) {
            let v = rig.vault(max);
            v.save(layout, &token_set("old", 3000)).unwrap();
            let after_first = rig.keys().len();
            let new = token_set("new", 3000);
            v.save(layout, &new).unwrap();
            assert_eq!(rig.keys().len(), after_first, "{} {layout}", rig.name);
            assert_eq!(v.load(layout).unwrap(), Some(new), "{} {layout}", rig.name);
            v.delete(layout).unwrap();
        }
    });
}

/// A chunked save is `chunks + 1` writes, an inline one a single write. Failing any one of
/// them leaves the previous set loadable and intact, and no debris; only when every write
/// succeeds does the new set appear.
#[test]
fn failing_the_nth_write_never_tears_a_set() {
    let old = token_set("old", 4096);
    let new = token_set("new", 4096);
    each_store("nth", |rig| {
        for (layout, max) in layouts(rig) {
            let v = rig.vault(max);
            let writes_per_save = {
                let before = rig.writes();
                v.save("probe", &new).unwrap();
                v.delete("probe").unwrap();
                rig.writes() - before
            };
            if layout == "chunked" {
                assert!(writes_per_save > 3);
            }
            for n in 1..=writes_per_save + 1 {
                v.save("1", &old).unwrap();
                let keys_before = rig.keys();
                rig.fail_nth_write(n);
                let result = v.save("1", &new);
                rig.faults().fail_write = None;
                let loaded = v.load("1").unwrap().expect("a set is always there");
                let what = format!("{} {layout}: write {n}", rig.name);
                if n <= writes_per_save {
                    assert!(result.is_err(), "{what} should have failed");
                    assert_eq!(loaded, old, "{what} must keep the old set");
                    assert_eq!(rig.keys(), keys_before, "{what} left debris");
                } else {
                    result.unwrap();
                    assert_eq!(loaded, new, "{what}");
                }
                v.delete("1").unwrap();
                assert_eq!(rig.keys(), Vec::<String>::new(), "{what}: logout left keys");
            }
        }
    });
}

#[test]
fn failing_the_nth_write_of_a_first_save_leaves_nothing() {
    each_store("first", |rig| {
        let v = rig.vault(WINDOWS_MAX_CHARS);
        for n in 1..=5 {
            rig.fail_nth_write(n);
            assert!(v.save("1", &token_set("new", 2000)).is_err());
            rig.faults().fail_write = None;
            assert_eq!(v.load("1").unwrap(), None);
            assert_eq!(rig.keys(), Vec::<String>::new(), "{}: write {n}", rig.name);
        }
    });
}

/// Another process saving between a load's head read and its chunk reads: the load reads the
/// head again and returns the new set instead of calling the keychain corrupt.
#[test]
fn a_load_racing_a_save_reads_the_new_set_instead_of_calling_it_corrupt() {
    each_store("race", |rig| {
        let a = token_set("a", 1200);
        let b = token_set("b", 1200);
        rig.vault(WINDOWS_MAX_CHARS).save("1", &a).unwrap();
        let other = rig.vault(WINDOWS_MAX_CHARS);
        let b_saved = b.clone();
        rig.faults().before_chunk_read = Some(Box::new(move || {
            other.save("1", &b_saved).unwrap();
        }));
        let loaded = rig.vault(WINDOWS_MAX_CHARS).load("1").unwrap();
        assert!(rig.faults().before_chunk_read.is_none(), "the race ran");
        assert_eq!(loaded, Some(b), "{}", rig.name);
    });
}

/// A head write that timed out may still land later: the chunks it names are not deleted then,
/// so a late head never points at nothing.
#[test]
fn a_head_write_that_timed_out_keeps_its_chunks() {
    each_store("late", |rig| {
        rig.faults().late_head = true;
        let set = token_set("a", 1200);
        let err = rig.vault(WINDOWS_MAX_CHARS).save("1", &set).unwrap_err();
        assert_eq!(err.kind(), "keychain_timeout");
        assert!(!err.to_string().contains("Nothing was changed"), "{err}");
        rig.faults().late_head = false;
        let loaded = rig.vault(WINDOWS_MAX_CHARS).load("1").unwrap();
        assert_eq!(loaded, Some(set), "{}: the late head's set", rig.name);
    });
}

/// Old chunks whose deletion failed during a save (the keychain refused, or timed out) are
/// still removed at logout: no token is left behind in the keychain.
#[test]
fn logout_removes_the_chunks_of_every_generation() {
    each_store("logout", |rig| {
        let v = rig.vault(WINDOWS_MAX_CHARS);
        v.save("1", &token_set("a", 1200)).unwrap();
        rig.faults().failing_deletes = true;
        v.save("1", &token_set("b", 1200)).unwrap();
        v.save("1", &token_set("c", 1200)).unwrap();
        rig.faults().failing_deletes = false;
        let left = rig.keys();
        assert!(left.len() > 4, "old generations were left: {left:?}");
        v.delete("1").unwrap();
        assert_eq!(rig.keys(), Vec::<String>::new(), "{}", rig.name);
    });
}

/// Windows only: the Credential Manager (Wine's, under the test command) through keyring's
/// real calls. An entry of 1280 UTF-16 units is kept and one more is refused, and the default
/// vault on this platform writes chunks. keyring checks the 2560-byte limit before calling
/// `CredWriteW`; whether Wine would also refuse a larger blob is not relied on.
#[cfg(windows)]
#[test]
fn the_credential_manager_keeps_1280_units_and_refuses_more() {
    if !common::keyring_available() {
        return;
    }
    let store = KeychainStore::new(&common::unique_service("win-limit"));
    let full = "x".repeat(WINDOWS_MAX_CHARS);
    store.set("full", &full).unwrap();
    assert_eq!(
        store.get("full").unwrap().as_deref().map(String::as_str),
        Some(full.as_str())
    );
    let err = store.set("over", &format!("{full}x")).unwrap_err();
    assert!(matches!(err, VaultError::Store { .. }), "{err:?}");
    store.delete("full").unwrap();

    let service = common::unique_service("win-default");
    let vault = Vault::open_service(&service).unwrap();
    let set = token_set("w", 4096);
    vault.save("1", &set).unwrap();
    let head = KeychainStore::new(&service).get("1/head").unwrap().unwrap();
    assert!(
        !head.contains("\"inline\""),
        "Windows writes chunks: {}",
        head.len()
    );
    assert_eq!(vault.load("1").unwrap(), Some(set));
    vault.delete("1").unwrap();
}
