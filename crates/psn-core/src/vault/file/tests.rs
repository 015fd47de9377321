use super::*;

fn key(dir: &Path) -> PathBuf {
    let path = dir.join("vault.key");
    generate_key_file(&path).unwrap();
    path
}

#[test]
fn entries_round_trip_and_the_file_holds_no_value_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let key = key(dir.path());
    let store = FileStore::create(&path, Unlock::KeyFile(key.clone())).unwrap();
    store.set("1/head", "SECRET-VALUE-123").unwrap();
    assert_eq!(
        store.get("1/head").unwrap().as_deref().map(|s| s.as_str()),
        Some("SECRET-VALUE-123")
    );
    let raw = std::fs::read(&path).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains("SECRET-VALUE"));
    // Another process (a new store) reads what this one wrote.
    let other = FileStore::open(&path, Unlock::KeyFile(key)).unwrap();
    assert_eq!(
        other.get("1/head").unwrap().as_deref().map(|s| s.as_str()),
        Some("SECRET-VALUE-123")
    );
    other.delete("1/head").unwrap();
    other.delete("1/head").unwrap();
    assert_eq!(store.get("1/head").unwrap(), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("vault.key")), 0o600);
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_wrong_key_is_its_own_error_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let store = FileStore::create(&path, Unlock::KeyFile(key(dir.path()))).unwrap();
    store.set("a", "b").unwrap();
    let before = std::fs::read(&path).unwrap();
    let other = dir.path().join("other.key");
    generate_key_file(&other).unwrap();
    let err = FileStore::open(&path, Unlock::KeyFile(other))
        .err()
        .unwrap();
    assert_eq!(err.kind(), "vault_key_rejected", "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_key_file_never_replaces_one_and_must_be_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = key(dir.path());
    let err = generate_key_file(&path).unwrap_err();
    assert_eq!(err.kind(), "vault_key");
    assert!(err.to_string().contains("left as it is"), "{err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = FileStore::create(&dir.path().join("v.age"), Unlock::KeyFile(path))
            .err()
            .unwrap();
        assert_eq!(err.kind(), "vault_key");
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}

#[test]
fn damaged_truncated_and_newer_vaults_are_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let key = key(dir.path());
    let store = FileStore::create(&path, Unlock::KeyFile(key.clone())).unwrap();
    store.set("a", "b").unwrap();
    let good = std::fs::read(&path).unwrap();
    for (name, bytes) in [
        ("truncated", good[..good.len() - 10].to_vec()),
        ("garbage", b"not a vault at all".to_vec()),
        ("empty", Vec::new()),
    ] {
        std::fs::write(&path, &bytes).unwrap();
        let err = FileStore::open(&path, Unlock::KeyFile(key.clone()))
            .err()
            .unwrap();
        assert_eq!(err.kind(), "vault_damaged", "{name}: {err}");
        assert!(err.to_string().contains("left as it is"), "{name}: {err}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} kept");
    }
    // A vault from a newer format: decrypts, but is not written over.
    let identity: age::x25519::Identity = std::fs::read_to_string(&key)
        .unwrap()
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .parse()
        .unwrap();
    let newer = age::encrypt(&identity.to_public(), br#"{"v":2,"entries":{}}"#).unwrap();
    std::fs::write(&path, &newer).unwrap();
    let err = FileStore::open(&path, Unlock::KeyFile(key)).err().unwrap();
    assert_eq!(err.kind(), "vault_damaged");
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), newer);
}

#[test]
fn a_passphrase_vault_opens_with_its_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.age");
    let pass = |p: &str| Unlock::Passphrase(Zeroizing::new(p.to_owned()));
    let store = FileStore::create(&path, pass("correct horse")).unwrap();
    store.set("k", "v").unwrap();
    assert!(super::super::location::is_passphrase_vault(&path));
    let err = FileStore::open(&path, pass("wrong horse")).err().unwrap();
    assert_eq!(err.kind(), "vault_key_rejected", "{err}");
    let again = FileStore::open(&path, pass("correct horse")).unwrap();
    assert_eq!(
        again.get("k").unwrap().as_deref().map(|s| s.as_str()),
        Some("v")
    );
}
