//! Copying a token for the window's Copy buttons: the value is read from the keychain and put
//! on the clipboard in Rust ([`psn_desktop::clipboard`]: marked secret, cleared later); the
//! webview never holds it.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};

use psn_desktop::clipboard::ClipboardError;

use crate::error::CommandResult;
use crate::error::{CommandError, CLIPBOARD};
use crate::state::AppState;

pub use psn_desktop::clipboard::SecretClipboard;

impl From<ClipboardError> for CommandError {
    fn from(error: ClipboardError) -> Self {
        CommandError::app(CLIPBOARD, psn_core::Remedy::RetryLater, error.to_string())
    }
}

/// Which token to copy (the value never reaches the page, or a log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    Access,
    Refresh,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    pub clears_in_secs: u64,
}

/// Copies one of `account_id`'s tokens, marked secret, and clears it later.
pub async fn copy_token<R: Runtime>(
    app: &AppHandle<R>,
    account_id: &str,
    which: Which,
) -> CommandResult<Copied> {
    let state = app.state::<AppState>();
    let (_, set) = state.accounts().await?.tokens(Some(account_id)).await?;
    let value = match which {
        Which::Access => set.access_token.expose(),
        Which::Refresh => set.refresh_token.expose(),
    };
    let generation = state.clipboard.copy_secret(value)?;
    let clear_after = state.clipboard.clear_after();
    tracing::info!(account = %account_id, ?which, clears_in_secs = clear_after.as_secs(), "copied");
    if !clear_after.is_zero() {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(clear_after).await;
            app.state::<AppState>()
                .clipboard
                .clear_if_unchanged(generation);
        });
    }
    Ok(Copied {
        clears_in_secs: clear_after.as_secs(),
    })
}
