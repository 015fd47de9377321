//! Keeps access tokens fresh while the window is open: shortly before an account's access token
//! expires, it is refreshed (through the same cross-process lock as the CLI, so a concurrent
//! `psn-auth token` never causes a second refresh). The window hears `accounts-changed` after a
//! refresh and `refresh-failed` when one fails; a rejected refresh token is not retried until the
//! account signs in again, a temporary failure after Sony's `Retry-After` or a minute.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;

/// Refresh this long before the access token expires.
pub const REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);
const TICK: Duration = Duration::from_secs(15);
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct RefreshFailed {
    account_id: String,
    kind: String,
    message: String,
}

pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        // Per account: skip until this time; `obtained_at` of the set that failed for good.
        let mut not_before: HashMap<String, DateTime<Utc>> = HashMap::new();
        let mut given_up: HashMap<String, DateTime<Utc>> = HashMap::new();
        loop {
            tokio::time::sleep(TICK).await;
            let state = app.state::<AppState>();
            let Ok(accounts) = state.accounts().await else {
                continue;
            };
            let Ok(list) = accounts.list().await else {
                continue;
            };
            let now = Utc::now();
            for account in list {
                let id = account.account_id.clone();
                if given_up.get(&id) == Some(&account.obtained_at)
                    || not_before.get(&id).is_some_and(|t| *t > now)
                    || account.refresh_expires_at <= now
                    || account.access_expires_at
                        - chrono::Duration::from_std(REFRESH_AHEAD).unwrap()
                        > now
                {
                    continue;
                }
                match accounts.fresh_tokens(Some(&id), REFRESH_AHEAD).await {
                    Ok(_) => {
                        not_before.remove(&id);
                        let _ = app.emit("accounts-changed", ());
                    }
                    Err(e) => {
                        if e.kind() == "refresh_rejected" {
                            given_up.insert(id.clone(), account.obtained_at);
                        } else {
                            let wait = e.retry_after().unwrap_or(RETRY_AFTER_FAILURE);
                            not_before.insert(
                                id.clone(),
                                now + chrono::Duration::from_std(wait).unwrap_or_default(),
                            );
                        }
                        let _ = app.emit(
                            "refresh-failed",
                            RefreshFailed {
                                account_id: id,
                                kind: e.kind().to_owned(),
                                message: e.to_string(),
                            },
                        );
                    }
                }
            }
        }
    });
}
