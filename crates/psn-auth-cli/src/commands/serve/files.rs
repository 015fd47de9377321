//! The files `serve` keeps: owner-only (or shared with `--group`), each replaced atomically, and
//! the folder they live in, held by one serve at a time.

use std::io::Write;
use std::path::Path;

use psn_core::fsutil::create_private_dir;

use crate::exit::Failure;

/// Held by the one serve that keeps a folder.
pub const LOCK: &str = ".psn-auth-serve.lock";

/// A folder for token files, owner-only or given to `gid`.
pub fn make_dir(dir: &Path, gid: Option<u32>) -> Result<(), Failure> {
    create_private_dir(dir).map_err(Failure::io("create a token folder"))?;
    share(dir, gid, 0o750)
}

/// Gives `path` to group `gid` (group-readable), or leaves it owner-only.
fn share(path: &Path, gid: Option<u32>, group_mode: u32) -> Result<(), Failure> {
    #[cfg(unix)]
    if let Some(gid) = gid {
        use std::os::unix::fs::PermissionsExt;
        std::os::unix::fs::chown(path, None, Some(gid))
            .and_then(|()| {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(group_mode))
            })
            .map_err(Failure::io("give the token files to --group"))?;
    }
    #[cfg(not(unix))]
    let _ = (path, gid, group_mode);
    Ok(())
}

/// Replaces `path` with `bytes` atomically: written beside it, synced, renamed over it.
pub fn replace(path: &Path, bytes: &[u8], gid: Option<u32>) -> Result<(), Failure> {
    let dir = path.parent().expect("a file in a folder");
    let name = path.file_name().expect("a file name").to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let _ = std::fs::remove_file(&tmp);
        let mut file = psn_core::fsutil::new_private_file(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    let shared = written
        .map_err(Failure::io("write a token file"))
        .and_then(|()| share(&tmp, gid, 0o640));
    if let Err(e) = shared {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(Failure::io("replace a token file"))
}

/// `DIR` as a folder this process can write into (made, owner-only, when missing).
pub fn prepare_dir(dir: &Path, gid: Option<u32>) -> Result<(), Failure> {
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a folder: give --dir a folder (it is made when missing)",
            dir.display()
        )));
    }
    create_private_dir(dir).map_err(|e| {
        Failure::usage(format!(
            "{} could not be made ({e}): give --dir another folder",
            dir.display()
        ))
    })?;
    let probe = dir.join(format!(".psn-auth-probe.{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| {
        Failure::usage(format!(
            "{} is not writable ({e}): give --dir a folder this user may write to",
            dir.display()
        ))
    })?;
    let _ = std::fs::remove_file(&probe);
    #[cfg(unix)]
    if let Some(gid) = gid {
        use std::os::unix::fs::PermissionsExt;
        std::os::unix::fs::chown(dir, None, Some(gid))
            .and_then(|()| std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o750)))
            .map_err(Failure::io("give the token folder to --group"))?;
    }
    #[cfg(not(unix))]
    let _ = gid;
    Ok(())
}

/// One writer per folder: the lock lasts as long as the returned file is open.
pub fn lock(dir: &Path) -> Result<std::fs::File, Failure> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))
        .map_err(Failure::io("open the folder's lock file"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => Err(Failure::usage(format!(
            "another psn-auth serve keeps {} already: one writer per folder (stop it, or give \
             this one another --dir)",
            dir.display()
        ))),
    }
}

/// The id of group `name` (a name from /etc/group, or a number).
pub fn group_id(name: &str) -> Result<u32, Failure> {
    if let Ok(id) = name.parse() {
        return Ok(id);
    }
    let groups = std::fs::read_to_string("/etc/group").unwrap_or_default();
    groups
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let group = fields.next()?;
            let id = fields.nth(1)?.parse().ok()?;
            (group == name).then_some(id)
        })
        .next()
        .ok_or_else(|| Failure::usage(format!("there is no group {name:?} on this system")))
}
