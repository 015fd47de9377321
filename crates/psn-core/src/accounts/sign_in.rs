//! NPSSO to stored tokens: exchange, learn who signed in (best effort), save ahead of the
//! keychain write (see [`super::journal`]), make active.

use std::time::Instant;

use chrono::Utc;

use super::journal::crash_point;
use super::service::Accounts;
use crate::client::Profile;
use crate::error::{Error, Result};
use crate::log::elapsed_ms;
use crate::model::{
    is_unidentified, AccountMeta, AccountSummary, ActiveAccount, Overview, SignedIn, UNIDENTIFIED,
};
use crate::secret::Npsso;
use crate::tokens::TokenSet;
use crate::vault::VaultError;

impl Accounts {
    /// NPSSO to stored tokens: exchange, learn who signed in (best effort), save, make active.
    pub async fn sign_in(&self, npsso: &Npsso) -> Result<SignedIn> {
        let tokens = self.client.sign_in(npsso).await?;
        let account_id = match self.client.account_id(&tokens.access_token).await {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(kind = %e.kind(), "could not learn the account id");
                format!("{UNIDENTIFIED}{}", short_random())
            }
        };
        let profile = if is_unidentified(&account_id) {
            Default::default()
        } else {
            self.client
                .profile(&tokens.access_token, &account_id)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(kind = %e.kind(), "could not read the profile");
                    Default::default()
                })
        };
        // Accounts kept under a local id because who-am-I failed earlier: now that Sony
        // answers, learn who they are, so a second sign-in of the same person merges.
        let identified = if is_unidentified(&account_id) {
            Vec::new()
        } else {
            self.identify_pending().await
        };
        self.store_signed_in(tokens, account_id, profile, identified)
            .await
    }

    /// A set exported on another machine (see [`crate::transfer`]): checked with who-am-I
    /// (refreshed first when its access token has under the refresh rule's lead left), then
    /// stored under its account id and made active, as a sign-in would. A set this machine's
    /// endpoints do not know (revoked, or from an endpoint override elsewhere), or whose refresh
    /// token has run out, is refused and nothing is saved.
    pub async fn import(&self, tokens: TokenSet) -> Result<SignedIn> {
        let now = Utc::now();
        if tokens.refresh_expired(now) {
            return Err(Error::RefreshRejected);
        }
        let stale = tokens.access_expires_at - now < crate::time::to_chrono(self.policy.ahead);
        let tokens = if stale {
            tracing::info!("imported access token is stale: refreshing first");
            self.client.refresh(&tokens).await?
        } else {
            tokens
        };
        let account_id = match self.client.account_id(&tokens.access_token).await {
            Ok(id) => id,
            Err(Error::UnexpectedResponse { status, .. }) if (400..500).contains(&status) => {
                return Err(Error::InvalidTokenSet(format!(
                    "{} did not accept these tokens (HTTP {status}): they were revoked, or come \
                     from another server (an endpoint override on the machine they were \
                     exported from).",
                    self.client.endpoints().dms_base
                )))
            }
            Err(e) => return Err(e),
        };
        let profile = self
            .client
            .profile(&tokens.access_token, &account_id)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(kind = %e.kind(), "could not read the profile");
                Default::default()
            });
        tracing::info!(account = %account_id, "importing a token set");
        self.store_signed_in(tokens, account_id, profile, Vec::new())
            .await
    }

    /// Saves a set Sony just confirmed for `account_id`: merges `identified` accounts, writes
    /// the record ahead of the keychain (see [`super::journal`]), and makes it active.
    async fn store_signed_in(
        &self,
        tokens: TokenSet,
        account_id: String,
        profile: Profile,
        identified: Vec<(String, String, TokenSet)>,
    ) -> Result<SignedIn> {
        // A damaged accounts.json is set aside (and its accounts recovered) before this save.
        self.read_settings().await?;
        let _lock = self.write_lock().await?;
        let id = account_id.clone();
        let set = tokens.clone();
        let started = Instant::now();
        let data = self
            .storage(move |vault, settings| {
                for (local, real, pending) in &identified {
                    let known = *real == id || settings.read()?.get(real).is_some();
                    if !known {
                        vault.save(real, pending)?;
                    }
                    settings.update(|data| {
                        if let Some(mut meta) = data.get(local).cloned() {
                            if !known {
                                meta.account_id = real.clone();
                                data.upsert(meta);
                            }
                            data.remove(local);
                        }
                    })?;
                    vault.delete(local)?;
                    tracing::info!(local = %local, account = %real, merged = known, "identified an account");
                }
                let previous = settings.read()?.get(&id).cloned();
                let record = AccountMeta {
                    account_id: id.clone(),
                    online_id: profile
                        .online_id
                        .or(previous.as_ref().and_then(|p| p.online_id.clone())),
                    avatar_url: profile
                        .avatar_url
                        .or(previous.as_ref().and_then(|p| p.avatar_url.clone())),
                    added_at: set.obtained_at,
                    obtained_at: set.obtained_at,
                    access_expires_at: set.access_expires_at,
                    refresh_expires_at: set.refresh_expires_at,
                };
                if previous.is_none() {
                    let ahead = record.clone();
                    settings.update(|data| data.saving.push(ahead))?;
                    crash_point("sign-in-before-keychain");
                }
                if let Err(e) = vault.save(&id, &set) {
                    // A save that timed out may still land: then the record is adopted later.
                    if !matches!(e, VaultError::TimedOut { .. }) {
                        settings.update(|data| data.saving.retain(|r| r.account_id != id))?;
                    }
                    return Err(e.into());
                }
                crash_point("sign-in-after-keychain");
                settings.update(|data| {
                    data.saving.retain(|r| r.account_id != id);
                    data.upsert(record);
                    data.active = Some(id.clone());
                    data.clone()
                })
            })
            .await?;
        tracing::debug!(elapsed_ms = elapsed_ms(started), "sign-in saved");
        let account = AccountSummary::new(
            data.get(&account_id).expect("just upserted"),
            Some(&account_id),
        );
        let overview = Overview::new(
            &data.accounts,
            data.active.as_deref(),
            Some(ActiveAccount {
                account: account.clone(),
                access_masked: tokens.access_token.masked(),
                refresh_masked: tokens.refresh_token.masked(),
                access_due_at: self
                    .policy
                    .due_at(tokens.obtained_at, tokens.access_expires_at),
            }),
        );
        Ok(SignedIn { account, overview })
    }

    /// For each account kept under a local id: who it is, asked of Sony with its (refreshed if
    /// need be) access token. Best effort: what still cannot be learned stays as it is.
    async fn identify_pending(&self) -> Vec<(String, String, TokenSet)> {
        let Ok(data) = self.read_settings().await else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for meta in data
            .accounts
            .iter()
            .filter(|m| is_unidentified(&m.account_id))
        {
            let Ok(set) = self.load(&meta.account_id).await else {
                continue;
            };
            let set = if self.is_due(&set, Utc::now()) {
                match self.client.refresh(&set).await {
                    Ok(next) => next,
                    Err(_) => continue,
                }
            } else {
                set
            };
            if let Ok(real) = self.client.account_id(&set.access_token).await {
                found.push((meta.account_id.clone(), real, set));
            }
        }
        found
    }
}

fn short_random() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("OS random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
