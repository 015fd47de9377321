//! Avatars as `data:` URLs (the page may not load remote images), downloaded in Rust once per
//! run and kept by account id.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use psn_core::Accounts;

#[derive(Default)]
pub struct Avatars {
    by_account: Mutex<HashMap<String, String>>,
}

impl Avatars {
    /// The account's avatar. Best effort: without one the window shows the label's first letter.
    pub async fn get(&self, accounts: &Accounts, account_id: &str) -> Option<String> {
        if let Some(hit) = self.by_account.lock().unwrap().get(account_id) {
            return Some(hit.clone());
        }
        let url = accounts.summary(account_id).await.ok()?.avatar_url?;
        let image = match accounts.client().avatar(&url).await {
            Ok(image) => image,
            Err(e) => {
                tracing::info!(kind = %e.kind(), "avatar not shown");
                return None;
            }
        };
        let data_url = format!(
            "data:{};base64,{}",
            image.content_type,
            base64::engine::general_purpose::STANDARD.encode(&image.bytes)
        );
        self.by_account
            .lock()
            .unwrap()
            .insert(account_id.to_owned(), data_url.clone());
        Some(data_url)
    }
}
