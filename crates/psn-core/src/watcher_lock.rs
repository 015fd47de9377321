//! The watcher's lock. One watcher runs per settings folder
//! (per namespace: Sony's accounts, the demo's, an override's): it holds an OS file lock on
//! `watcher.lock` there for its whole life, so a second one exits at once and the window can
//! tell whether one runs.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::namespace::Namespace;

fn lock_path(namespace: &Namespace) -> Option<PathBuf> {
    namespace.config_dir().map(|dir| dir.join("watcher.lock"))
}

fn open(path: &Path) -> Option<File> {
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        let _ = builder.create(dir);
    }
    File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .ok()
}

/// What [`claim`] got.
#[derive(Debug)]
pub enum Claim {
    /// The lock, held while this file is open.
    Held(File),
    /// The folder's file system cannot lock (some network homes): the watcher runs anyway,
    /// unguarded, rather than never.
    Unsupported,
}

/// How long a claim keeps trying while the lock is taken: [`is_running`] holds it for an
/// instant, and a watcher starting in that instant must not take it for another watcher.
const CLAIM_PATIENCE: std::time::Duration = std::time::Duration::from_millis(300);

/// Takes the watcher's lock for `namespace`; `None` when another watcher holds it.
pub fn claim(namespace: &Namespace) -> Option<Claim> {
    match lock_path(namespace) {
        Some(path) => claim_at(&path),
        None => Some(Claim::Unsupported),
    }
}

fn claim_at(path: &Path) -> Option<Claim> {
    let Some(file) = open(path) else {
        tracing::warn!("the watcher's lock file cannot be opened: running without it");
        return Some(Claim::Unsupported);
    };
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Some(Claim::Held(file)),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < CLAIM_PATIENCE => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => return None,
            Err(std::fs::TryLockError::Error(e)) => {
                tracing::warn!(
                    "the watcher's lock is not supported here ({e}): running without it"
                );
                return Some(Claim::Unsupported);
            }
        }
    }
}

/// True when a watcher holds the lock for `namespace`. Only a lock held by another process
/// counts: a file system that cannot lock says nothing is running (else no watcher would ever
/// start there).
pub fn is_running(namespace: &Namespace) -> bool {
    lock_path(namespace).is_some_and(|p| is_running_at(&p))
}

fn is_running_at(path: &Path) -> bool {
    let Some(file) = open(path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_watcher_per_settings_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watcher.lock");
        let first = open(&path).unwrap();
        first.try_lock().unwrap();
        let second = open(&path).unwrap();
        assert!(second.try_lock().is_err(), "a second lock on the same file");
        drop(first);
        assert!(second.try_lock().is_ok(), "free once the first is closed");
    }

    /// The third audit: the window's check takes the lock for an instant; a watcher starting
    /// in that instant must still start (before, it exited, taking the check for a watcher).
    #[test]
    fn a_watcher_starting_during_a_check_still_starts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watcher.lock");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let checker = {
            let (path, stop) = (path.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = is_running_at(&path);
                }
            })
        };
        for _ in 0..200 {
            let claim = claim_at(&path);
            assert!(matches!(claim, Some(Claim::Held(_))), "{claim:?}");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        checker.join().unwrap();
        // A real second watcher is still refused.
        let first = claim_at(&path);
        assert!(matches!(first, Some(Claim::Held(_))));
        assert!(claim_at(&path).is_none());
        assert!(is_running_at(&path));
    }
}
