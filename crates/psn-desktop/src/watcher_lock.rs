//! The watcher's lock. One watcher runs per settings folder
//! (per namespace: Sony's accounts, the demo's, an override's): it holds an OS file lock on
//! `watcher.lock` there for its whole life, so a second one exits at once and the window can
//! tell whether one runs.

use std::fs::File;
use std::path::{Path, PathBuf};

use psn_core::vault::Namespace;

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

/// Takes the watcher's lock for `namespace`; `None` when another watcher holds it. The lock
/// lasts as long as the returned file is open.
pub fn claim(namespace: &Namespace) -> Option<File> {
    let file = open(&lock_path(namespace)?)?;
    file.try_lock().ok()?;
    Some(file)
}

/// True when a watcher holds the lock for `namespace`.
pub fn is_running(namespace: &Namespace) -> bool {
    let Some(file) = lock_path(namespace).and_then(|p| open(&p)) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(_) => true,
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
}
