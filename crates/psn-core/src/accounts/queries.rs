//! Reading accounts: the list, the dashboard's overview, one summary, the stored set, and which
//! account a name given by the user means.

use super::service::Accounts;
use super::settings::SettingsData;
use crate::error::{Error, Result};
use crate::model::{AccountSummary, ActiveAccount, Overview};
use crate::tokens::TokenSet;

impl Accounts {
    /// Every account on this computer, from the settings file alone (no keychain access).
    pub async fn list(&self) -> Result<Vec<AccountSummary>> {
        let data = self.read_settings().await?;
        Ok(AccountSummary::all(&data.accounts, data.active.as_deref()))
    }

    /// Every account, plus masked tokens of the active one (read from the keychain).
    pub async fn overview(&self) -> Result<Overview> {
        let data = self.read_settings().await?;
        let active_id = data.active.as_deref();
        let Some(meta) = active_id.and_then(|id| data.get(id)) else {
            return Ok(Overview::new(&data.accounts, active_id, None));
        };
        let set = self.load(&meta.account_id).await?;
        let active = ActiveAccount {
            account: AccountSummary::new(meta, active_id),
            access_masked: set.access_token.masked(),
            refresh_masked: set.refresh_token.masked(),
            access_due_at: self.policy.due_at(set.obtained_at, set.access_expires_at),
        };
        Ok(Overview::new(&data.accounts, active_id, Some(active)))
    }

    /// One account's summary.
    pub async fn summary(&self, account_id: &str) -> Result<AccountSummary> {
        let data = self.read_settings().await?;
        data.get(account_id)
            .map(|m| AccountSummary::new(m, data.active.as_deref()))
            .ok_or_else(|| Error::UnknownAccount(account_id.to_owned()))
    }

    /// The account id `query` names (an account id or an online ID, any case), or the active
    /// account when `query` is `None`.
    pub async fn resolve(&self, query: Option<&str>) -> Result<String> {
        let data = self.read_settings().await?;
        resolve_in(&data, query)
    }

    /// The stored set, as is.
    pub async fn tokens(&self, account: Option<&str>) -> Result<(String, TokenSet)> {
        let id = self.resolve(account).await?;
        let set = self.load(&id).await?;
        Ok((id, set))
    }
}

fn resolve_in(data: &SettingsData, query: Option<&str>) -> Result<String> {
    match query {
        None => data.active.clone().ok_or(Error::NoAccount),
        Some(q) => data
            .accounts
            .iter()
            .find(|a| a.account_id == q)
            .or_else(|| {
                data.accounts.iter().find(|a| {
                    a.online_id
                        .as_deref()
                        .is_some_and(|o| o.eq_ignore_ascii_case(q))
                })
            })
            .map(|a| a.account_id.clone())
            .ok_or_else(|| Error::UnknownAccount(q.to_owned())),
    }
}
