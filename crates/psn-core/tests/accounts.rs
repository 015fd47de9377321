//! The account service over an in-memory vault (no keychain needed) and the loopback stand-in.

use psn_core::{parse_npsso, Accounts, Endpoints, PsnClient};
use psn_standin::{Config, Endpoint, Fault, StandIn};

fn accounts(standin: &StandIn) -> Accounts {
    let client = PsnClient::new(Endpoints::single(&standin.url()).unwrap()).unwrap();
    Accounts::session_only(client)
}

/// If Sony's who-am-I fails at a sign-in, the account is kept under a local id; the next
/// sign-in that learns who it is merges it, instead of leaving a second account behind.
#[tokio::test]
async fn an_unidentified_account_is_merged_when_a_later_sign_in_learns_who_it_is() {
    let s = StandIn::start(Config::default()).await.unwrap();
    let a = accounts(&s);
    s.fail(Endpoint::Me, Fault::outage().times(1));
    let first = a.sign_in(&parse_npsso(&s.npsso()).unwrap()).await.unwrap();
    assert!(first.account.account_id.starts_with("unidentified-"));
    assert_eq!(first.account.label, "PSN account");

    let second = a.sign_in(&parse_npsso(&s.npsso()).unwrap()).await.unwrap();
    assert_eq!(second.account.account_id, s.account_id());
    let list = a.list().await.unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].account_id, s.account_id());
    assert!(list[0].active);
    assert_eq!(
        second.overview.accounts, list,
        "the answer shows the merged list"
    );
    assert!(a.tokens(Some(&first.account.account_id)).await.is_err());
}

/// The dashboard's active account says when its access token falls due by the refresh rule,
/// so the window warns then (and not on a threshold of its own).
#[tokio::test]
async fn the_active_account_carries_when_its_access_token_falls_due() {
    let s = StandIn::start(Config::default()).await.unwrap();
    let a = accounts(&s);
    let signed_in = a.sign_in(&parse_npsso(&s.npsso()).unwrap()).await.unwrap();
    let policy = psn_core::RefreshPolicy::default();
    for active in [
        signed_in.overview.active.unwrap(),
        a.overview().await.unwrap().active.unwrap(),
    ] {
        let account = &active.account;
        assert_eq!(
            active.access_due_at,
            policy.due_at(account.obtained_at, account.access_expires_at)
        );
        assert!(active.access_due_at < account.access_expires_at);
    }
}
