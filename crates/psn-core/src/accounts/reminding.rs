//! Reminders through the account service: which are due (the rule is [`crate::reminders`]'s),
//! and remembering in `accounts.json` what was shown, so a restart does not repeat it.

use chrono::{DateTime, Utc};

use super::service::Accounts;
use crate::error::Result;
use crate::kinds::ErrorKind;
use crate::model::AccountSummary;
use crate::reminders::{self, Reminder};

impl Accounts {
    /// The expiry reminders due at `now` that were not sent yet.
    pub async fn reminders_due(&self, now: DateTime<Utc>) -> Result<Vec<Reminder>> {
        let data = self.read_settings().await?;
        let accounts = AccountSummary::all(&data.accounts, data.active.as_deref());
        Ok(reminders::due(&accounts, &data.reminded, now))
    }

    /// The reminder for a background refresh of `account_id` that failed with `kind`, unless
    /// only time fixes it or it was sent for this set already.
    pub async fn failure_reminder(
        &self,
        account_id: &str,
        kind: ErrorKind,
        now: DateTime<Utc>,
    ) -> Result<Option<Reminder>> {
        let data = self.read_settings().await?;
        let account = self.summary(account_id).await?;
        Ok(reminders::for_failure(&account, kind, &data.reminded, now))
    }

    /// Remembers that `reminder` was sent, and forgets records of sets that are gone.
    pub async fn mark_reminded(&self, reminder: &Reminder) -> Result<()> {
        let sent = reminder.sent();
        let _lock = self.write_lock().await?;
        self.storage(move |_, settings| {
            settings.update(|d| {
                let accounts = AccountSummary::all(&d.accounts, None);
                reminders::prune(&mut d.reminded, &accounts);
                if !d.reminded.contains(&sent) {
                    d.reminded.push(sent);
                }
            })
        })
        .await
    }

    /// True the first time it is called with `hint` on this computer (per namespace), false
    /// after: for notices a front end shows once.
    pub async fn first_time(&self, hint: &str) -> Result<bool> {
        let hint = hint.to_owned();
        let _lock = self.write_lock().await?;
        self.storage(move |_, settings| {
            settings.update(|d| {
                let first = !d.hints.contains(&hint);
                if first {
                    d.hints.push(hint);
                }
                first
            })
        })
        .await
    }
}
