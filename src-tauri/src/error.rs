//! Errors as the webview receives them: a `kind` the UI branches on, the library's message for
//! the user, and how long to wait when Sony said so. Never a secret: messages come from
//! `psn_core`, whose errors hold none.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl CommandError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
            retry_after_secs: None,
        }
    }
}

impl From<psn_core::Error> for CommandError {
    fn from(error: psn_core::Error) -> Self {
        Self {
            kind: error.kind().to_owned(),
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
    use std::time::Duration;

    #[test]
    fn serializes_kind_message_and_wait() {
        let error: CommandError = psn_core::Error::RateLimited {
            retry_after: Some(Duration::from_secs(90)),
        }
        .into();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "rate_limited");
        assert_eq!(json["retryAfterSecs"], 90);
        assert!(json["message"].as_str().unwrap().contains("Wait"));
        let plain: CommandError = psn_core::Error::NpssoRejected.into();
        let json = serde_json::to_value(&plain).unwrap();
        assert_eq!(json["kind"], "npsso_rejected");
        assert!(json.get("retryAfterSecs").is_none());
    }
}
