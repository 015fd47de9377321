use std::time::Duration;

use super::*;
use crate::kinds::{ErrorKind, Remedy};

#[test]
fn rate_limit_message_names_the_wait() {
    let e = Error::RateLimited {
        retry_after: Some(Duration::from_secs(120)),
    };
    assert!(e.to_string().contains("Wait 2 minutes"), "{e}");
    assert_eq!(e.kind(), "rate_limited");
}

#[test]
fn kinds_serialize_as_their_stable_names_and_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for kind in ErrorKind::ALL {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::json!(kind.as_str())
        );
        assert!(seen.insert(kind.as_str()), "{kind} named twice");
    }
    for remedy in Remedy::ALL {
        assert_eq!(
            serde_json::to_value(remedy).unwrap(),
            serde_json::json!(remedy.as_str())
        );
    }
}

#[test]
fn every_example_has_its_kind() {
    for kind in ErrorKind::ALL {
        assert_eq!(Error::example(*kind).kind(), *kind);
    }
}

#[test]
fn only_temporary_kinds_are_retried_later() {
    let later: Vec<&str> = ErrorKind::ALL
        .iter()
        .filter(|k| k.remedy() == Remedy::RetryLater)
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        later,
        [
            "code_rejected",
            "rate_limited",
            "sony_unavailable",
            "network",
            "lock_timeout"
        ]
    );
}

#[test]
fn a_damaged_store_needs_a_new_npsso_like_an_expired_refresh_token() {
    let corrupt = Error::Vault(VaultError::Corrupt {
        account: "1".into(),
    });
    assert_eq!(corrupt.remedy(), Remedy::NewNpsso);
    assert_eq!(Error::RefreshRejected.remedy(), Remedy::NewNpsso);
    assert_eq!(
        Error::Vault(VaultError::Locked).remedy(),
        Remedy::FixKeychain
    );
}

#[test]
fn messages_name_no_front_end() {
    for e in [
        Error::NoAccount,
        Error::UnknownAccount("x".into()),
        Error::RefreshRejected,
        Error::Vault(VaultError::Unavailable { reason: "r".into() }),
    ] {
        let text = e.to_string();
        for front_end in ["psn-auth ", "the app", " here", "memory"] {
            assert!(!text.contains(front_end), "{text:?} names {front_end:?}");
        }
    }
}
