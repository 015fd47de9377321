//! Keeps access tokens fresh while the window is open: the background refresher both processes
//! run ([`psn_core::refresher`]), and what the page hears of it: [`ACCOUNTS_CHANGED`] after a
//! refresh and [`REFRESH_FAILED`] (the error as commands send it, plus whether the refresher
//! stopped) when one fails.

use psn_core::refresh::AfterFailure;
use psn_core::refresher::Refresher;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::accounts::AppAccounts;
use crate::error::CommandError;
use crate::ipc::{ACCOUNTS_CHANGED, REFRESH_FAILED};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshFailed {
    pub account_id: String,
    #[serde(flatten)]
    pub error: CommandError,
    /// True when nothing is tried again until the user acts.
    pub stopped: bool,
}

pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let refresher = app.state::<Refresher>();
        let accounts = app.state::<AppAccounts>();
        refresher
            .run(|| async {
                let accounts = accounts.get().await.ok()?;
                let pass = refresher.pass(&accounts).await.ok()?;
                if !pass.refreshed.is_empty() {
                    let _ = app.emit(ACCOUNTS_CHANGED, ());
                }
                for (account_id, error, after) in pass.failed {
                    let failed = RefreshFailed {
                        account_id,
                        error: error.into(),
                        stopped: after == AfterFailure::Stopped,
                    };
                    let _ = app.emit(REFRESH_FAILED, failed);
                }
                pass.next_wake
            })
            .await
    });
}
