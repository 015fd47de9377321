//! The calendar reminder as a file the user asked for: the library's `.ics`, saved in the
//! Downloads folder (else the home folder).

use psn_core::{Accounts, Remedy};

use crate::error::{CommandError, CommandResult, FILES};

/// Writes the account's calendar reminder as `psn-auth-<label>.ics`, replacing an older one;
/// the path.
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
    let path = dir.join(format!("psn-auth-{safe}.ics"));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, text))
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
