//! Errors as the webview receives them: the library's `kind` and `remedy` (what the user must
//! do: the UI picks its next step from it), the library's message, and how long to wait when
//! Sony said so. Never a secret: messages come from `psn_core`, whose errors hold none.

use psn_core::Remedy;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    /// A [`psn_core::ErrorKind`] name, or one of the window's own ([`BUSY`], [`BROWSER`],
    /// [`CLIPBOARD`], [`FILES`], [`AUTOSTART`]).
    pub kind: &'static str,
    pub remedy: Remedy,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// A second sign-in while one runs.
pub const BUSY: &str = "busy";
/// The browser could not be opened.
pub const BROWSER: &str = "browser_unavailable";
/// The clipboard could not be used.
pub const CLIPBOARD: &str = "clipboard_unavailable";
/// A file the user asked for (the calendar reminder) could not be written.
pub const FILES: &str = "file_not_saved";
/// Start at login could not be turned on or off.
pub const AUTOSTART: &str = "autostart_unavailable";

impl CommandError {
    /// One of the window's own errors (not the library's).
    pub fn app(kind: &'static str, remedy: Remedy, message: impl Into<String>) -> Self {
        Self {
            kind,
            remedy,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// A second sign-in while one runs (the Sign in button, or the sign-in window).
    pub fn sign_in_running() -> Self {
        Self::app(BUSY, Remedy::RetryLater, "A sign-in is already running.")
    }
}

impl From<psn_core::Error> for CommandError {
    fn from(error: psn_core::Error) -> Self {
        Self {
            kind: error.kind().as_str(),
            remedy: error.remedy(),
            message: error.to_string(),
            retry_after_secs: error.retry_after().map(|d| d.as_secs().max(1)),
        }
    }
}

impl From<psn_core::VaultError> for CommandError {
    fn from(error: psn_core::VaultError) -> Self {
        psn_core::Error::from(error).into()
    }
}

impl From<psn_core::NpssoError> for CommandError {
    fn from(error: psn_core::NpssoError) -> Self {
        psn_core::Error::from(error).into()
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;
    use psn_core::ErrorKind;
    use serde_json::json;

    /// The whole JSON the webview gets, for every kind the library has.
    #[test]
    fn every_kind_reaches_the_page_as_kind_remedy_and_message() {
        for kind in ErrorKind::ALL {
            let error = psn_core::Error::example(*kind);
            let message = error.to_string();
            let mut expected = json!({
                "kind": kind.as_str(),
                "remedy": kind.remedy().as_str(),
                "message": message,
            });
            if *kind == ErrorKind::RateLimited {
                expected["retryAfterSecs"] = json!(90);
            }
            let sent = serde_json::to_value(CommandError::from(error)).unwrap();
            assert_eq!(sent, expected, "{kind}");
        }
    }

    #[test]
    fn exact_json_for_a_rate_limit_and_a_rejected_npsso() {
        let sent = serde_json::to_value(CommandError::from(psn_core::Error::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(120)),
        }))
        .unwrap();
        assert_eq!(
            sent,
            json!({
                "kind": "rate_limited",
                "remedy": "retry_later",
                "message": "Sony is limiting requests right now. Wait 2 minutes and try again; your stored tokens are untouched.",
                "retryAfterSecs": 120,
            })
        );
        let sent =
            serde_json::to_value(CommandError::from(psn_core::Error::NpssoRejected)).unwrap();
        assert_eq!(sent["kind"], "npsso_rejected");
        assert_eq!(sent["remedy"], "new_npsso");
        assert!(sent.get("retryAfterSecs").is_none());
    }
}
