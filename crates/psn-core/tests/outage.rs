//! Tokens through Sony's outages: when a due refresh fails for a temporary reason, the current
//! access token is handed out while at least a minute of it is left (with the failure, for the
//! caller's warning); under that, or for a failure only the user can fix, the failure reaches the
//! caller. And during an outage the callers share one request per pause instead of one each.
//!
//! A set is made due by storing it as if obtained long ago: an hour-long token with `left`
//! seconds to go is due (under its 5-minute margin) while still valid at the stand-in.

mod common;

use std::time::Duration;

use chrono::Utc;
use psn_core::{Accounts, ErrorKind, Settings, Vault};
use psn_standin::{Config, Endpoint, Fault, StandIn};

fn accounts_at(url: &str, vault: &Vault, settings: Settings) -> Accounts {
    common::accounts_at(url, vault, settings, Some(Duration::from_secs(1)))
}

/// Signs in, then stores the set as one obtained 3599 - `left` seconds ago.
async fn signed_in_due(s: &StandIn, a: &Accounts, left: i64) -> String {
    let id = common::sign_in(s, a).await;
    let mut set = a.tokens(Some(&id)).await.unwrap().1;
    let now = Utc::now();
    set.access_expires_at = now + chrono::Duration::seconds(left);
    set.obtained_at = set.access_expires_at - chrono::Duration::seconds(3599);
    a.vault().save(&id, &set).unwrap();
    id
}

/// One machine's files (a settings folder, one vault) shared by separate services, as separate
/// processes share them; `a` is the first, signed in with a set due with `left` seconds to go.
struct Shared {
    s: StandIn,
    dir: tempfile::TempDir,
    vault: Vault,
    a: Accounts,
    id: String,
}

impl Shared {
    async fn signed_in_due(left: i64) -> Self {
        let s = StandIn::start(standin_config()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::session_only();
        let a = accounts_at(&s.url(), &vault, Settings::on_disk(dir.path()));
        let id = signed_in_due(&s, &a, left).await;
        Self {
            s,
            dir,
            vault,
            a,
            id,
        }
    }

    /// Another process: a service of its own over the same files, its Sony at `url`.
    fn process_at(&self, url: &str) -> Accounts {
        accounts_at(url, &self.vault, Settings::on_disk(self.dir.path()))
    }

    fn process(&self) -> Accounts {
        self.process_at(&self.s.url())
    }
}

fn standin_config() -> Config {
    Config {
        token_len: 64,
        ..Config::default()
    }
}

#[tokio::test]
async fn a_due_token_is_handed_out_through_a_temporary_failure_while_a_minute_is_left() {
    let s = StandIn::start(standin_config()).await.unwrap();
    let vault = Vault::session_only();
    let a = accounts_at(&s.url(), &vault, Settings::in_memory());
    let faults = [
        (Fault::outage(), ErrorKind::SonyUnavailable),
        (Fault::rate_limited(90), ErrorKind::RateLimited),
        (
            Fault::outage().delay(Duration::from_secs(3)),
            ErrorKind::Network,
        ),
    ];
    for (fault, kind) in faults {
        // A new sign-in each time: it also ends the pause the last failure started.
        let id = signed_in_due(&s, &a, 200).await;
        let stored = a.tokens(Some(&id)).await.unwrap().1;
        s.clear_faults();
        s.fail(Endpoint::TokenRefresh, fault);
        let fresh = a.fresh_tokens(Some(&id)).await.unwrap();
        assert_eq!(
            fresh.set.access_token.expose(),
            stored.access_token.expose(),
            "{kind}: the current token is handed out"
        );
        let failed = fresh
            .refresh_failed
            .as_ref()
            .expect("the failure comes along");
        assert_eq!(failed.kind(), kind);
        let warning = fresh.warning(Utc::now()).unwrap();
        assert!(warning.contains(kind.as_str()), "{warning}");
        assert!(warning.contains("minutes more"), "{warning}");
        assert!(!warning.contains(stored.access_token.expose()));
        assert_eq!(
            a.tokens(Some(&id)).await.unwrap().1.access_token.expose(),
            stored.access_token.expose(),
            "nothing stored changed"
        );
    }
}

#[tokio::test]
async fn no_network_hands_out_the_current_token_too() {
    let m = Shared::signed_in_due(200).await;
    // The same vault and settings, seen by a client whose Sony refuses every connection.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let fresh = m.process_at(&dead).fresh_tokens(Some(&m.id)).await.unwrap();
    assert_eq!(fresh.refresh_failed.unwrap().kind(), ErrorKind::Network);
}

#[tokio::test]
async fn under_a_minute_left_the_temporary_failure_reaches_the_caller() {
    let s = StandIn::start(standin_config()).await.unwrap();
    let a = accounts_at(&s.url(), &Vault::session_only(), Settings::in_memory());
    let id = signed_in_due(&s, &a, 59).await;
    s.fail(Endpoint::TokenRefresh, Fault::outage());
    let err = a.fresh_tokens(Some(&id)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SonyUnavailable);
}

#[tokio::test]
async fn a_rejected_refresh_token_is_not_handed_out_around() {
    let s = StandIn::start(standin_config()).await.unwrap();
    let a = accounts_at(&s.url(), &Vault::session_only(), Settings::in_memory());
    let id = signed_in_due(&s, &a, 200).await;
    s.expire_refresh_tokens();
    let err = a.fresh_tokens(Some(&id)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RefreshRejected);
}

/// Twenty callers (and a background pass) during an outage make one request: the first
/// failure pauses refreshes of that set for every process (it is kept in `accounts.json`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn during_an_outage_callers_share_one_request_per_pause() {
    let m = Shared::signed_in_due(200).await;
    let (s, id) = (&m.s, &m.id);
    s.fail(Endpoint::TokenRefresh, Fault::outage());
    let before = s.count(Endpoint::TokenRefresh);
    let callers: Vec<Accounts> = (0..20).map(|_| m.process()).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for caller in callers {
        let id = id.clone();
        tasks.spawn(async move { caller.fresh_tokens(Some(&id)).await });
    }
    while let Some(result) = tasks.join_next().await {
        let fresh = result.unwrap().unwrap();
        assert_eq!(
            fresh.refresh_failed.as_ref().unwrap().kind(),
            ErrorKind::SonyUnavailable
        );
    }
    assert_eq!(
        s.count(Endpoint::TokenRefresh) - before,
        1,
        "one request for all"
    );

    // A new sign-in ends the pause; a success clears it.
    s.clear_faults();
    let fresh = m.a.refresh_now(Some(id)).await.unwrap();
    assert!(fresh.access_expires_at > Utc::now() + chrono::Duration::seconds(3000));
    let text = std::fs::read_to_string(m.dir.path().join("accounts.json")).unwrap();
    assert!(!text.contains("paused"), "{text}");
}

/// A refresh token Sony rejected stays rejected: every caller after the first gets the
/// rejection from `accounts.json` without asking Sony again (the soak's revoked account made
/// seven requests a second, one per `psn-auth token`, until its hour ran out). Asking on
/// purpose (`psn-auth refresh`, the window's Refresh) still asks, and a new sign-in starts over.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejected_refresh_token_is_asked_about_once_by_every_process() {
    let m = Shared::signed_in_due(200).await;
    let (s, a, id) = (&m.s, &m.a, &m.id);
    s.revoke_account(id);
    let before = s.count(Endpoint::TokenRefresh);
    for _ in 0..10 {
        let err = m.process().fresh_tokens(Some(id)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RefreshRejected);
    }
    assert_eq!(
        s.count(Endpoint::TokenRefresh) - before,
        1,
        "one request for every process"
    );

    let err = a.refresh_now(Some(id)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RefreshRejected);
    assert_eq!(
        s.count(Endpoint::TokenRefresh) - before,
        2,
        "asking on purpose asks"
    );

    // A new sign-in (a new set) is not held back by the old set's rejection.
    let again = signed_in_due(s, a, 200).await;
    assert_eq!(&again, id);
    let fresh = a.fresh_tokens(Some(id)).await.unwrap();
    assert!(fresh.refresh_failed.is_none());
    assert_eq!(s.count(Endpoint::TokenRefresh) - before, 3);
}
