//! Copying a token, in Rust: the window's and the tray's Copy. The value never reaches a
//! webview or a log.
//!
//! The copy is marked secret where the platform allows (arboard's exclude-from-history: the
//! `x-kde-passwordManagerHint` on Linux, Windows' history/cloud exclusion, macOS's concealed
//! type), and cleared after a delay, or when the process quits, but only if the clipboard still
//! holds what was copied: something the user copied since is left alone. (On X11 the copying
//! process serves the clipboard, so it must live on while the copy should stay available.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

/// The clipboard could not be used (no desktop session, or it refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClipboardError;

impl std::fmt::Display for ClipboardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "The clipboard could not be used. Try again; on Linux, check that a desktop session \
             (X11 or Wayland) is running.",
        )
    }
}

impl std::error::Error for ClipboardError {}

#[cfg(target_os = "macos")]
use arboard::SetExtApple as _;
#[cfg(target_os = "linux")]
use arboard::SetExtLinux as _;
#[cfg(target_os = "windows")]
use arboard::SetExtWindows as _;

/// Default delay before a copied token is wiped from the clipboard.
pub const DEFAULT_CLEAR_AFTER: Duration = Duration::from_secs(30);
/// Environment variable that changes it (seconds; 0 keeps the copy until the app quits).
pub const ENV_CLEAR_AFTER: &str = "PSN_AUTH_CLIPBOARD_CLEAR_SECS";

/// The clipboard as PSN Auth uses it. Cheap to clone: clones share one clipboard.
#[derive(Clone)]
pub struct SecretClipboard {
    inner: Arc<Inner>,
}

struct Inner {
    /// Created on first use; on X11 it must live on so the copy stays available.
    clipboard: Mutex<Option<arboard::Clipboard>>,
    /// What we put there last, with a generation so a late clear spares a newer copy.
    last: Mutex<Option<(u64, Zeroizing<String>)>>,
    clear_after: Duration,
}

impl SecretClipboard {
    pub fn new(clear_after: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                clipboard: Mutex::new(None),
                last: Mutex::new(None),
                clear_after,
            }),
        }
    }

    /// Reads `PSN_AUTH_CLIPBOARD_CLEAR_SECS`, defaulting to 30 s.
    pub fn from_env() -> Self {
        let secs = std::env::var(ENV_CLEAR_AFTER)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok());
        Self::new(secs.map_or(DEFAULT_CLEAR_AFTER, Duration::from_secs))
    }

    pub fn clear_after(&self) -> Duration {
        self.inner.clear_after
    }

    /// Copy, the one way both processes do it: puts `value` on the clipboard marked secret, and
    /// clears it after [`clear_after`](Self::clear_after) unless something else was copied
    /// since. Needs a tokio runtime (the clear is a task on it). Returns the delay (zero: kept
    /// until the process quits).
    pub fn copy_and_clear_later(&self, value: &str) -> Result<Duration, ClipboardError> {
        let generation = self.copy_secret(value)?;
        let clear_after = self.clear_after();
        if !clear_after.is_zero() {
            let clipboard = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep(clear_after).await;
                clipboard.clear_if_unchanged(generation);
            });
        }
        Ok(clear_after)
    }

    fn with<T>(&self, f: impl FnOnce(&mut arboard::Clipboard) -> T) -> Result<T, ClipboardError> {
        let mut slot = self.inner.clipboard.lock().unwrap();
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(unavailable)?);
        }
        Ok(f(slot.as_mut().expect("just set")))
    }

    /// Puts a secret on the clipboard, marked secret. Returns the generation to clear later.
    fn copy_secret(&self, value: &str) -> Result<u64, ClipboardError> {
        self.with(|c| c.set().exclude_from_history().text(value.to_owned()))?
            .map_err(unavailable)?;
        let mut last = self.inner.last.lock().unwrap();
        let generation = last.as_ref().map_or(1, |(g, _)| g + 1);
        *last = Some((generation, Zeroizing::new(value.to_owned())));
        Ok(generation)
    }

    /// Clears the clipboard if it still holds copy `generation`.
    fn clear_if_unchanged(&self, generation: u64) {
        let mut last = self.inner.last.lock().unwrap();
        let Some((g, value)) = last.as_ref() else {
            return;
        };
        if *g != generation {
            return;
        }
        let still_there = self
            .with(|c| c.get_text().ok())
            .ok()
            .flatten()
            .is_some_and(|text| Zeroizing::new(text).as_str() == value.as_str());
        if still_there {
            let _ = self.with(|c| c.clear());
        }
        *last = None;
    }

    /// On quit: clears whatever we copied last, if it is still there.
    pub fn clear_on_exit(&self) {
        let generation = self.inner.last.lock().unwrap().as_ref().map(|(g, _)| *g);
        if let Some(g) = generation {
            self.clear_if_unchanged(g);
        }
    }

    /// Text on the clipboard, for the wizard's Paste button.
    pub fn read_text(&self) -> Result<String, ClipboardError> {
        self.with(|c| c.get_text())?.or_else(|e| match e {
            arboard::Error::ContentNotAvailable => Ok(String::new()),
            other => Err(unavailable(other)),
        })
    }
}

fn unavailable(error: arboard::Error) -> ClipboardError {
    tracing::warn!("clipboard: {error}");
    ClipboardError
}
