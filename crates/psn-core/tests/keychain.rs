//! The vault and the account service against a real Secret Service (gnome-keyring).

mod common;

use common::token_set;

use psn_core::vault::{KeychainStore, SecretStore, WINDOWS_MAX_CHARS};
use psn_core::{parse_npsso, Accounts, ClientConfig, Endpoints, PsnClient, Settings, Vault};
use psn_standin::{Config, Endpoint, StandIn};

fn open(service: &str) -> Vault {
    Vault::open_service(service).expect("the test keyring is running and unlocked")
}

/// Opening proves the keychain answers, and the first save that it keeps what it is given.
#[test]
fn opening_proves_the_keychain_answers_and_the_first_save_that_it_keeps() {
    if !common::keyring_available() {
        return;
    }
    let service = common::unique_service("check");
    let store = KeychainStore::new(&service);
    store.probe().unwrap();
    let v = open(&service);
    v.save("1", &token_set("k", 900)).unwrap();
    assert_eq!(
        v.load("1").unwrap().unwrap().access_token.expose(),
        token_set("k", 900).access_token.expose()
    );
}

#[test]
fn missing_entry_is_none_and_delete_is_idempotent() {
    if !common::keyring_available() {
        return;
    }
    let store = KeychainStore::new(&common::unique_service("missing"));
    assert!(store.get("nobody/head").unwrap().is_none());
    store.delete("nobody/head").unwrap();
    store.set("k", "v").unwrap();
    store.delete("k").unwrap();
    store.delete("k").unwrap();
    assert!(store.get("k").unwrap().is_none());
}

#[test]
fn two_accounts_save_load_and_delete() {
    if !common::keyring_available() {
        return;
    }

    let vault = open(&common::unique_service("two"));
    let a = token_set("a", 1200);
    let b = token_set("b", 1300);
    vault.save("1111", &a).unwrap();
    vault.save("2222", &b).unwrap();
    assert_eq!(vault.load("1111").unwrap(), Some(a));
    assert_eq!(vault.load("2222").unwrap(), Some(b.clone()));
    vault.delete("1111").unwrap();
    vault.delete("1111").unwrap();
    assert_eq!(vault.load("1111").unwrap(), None);
    assert_eq!(vault.load("2222").unwrap(), Some(b));
}

#[test]
fn four_kilobyte_tokens_round_trip() {
    if !common::keyring_available() {
        return;
    }

    let service = common::unique_service("big");
    let vault = open(&service);
    let big = token_set("big", 4096);
    vault.save("1111", &big).unwrap();
    assert_eq!(vault.load("1111").unwrap(), Some(big.clone()));
    // Windows' chunked layout, through the real Secret Service too.
    let chunked = open(&service).with_max_entry_chars(WINDOWS_MAX_CHARS);
    let other = token_set("other", 4096);
    chunked.save("2222", &other).unwrap();
    assert!(
        KeychainStore::new(&service)
            .get("2222/head")
            .unwrap()
            .unwrap()
            .len()
            < 300
    );
    assert_eq!(vault.load("2222").unwrap(), Some(other));
}

#[test]
fn replace_then_a_new_vault_instance_sees_the_latest() {
    if !common::keyring_available() {
        return;
    }

    let service = common::unique_service("replace");
    let first = open(&service);
    first.save("1111", &token_set("old", 2000)).unwrap();
    let newer = token_set("new", 2500);
    first.save("1111", &newer).unwrap();
    drop(first);
    let second = open(&service);
    assert_eq!(second.load("1111").unwrap(), Some(newer));
    // Old generation chunks were removed: only the head and the new chunks remain.
    let old_head_gone = KeychainStore::new(&service).get("1111/head").unwrap();
    assert!(old_head_gone.is_some());
}

fn accounts_on(standin: &StandIn, service: &str, dir: &std::path::Path) -> Accounts {
    let client = PsnClient::with_config(
        Endpoints::single(&standin.url()).unwrap(),
        ClientConfig::default(),
    )
    .unwrap();
    Accounts::new(client, open(service), Settings::on_disk(dir))
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_keeps_tokens_in_the_keychain_and_facts_in_the_file() {
    if !common::keyring_available() {
        return;
    }
    let standin = StandIn::start(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = common::unique_service("signin");
    let accounts = accounts_on(&standin, &service, dir.path());
    let signed_in = accounts
        .sign_in(&parse_npsso(&standin.npsso()).unwrap())
        .await
        .unwrap();
    let summary = &signed_in.account;
    assert_eq!(summary.account_id, standin.account_id());
    assert_eq!(summary.label, standin.online_id());
    assert!(summary.active);
    // The sign-in's answer is the dashboard as a fresh read would show it.
    assert_eq!(signed_in.overview, accounts.overview().await.unwrap());

    // A second service instance (another process, in effect) sees the same account.
    let other = accounts_on(&standin, &service, dir.path());
    let list = other.list().await.unwrap();
    assert_eq!(list.len(), 1);
    let (_, set) = other.tokens(None).await.unwrap();
    assert_eq!(
        set.access_token.expose(),
        standin.last_access_token().unwrap()
    );

    // The settings file holds no secret.
    let file = std::fs::read_to_string(dir.path().join("accounts.json")).unwrap();
    assert!(!file.contains(set.access_token.expose()));
    assert!(!file.contains(set.refresh_token.expose()));
    assert!(!file.contains(&standin.npsso()));
    assert!(file.contains(&standin.account_id()));

    other.sign_out(None).await.unwrap();
    assert!(accounts.list().await.unwrap().is_empty());
    assert!(accounts.tokens(None).await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_access_token_is_refreshed_once_and_saved() {
    if !common::keyring_available() {
        return;
    }
    let standin = StandIn::start(Config::default()).await.unwrap();
    // Expired at once: due by any rule.
    standin.configure(|c| c.access_ttl_secs = 0);
    let dir = tempfile::tempdir().unwrap();
    let accounts = accounts_on(&standin, &common::unique_service("stale"), dir.path());
    accounts
        .sign_in(&parse_npsso(&standin.npsso()).unwrap())
        .await
        .unwrap();
    standin.configure(|c| c.access_ttl_secs = 3599);
    let fresh = accounts.fresh_tokens(None).await.unwrap().set;
    assert_eq!(standin.count(Endpoint::TokenRefresh), 1);
    assert_eq!(
        fresh.access_token.expose(),
        standin.last_access_token().unwrap()
    );
    // Now valid for an hour: no second refresh.
    let again = accounts.fresh_tokens(None).await.unwrap().set;
    assert_eq!(again, fresh);
    assert_eq!(standin.count(Endpoint::TokenRefresh), 1);
    let listed = accounts.list().await.unwrap();
    assert_eq!(listed[0].access_expires_at, fresh.access_expires_at);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_refresh_leaves_stored_tokens_untouched() {
    if !common::keyring_available() {
        return;
    }
    let standin = StandIn::start(Config::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let accounts = accounts_on(&standin, &common::unique_service("failref"), dir.path());
    accounts
        .sign_in(&parse_npsso(&standin.npsso()).unwrap())
        .await
        .unwrap();
    let (_, before) = accounts.tokens(None).await.unwrap();
    standin.fail(Endpoint::TokenRefresh, psn_standin::Fault::outage());
    let err = accounts.refresh_now(None).await.unwrap_err();
    assert_eq!(err.kind(), "sony_unavailable");
    standin.clear_faults();
    standin.expire_refresh_tokens();
    let err = accounts.refresh_now(None).await.unwrap_err();
    assert_eq!(err.kind(), "refresh_rejected");
    let (_, after) = accounts.tokens(None).await.unwrap();
    assert_eq!(after, before);
}
