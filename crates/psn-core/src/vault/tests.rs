use std::sync::Arc;

use chrono::{Duration, Utc};

use super::memory::WINDOWS_MAX_CHARS;
use super::*;
use crate::secret::{AccessToken, IdToken, RefreshToken};

fn token_set(tag: &str, token_len: usize) -> TokenSet {
    let now = Utc::now();
    let body = |name: &str| {
        let mut s = format!("{name}-{tag}-");
        while s.len() < token_len {
            s.push_str("eyJhbGciOiJSUzI1NiJ9");
        }
        s.truncate(token_len);
        s
    };
    TokenSet {
        access_token: AccessToken::new(body("access")),
        refresh_token: RefreshToken::new(body("refresh")),
        id_token: Some(IdToken::new(body("id"))),
        token_type: "bearer".into(),
        scope: "psn:mobile.v2.core psn:clientapp".into(),
        obtained_at: now,
        access_expires_at: now + Duration::seconds(3599),
        refresh_expires_at: now + Duration::seconds(5_183_999),
    }
}

/// This platform's layout: on Linux and macOS a set is one inline entry.
fn vault(store: &Arc<MemoryStore>) -> Vault {
    Vault::with_store(store.clone())
}

/// Windows' layout, on any platform: chunks under 1280 UTF-16 units and a head naming them.
fn windows_vault(store: &Arc<MemoryStore>) -> Vault {
    vault(store).with_max_entry_chars(WINDOWS_MAX_CHARS)
}

#[test]
fn save_then_load_gives_the_same_set() {
    let store = Arc::new(MemoryStore::new());
    let v = vault(&store);
    let set = token_set("a", 1200);
    v.save("111", &set).unwrap();
    assert_eq!(v.load("111").unwrap(), Some(set));
}

#[test]
fn missing_account_loads_as_none_and_delete_is_idempotent() {
    let store = Arc::new(MemoryStore::new());
    let v = vault(&store);
    assert_eq!(v.load("nobody").unwrap(), None);
    v.delete("nobody").unwrap();
    v.save("111", &token_set("a", 100)).unwrap();
    v.delete("111").unwrap();
    v.delete("111").unwrap();
    assert_eq!(v.load("111").unwrap(), None);
    assert!(store.keys().is_empty(), "left behind: {:?}", store.keys());
}

#[test]
fn inline_layout_is_one_entry_and_one_write() {
    let store = Arc::new(MemoryStore::new());
    let v = vault(&store);
    let set = token_set("big", 4096);
    v.save("111", &set).unwrap();
    if cfg!(windows) {
        return;
    }
    assert_eq!(store.keys(), ["111/head"]);
    assert_eq!(store.writes(), 1);
    assert_eq!(v.load("111").unwrap(), Some(set));
}

#[test]
fn changing_layout_leaves_no_stale_chunks() {
    let store = Arc::new(MemoryStore::new());
    windows_vault(&store)
        .save("111", &token_set("chunked", 3000))
        .unwrap();
    assert!(store.keys().len() > 2);
    let inline = token_set("inline", 3000);
    let v = vault(&store).with_max_entry_chars(64 * 1024);
    v.save("111", &inline).unwrap();
    assert_eq!(store.keys(), ["111/head"]);
    assert_eq!(v.load("111").unwrap(), Some(inline));
}

#[test]
fn accounts_are_independent() {
    let store = Arc::new(MemoryStore::new());
    let v = vault(&store);
    let a = token_set("a", 1500);
    let b = token_set("b", 1500);
    v.save("111", &a).unwrap();
    v.save("222", &b).unwrap();
    v.delete("111").unwrap();
    assert_eq!(v.load("111").unwrap(), None);
    assert_eq!(v.load("222").unwrap(), Some(b));
}

#[test]
fn a_tampered_inline_set_is_detected_not_loaded() {
    let store = Arc::new(MemoryStore::new());
    let v = vault(&store).with_max_entry_chars(64 * 1024);
    v.save("111", &token_set("a", 2000)).unwrap();
    let head = store.get("111/head").unwrap().unwrap();
    store
        .set("111/head", &head.replace("access-a", "access-b"))
        .unwrap();
    assert_eq!(v.load("111").unwrap_err().kind(), "keychain_corrupt");
}

#[test]
fn a_mixed_generation_is_detected_not_loaded() {
    let store = Arc::new(MemoryStore::new());
    let v = windows_vault(&store);
    v.save("111", &token_set("a", 2000)).unwrap();
    let chunk = store
        .keys()
        .into_iter()
        .find(|k| k.ends_with("/0") && k.starts_with("111/"))
        .unwrap();
    store.set(&chunk, "{\"tampered\":true}").unwrap();
    let err = v.load("111").unwrap_err();
    assert_eq!(err.kind(), "keychain_corrupt");
    // And it can still be removed.
    v.delete("111").unwrap();
    assert_eq!(v.load("111").unwrap(), None);
}

#[test]
fn session_only_vault_keeps_nothing_on_disk() {
    let v = Vault::session_only();
    assert!(v.is_session_only());
    let set = token_set("s", 500);
    v.save("1", &set).unwrap();
    assert_eq!(v.load("1").unwrap(), Some(set));
}

#[test]
fn the_head_entry_debug_shows_no_token() {
    let head = Head {
        v: 1,
        gen: "g".into(),
        chunks: 0,
        sha256: "s".into(),
        inline: Some(r#"{"access_token":"SECRET-ACCESS-TOKEN"}"#.into()),
        stale: vec![],
    };
    let text = format!("{head:?}");
    assert!(!text.contains("SECRET-ACCESS-TOKEN"), "{text}");
    assert!(
        text.contains("inline") && text.contains("redacted"),
        "{text}"
    );
}

#[test]
fn each_set_of_overrides_has_its_own_namespace() {
    use crate::endpoints::Endpoints;
    let sony = Endpoints::sony();
    assert_eq!(Namespace::for_endpoints(&sony), Namespace::Real);
    assert_eq!(Namespace::Real.service(), "psn-auth");
    let a = Endpoints::from_vars(Some("http://127.0.0.1:1"), None).unwrap();
    let b = Endpoints::from_vars(Some("http://127.0.0.1:2"), None).unwrap();
    let api = Endpoints::from_vars(None, Some("http://127.0.0.1:1")).unwrap();
    let names: std::collections::BTreeSet<String> = [&a, &b, &api]
        .iter()
        .map(|e| Namespace::for_endpoints(e).service())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for name in &names {
        assert!(name.starts_with("psn-auth-override-"), "{name}");
    }
    assert_eq!(
        Namespace::for_endpoints(&a),
        Namespace::for_endpoints(&Endpoints::from_vars(Some("http://127.0.0.1:1"), None).unwrap()),
        "the same overrides find their accounts again"
    );
}

/// A store that takes every write and gives nothing back: what the keychain's first save proves
/// against (no real Secret Service behaves so; the check exists for ones that might).
struct Forgetful;

impl SecretStore for Forgetful {
    fn get(&self, _key: &str) -> VaultResult<Option<zeroize::Zeroizing<String>>> {
        Ok(None)
    }
    fn set(&self, _key: &str, _value: &str) -> VaultResult<()> {
        Ok(())
    }
    fn delete(&self, _key: &str) -> VaultResult<()> {
        Ok(())
    }
}

#[test]
fn the_first_save_proves_the_store_keeps_what_it_is_given() {
    let forgetful = Vault::with_store(Arc::new(Forgetful)).proven_at_first_save();
    let err = forgetful.save("1", &token_set("a", 900)).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::KeychainUnavailable);
    assert!(err.to_string().contains("did not give back"), "{err}");

    // A store that keeps it is proven by the first save; later saves rely on that.
    let store = Arc::new(MemoryStore::new());
    let v = vault(&store).proven_at_first_save();
    v.save("1", &token_set("a", 900)).unwrap();
    v.save("1", &token_set("b", 900)).unwrap();
    assert_eq!(
        v.load("1").unwrap().unwrap().access_token.expose().len(),
        900
    );
}

/// A memory store that counts its lookups.
struct Counting {
    inner: MemoryStore,
    gets: std::sync::atomic::AtomicUsize,
}

impl SecretStore for Counting {
    fn get(&self, key: &str) -> VaultResult<Option<zeroize::Zeroizing<String>>> {
        self.gets.fetch_add(1, Ordering::Relaxed);
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> VaultResult<()> {
        self.inner.set(key, value)
    }
    fn delete(&self, key: &str) -> VaultResult<()> {
        self.inner.delete(key)
    }
}

#[test]
fn a_store_that_gave_back_an_earlier_set_needs_no_read_back() {
    let store = Arc::new(Counting {
        inner: MemoryStore::new(),
        gets: Default::default(),
    });
    let gets = || store.gets.load(Ordering::Relaxed);
    // Inline heads on every platform: a chunked one (Windows) cannot show it is intact without
    // reading its chunks, so there the read-back stays.
    let vault = || {
        Vault::with_store(store.clone())
            .with_max_entry_chars(64 * 1024)
            .proven_at_first_save()
    };
    // The first sign-in of an account: the earlier head is looked for, and the new one read back.
    let first = vault();
    first.save("1", &token_set("a", 900)).unwrap();
    assert_eq!(gets(), 2);
    // Another process signing in again: the intact set it finds is the proof.
    let again = vault();
    again.save("1", &token_set("b", 900)).unwrap();
    assert_eq!(gets(), 3);
    // A damaged earlier set proves nothing.
    store
        .inner
        .set(
            "2/head",
            r#"{"v":1,"gen":"g","chunks":0,"sha256":"00","inline":"{}"}"#,
        )
        .unwrap();
    let third = vault();
    third.save("2", &token_set("c", 900)).unwrap();
    assert_eq!(gets(), 5);
}
