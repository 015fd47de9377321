//! Changing which accounts there are: switching the active one, signing out.

use super::service::Accounts;
use crate::error::Result;
use crate::model::AccountSummary;

impl Accounts {
    /// Makes `account` the active one.
    pub async fn set_active(&self, account: &str) -> Result<AccountSummary> {
        let id = self.resolve(Some(account)).await?;
        {
            let _lock = self.write_lock().await?;
            let key = id.clone();
            self.storage(move |_, settings| settings.update(|d| d.active = Some(key)))
                .await?;
        }
        self.summary(&id).await
    }

    /// Removes the account's tokens from this computer. Sony offers no way to revoke them, so
    /// copies elsewhere stay valid until they expire.
    pub async fn sign_out(&self, account: Option<&str>) -> Result<String> {
        let id = self.resolve(account).await?;
        let _lock = self.write_lock().await?;
        let key = id.clone();
        self.storage(move |vault, settings| {
            vault.delete(&key)?;
            settings.update(|d| d.remove(&key))
        })
        .await?;
        Ok(id)
    }
}
