use std::time::Duration;

use psn_core::{NetworkFailure, NpssoError, VaultError};

use super::*;

/// One of every error the library has, with the code it must exit with.
fn every_error() -> Vec<(Error, Exit)> {
    vec![
        (Error::InvalidNpsso(NpssoError::Empty), Exit::BadNpsso),
        (
            Error::InvalidNpsso(NpssoError::WrongLength { found: 3 }),
            Exit::BadNpsso,
        ),
        (Error::NpssoRejected, Exit::BadNpsso),
        (Error::CodeRejected, Exit::TryLater),
        (Error::RefreshRejected, Exit::NeedNpsso),
        (Error::RateLimited { retry_after: None }, Exit::TryLater),
        (
            Error::RateLimited {
                retry_after: Some(Duration::from_secs(30)),
            },
            Exit::TryLater,
        ),
        (Error::SonyUnavailable { status: 503 }, Exit::TryLater),
        (
            Error::Network {
                failure: NetworkFailure::Refused,
            },
            Exit::TryLater,
        ),
        (
            Error::MalformedResponse {
                status: 200,
                reason: "x",
                excerpt: "y".into(),
            },
            Exit::Other,
        ),
        (
            Error::UnexpectedResponse {
                status: 418,
                excerpt: "y".into(),
            },
            Exit::Other,
        ),
        (
            Error::Vault(VaultError::Unavailable { reason: "x".into() }),
            Exit::Keychain,
        ),
        (Error::Vault(VaultError::Locked), Exit::Keychain),
        (
            Error::Vault(VaultError::TimedOut { secs: 3 }),
            Exit::Keychain,
        ),
        (
            Error::Vault(VaultError::Store { reason: "x".into() }),
            Exit::Keychain,
        ),
        (
            Error::Vault(VaultError::Corrupt {
                account: "1".into(),
            }),
            Exit::NeedNpsso,
        ),
        (Error::NoAccount, Exit::NoAccount),
        (Error::UnknownAccount("x".into()), Exit::NoAccount),
        (Error::LockTimeout(30), Exit::TryLater),
        (
            Error::Settings {
                path: "p".into(),
                reason: "r".into(),
            },
            Exit::Other,
        ),
        (Error::InvalidEndpoint("bad".into()), Exit::Other),
    ]
}

#[test]
fn every_library_error_maps_to_its_documented_code() {
    for (error, expected) in every_error() {
        let failure = Failure::from(error);
        assert_eq!(failure.exit(), expected, "{}", failure);
    }
}

#[test]
fn every_kind_has_a_failure_code() {
    for kind in ErrorKind::ALL {
        assert_ne!(Exit::for_kind(*kind), Exit::Ok, "{kind}");
        assert_ne!(Exit::for_kind(*kind), Exit::Usage, "{kind}");
    }
}

#[test]
fn kinds_sharing_a_remedy_share_a_code_unless_a_command_tells_them_apart() {
    for kind in ErrorKind::ALL {
        let expected = match kind.remedy() {
            Remedy::RetryLater => Exit::TryLater,
            Remedy::FixKeychain => Exit::Keychain,
            Remedy::Other => Exit::Other,
            Remedy::NewNpsso | Remedy::FixInput => continue,
        };
        assert_eq!(Exit::for_kind(*kind), expected, "{kind}");
    }
}

#[test]
fn every_kind_needing_a_new_npsso_says_how_to_sign_in() {
    for kind in ErrorKind::ALL {
        if kind.remedy() == Remedy::NewNpsso {
            assert!(hint(*kind).unwrap().contains("psn-auth login"), "{kind}");
        }
    }
}

#[test]
fn codes_are_stable() {
    let codes: Vec<u8> = [
        Exit::Ok,
        Exit::Other,
        Exit::Usage,
        Exit::NoAccount,
        Exit::NeedNpsso,
        Exit::BadNpsso,
        Exit::TryLater,
        Exit::Keychain,
        Exit::RefreshSoon,
    ]
    .iter()
    .map(|e| e.code())
    .collect();
    assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn table_lists_every_code() {
    for code in 0..=8 {
        assert!(
            TABLE.lines().any(|l| l.starts_with(&format!("  {code}  "))),
            "code {code} missing from the table"
        );
    }
}

#[test]
fn io_failures_are_other() {
    let failure = Failure::io("read standard input")(std::io::Error::other("boom"));
    assert_eq!(failure.exit(), Exit::Other);
    assert_eq!(failure.to_string(), "could not read standard input: boom");
}
