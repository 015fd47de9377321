//! What a sign-in from the window needs beyond the library: one at a time (a second press does
//! nothing), the NPSSO Paste read from the clipboard (kept here, never in the page), and the
//! exchange shared by the wizard's Sign in and the sign-in window.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use psn_core::refresher::Refresher;
use psn_core::Npsso;

use crate::accounts::AppAccounts;
use crate::error::CommandResult;
use crate::view::{Screen, SignInView};

#[derive(Default)]
pub struct SignIn {
    running: AtomicBool,
    /// The NPSSO Paste read from the clipboard, kept for the next sign-in.
    pasted: Mutex<Option<Npsso>>,
}

impl SignIn {
    /// Keeps (or forgets, with `None`) the NPSSO Paste found.
    pub fn keep_pasted(&self, npsso: Option<Npsso>) {
        *self.pasted.lock().unwrap() = npsso;
    }

    /// The pasted NPSSO, still kept for a Retry; a successful sign-in, typed input or a new
    /// Paste replaces it.
    pub fn pasted(&self) -> Option<Npsso> {
        self.pasted.lock().unwrap().clone()
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    /// Marks a sign-in as running; `None` when one already is.
    pub fn begin(&self) -> Option<Running<'_>> {
        self.running
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| Running(&self.running))
    }
}

/// A sign-in under way; the next may start once it is dropped.
pub struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The exchange, storage and the next screen: shared by the `sign_in` command and the sign-in
/// window.
pub async fn exchange(
    accounts: &AppAccounts,
    refresher: &Refresher,
    npsso: &Npsso,
) -> CommandResult<SignInView> {
    let signed_in = accounts.get().await?.sign_in(npsso).await?;
    refresher.user_acted(&signed_in.account.account_id);
    Ok(SignInView {
        account: signed_in.account,
        screen: Screen::for_overview(signed_in.overview),
    })
}
