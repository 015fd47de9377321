//! `refresh`: a new access token now.
//! Runs the `psn-auth` binary as a process (see `common` for the rig).

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn refresh_command_gets_a_new_access_token() {
    if !keyring_available() {
        return;
    }
    let rig = Rig::start().await;
    rig.login().await;
    let old = rig.last_access();
    rig.run(&["refresh"], None)
        .await
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "Refreshed {} (account {})",
            rig.standin.online_id(),
            rig.standin.account_id()
        )))
        .stderr(predicate::str::contains("access token:  expires "));
    assert_eq!(rig.standin.count(Endpoint::TokenRefresh), 1);
    let new = rig.token(&[]).await;
    assert_ne!(new, old);
    assert_eq!(new, rig.last_access());
}
