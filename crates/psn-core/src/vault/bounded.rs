//! Every keychain call bounded in time. A Secret Service call is a D-Bus round trip that can
//! hang (a daemon stuck on an unlock prompt, a dead bus); each call runs on a thread of its own
//! and is abandoned after [`KEYCHAIN_TIMEOUT`], as `gh` bounds its keyring calls at 3 s.

use std::sync::mpsc;
use std::time::Duration;

use super::error::{VaultError, VaultResult};

/// Longest wait for one keychain call.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// Runs `op` on a thread of its own and gives up after `timeout`: a call to a wedged daemon
/// must not hang the app or the CLI. The abandoned thread ends when the call does.
pub(crate) fn bounded<T: Send + 'static>(
    timeout: Duration,
    op: impl FnOnce() -> VaultResult<T> + Send + 'static,
) -> VaultResult<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            let _ = tx.send(op());
        })
        .map_err(|e| VaultError::Store {
            reason: format!("could not start a keychain thread ({e})"),
        })?;
    rx.recv_timeout(timeout)
        .unwrap_or(Err(VaultError::TimedOut {
            secs: timeout.as_secs().max(1),
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_hangs_times_out_and_a_quick_one_answers() {
        let slow = bounded(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(2));
            Ok(1)
        });
        assert!(matches!(slow, Err(VaultError::TimedOut { secs: 1 })));
        assert_eq!(bounded(Duration::from_secs(1), || Ok(2)).unwrap(), 2);
    }
}
