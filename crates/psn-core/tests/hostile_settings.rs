//! The third audit: a hostile `accounts.json` (a FIFO, a link to `/dev/zero`, 512 MiB, or just
//! damaged) must not hang or exhaust a reader; it is kept aside, not overwritten, and the
//! accounts it named come back from the keychain where their sets are.
#![cfg(unix)]

mod common;

use std::time::Duration;

use psn_core::{Accounts, Settings, Vault};
use psn_standin::{Config, StandIn};

async fn signed_in(dir: &std::path::Path, vault: &Vault) -> (StandIn, Accounts, String) {
    let s = StandIn::start(Config::default()).await.unwrap();
    let a = fresh(&s, dir, vault);
    let id = common::sign_in(&s, &a).await;
    (s, a, id)
}

fn fresh(s: &StandIn, dir: &std::path::Path, vault: &Vault) -> Accounts {
    common::accounts_at(&s.url(), vault, Settings::on_disk(dir), None)
}

fn aside(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("accounts.json.damaged-"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_or_a_link_to_dev_zero_neither_hangs_nor_fills_memory() {
    for plant in ["fifo", "zero", "huge"] {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::session_only();
        let (s, _, _) = signed_in(dir.path(), &vault).await;
        let path = dir.path().join("accounts.json");
        std::fs::remove_file(&path).unwrap();
        match plant {
            "fifo" => {
                let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
                assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            }
            "zero" => std::os::unix::fs::symlink("/dev/zero", &path).unwrap(),
            _ => {
                let f = std::fs::File::create(&path).unwrap();
                f.set_len(512 << 20).unwrap(); // sparse: 512 MiB of zeros
            }
        }
        let a = fresh(&s, dir.path(), &vault);
        let listed = tokio::time::timeout(Duration::from_secs(10), a.list())
            .await
            .unwrap_or_else(|_| panic!("{plant}: reading accounts.json hung"));
        let listed = listed.unwrap_or_else(|e| panic!("{plant}: {e}"));
        assert!(listed.is_empty(), "{plant}: no id could be read back");
        assert_eq!(aside(dir.path()).len(), 1, "{plant}: kept aside");
        assert!(path.is_file(), "{plant}: a new accounts.json");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_file_is_kept_and_its_accounts_come_back_from_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::session_only();
    let (s, a, id) = signed_in(dir.path(), &vault).await;
    let token = a.tokens(Some(&id)).await.unwrap().1;
    let path = dir.path().join("accounts.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = &text[..text.len() / 2 + 20];
    assert!(cut.contains(&id), "the cut keeps the id");
    std::fs::write(&path, cut).unwrap();

    let again = fresh(&s, dir.path(), &vault);
    let listed = again.list().await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].account_id, id);
    assert!(listed[0].active);
    let (_, set) = again.tokens(None).await.unwrap();
    assert_eq!(set.access_token.expose(), token.access_token.expose());
    let kept = aside(dir.path());
    assert_eq!(kept.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&kept[0]).unwrap(),
        cut,
        "kept as it was"
    );
}
