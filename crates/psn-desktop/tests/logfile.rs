//! The log folder and files are owner-only (the third audit: they were 0644 in a 0755 folder,
//! and they name accounts). Its own test binary: logging and the umask are process-wide.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_log_folder_and_its_files_are_the_owners_alone() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("logs");
    // A folder and a file an older version left readable by everyone.
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let old = dir.join("psn-auth.2026-01-01.log");
    std::fs::write(&old, "account 42\n").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();

    assert!(psn_desktop::logfile::init(&dir, "psn-auth").is_some());
    tracing::info!(account = "42", "a line naming an account");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&old), 0o600);
    let today: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p != &old)
        .collect();
    assert!(!today.is_empty(), "no log file was written");
    for file in today {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_first_start_makes_the_folder_owner_only() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("new").join("logs");
    // Logging may already be set up by the other test; the folder is made either way.
    let _ = psn_desktop::logfile::init(&dir, "psn-auth");
    assert_eq!(mode(&dir), 0o700);
}
