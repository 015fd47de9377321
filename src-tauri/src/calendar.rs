//! The calendar reminder as a file the user asked for: the library's `.ics`, saved in the
//! Downloads folder (else the home folder).

use psn_core::{Accounts, Remedy};

use crate::error::{CommandError, CommandResult, FILES};

/// Writes the account's calendar reminder as `psn-auth-<label>.ics` (`-2`, `-3`… when that name
/// is taken); the path.
pub async fn save_reminder(accounts: &Accounts, account_id: &str) -> CommandResult<String> {
    let account = accounts.summary(account_id).await?;
    let text = psn_core::reminders::calendar(&account, chrono::Utc::now());
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| {
            CommandError::app(
                FILES,
                Remedy::Other,
                "There is no Downloads or home folder to save the calendar file in.",
            )
        })?;
    let safe: String = account
        .label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = std::fs::create_dir_all(&dir)
        .and_then(|()| write_new(&dir, &format!("psn-auth-{safe}"), text.as_bytes()))
        .map_err(|e| {
            CommandError::app(
                FILES,
                Remedy::Other,
                format!(
                    "The calendar file could not be saved in {}: {e}",
                    dir.display()
                ),
            )
        })?;
    tracing::info!(account = %account_id, "calendar reminder saved");
    Ok(path.display().to_string())
}

/// Writes `bytes` to a new file `<stem>.ics` in `dir`, or `<stem>-2.ics` and so on: never through
/// a link planted there, never over a file that is already there (the Downloads folder is
/// shared with everything the user downloads).
fn write_new(
    dir: &std::path::Path,
    stem: &str,
    bytes: &[u8],
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    for n in 1..=100 {
        let name = match n {
            1 => format!("{stem}.ics"),
            n => format!("{stem}-{n}.ics"),
        };
        let path = dir.join(name);
        // create_new: O_CREAT|O_EXCL, which fails on any existing name, a link included.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(bytes)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "a hundred calendar files of that name are there already",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The third audit: the Downloads write must not follow a planted link or overwrite
    /// another file.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_or_an_existing_file_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("psn-auth-Alice.ics")).unwrap();
        std::fs::write(dir.path().join("psn-auth-Alice-2.ics"), "someone else's").unwrap();

        let path = write_new(dir.path(), "psn-auth-Alice", b"BEGIN:VCALENDAR").unwrap();
        assert_eq!(path, dir.path().join("psn-auth-Alice-3.ics"));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("psn-auth-Alice-2.ics")).unwrap(),
            "someone else's"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "BEGIN:VCALENDAR");
    }
}
