//! Copying a token for the window's Copy buttons: the library says which set to hand out
//! (`Accounts::to_hand_out`, the same for the tray and the CLI), and the value goes on the
//! clipboard in Rust ([`psn_desktop::clipboard`]: marked secret, cleared later); the webview
//! never holds it.

use psn_core::{Accounts, Which};
use psn_desktop::clipboard::{ClipboardError, SecretClipboard};
use serde::Serialize;

use crate::error::{CommandError, CommandResult, CLIPBOARD};

impl From<ClipboardError> for CommandError {
    fn from(error: ClipboardError) -> Self {
        CommandError::app(CLIPBOARD, psn_core::Remedy::RetryLater, error.to_string())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    pub clears_in_secs: u64,
    /// Set when the access token was handed out through a temporary failure of its refresh
    /// (`Fresh::warning`): what failed, and how long the copied token is still valid.
    pub warning: Option<String>,
}

/// Copies one of `account_id`'s tokens, marked secret, and clears it later.
pub async fn copy_token(
    accounts: &Accounts,
    clipboard: &SecretClipboard,
    account_id: &str,
    which: Which,
) -> CommandResult<Copied> {
    let fresh = accounts.to_hand_out(Some(account_id), which).await?;
    let clear_after = clipboard.copy_and_clear_later(fresh.set.expose(which))?;
    tracing::info!(account = %account_id, ?which, clears_in_secs = clear_after.as_secs(), "copied");
    Ok(Copied {
        clears_in_secs: clear_after.as_secs(),
        warning: fresh.warning(chrono::Utc::now()),
    })
}
