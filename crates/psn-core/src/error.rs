//! Every failure a user can meet, as a typed error with a stable kind and a message that says
//! what to do next.
//!
//! Three families are kept apart, as oauth2-rs does: the server said no (`NpssoRejected`,
//! `CodeRejected`, `RefreshRejected`, `RateLimited`, `SonyUnavailable`, `UnexpectedResponse`),
//! the network failed (`Network`), and the body did not parse (`MalformedResponse`). No variant
//! ever holds a secret: response excerpts pass through [`redact_excerpt`] first.

use std::time::Duration;

use crate::npsso::NpssoError;
use crate::vault::VaultError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What failed underneath a [`Error::Network`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFailure {
    Dns,
    Refused,
    Timeout,
    Tls,
    Other,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidNpsso(#[from] NpssoError),

    #[error(
        "Sony did not accept this NPSSO: it has expired, was signed out, or was copied from \
         another session. Sign in on playstation.com again, open the ssocookie page, and copy \
         the new NPSSO."
    )]
    NpssoRejected,

    #[error(
        "Sony rejected the sign-in code it had just issued. This is usually a hiccup on Sony's \
         side: try signing in again with the same NPSSO; if it keeps happening, get a new NPSSO."
    )]
    CodeRejected,

    #[error(
        "The refresh token was rejected or has expired (they last about 60 days). A new NPSSO is \
         needed: sign in on playstation.com, copy the NPSSO again, and sign in here."
    )]
    RefreshRejected,

    #[error("{}", rate_limited_message(*retry_after))]
    RateLimited { retry_after: Option<Duration> },

    #[error(
        "Sony's sign-in service is not available right now (HTTP {status}). Your stored tokens \
         are untouched. Try again in a few minutes."
    )]
    SonyUnavailable { status: u16 },

    #[error("{}", network_message(*failure))]
    Network { failure: NetworkFailure },

    #[error(
        "Sony's answer could not be read ({reason}; HTTP {status}). Nothing was changed. Try \
         again; if it keeps happening, Sony may have changed its sign-in service. Answer began: \
         {excerpt}"
    )]
    MalformedResponse {
        status: u16,
        reason: &'static str,
        excerpt: String,
    },

    #[error(
        "Sony answered in an unexpected way (HTTP {status}). Nothing was changed. Try again \
         later. Answer began: {excerpt}"
    )]
    UnexpectedResponse { status: u16, excerpt: String },

    #[error(transparent)]
    Vault(#[from] VaultError),

    #[error("No account is signed in. Sign in with an NPSSO first (`psn-auth login` or the app).")]
    NoAccount,

    #[error("There is no account {0} on this computer. `psn-auth status` lists the accounts.")]
    UnknownAccount(String),

    #[error(
        "Another program has been refreshing the tokens for too long ({0} s). Try again; if it \
         keeps happening, close other PSN Auth windows and commands."
    )]
    LockTimeout(u64),

    #[error("Could not read or write PSN Auth's settings in {path}: {reason}")]
    Settings { path: String, reason: String },

    #[error("{0}")]
    InvalidEndpoint(String),
}

impl Error {
    /// A stable machine-readable name: the UI branches on it, tests assert it, the CLI maps it to
    /// an exit code.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidNpsso(_) => "invalid_npsso",
            Self::NpssoRejected => "npsso_rejected",
            Self::CodeRejected => "code_rejected",
            Self::RefreshRejected => "refresh_rejected",
            Self::RateLimited { .. } => "rate_limited",
            Self::SonyUnavailable { .. } => "sony_unavailable",
            Self::Network { .. } => "network",
            Self::MalformedResponse { .. } => "malformed_response",
            Self::UnexpectedResponse { .. } => "unexpected_response",
            Self::Vault(e) => e.kind(),
            Self::NoAccount => "no_account",
            Self::UnknownAccount(_) => "unknown_account",
            Self::LockTimeout(_) => "lock_timeout",
            Self::Settings { .. } => "settings",
            Self::InvalidEndpoint(_) => "invalid_endpoint",
        }
    }

    /// Seconds to wait before trying again, when Sony said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// True when the same request may well succeed later without the user changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::SonyUnavailable { .. }
                | Self::Network { .. }
                | Self::LockTimeout(_)
        )
    }
}

fn rate_limited_message(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!(
            "Sony is limiting requests right now. Wait {} and try again; your stored tokens are \
             untouched.",
            human_wait(wait)
        ),
        None => "Sony is limiting requests right now. Wait a few minutes and try again; your \
                 stored tokens are untouched."
            .to_owned(),
    }
}

fn network_message(failure: NetworkFailure) -> String {
    let what = match failure {
        NetworkFailure::Dns => "Sony's server name could not be looked up",
        NetworkFailure::Refused => "the connection to Sony was refused",
        NetworkFailure::Timeout => "Sony did not answer in time",
        NetworkFailure::Tls => "a secure connection to Sony could not be set up",
        NetworkFailure::Other => "the connection to Sony failed",
    };
    format!(
        "No connection: {what}. Check that this computer is online (and any proxy or firewall), \
         then try again. Your stored tokens are untouched."
    )
}

/// "45 seconds", "2 minutes", "1 hour".
pub fn human_wait(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    let (n, unit) = if secs < 90 {
        (secs, "second")
    } else if secs < 90 * 60 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs.div_ceil(3600), "hour")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A short, single-line excerpt of a response body with anything token-like replaced by
/// `[redacted]`: any run of 20 or more characters that could belong to a JWT, a code or an
/// NPSSO. Error messages may show it; it can never carry a secret.
pub fn redact_excerpt(body: &str) -> String {
    const LIMIT: usize = 160;
    let mut out = String::new();
    let mut run = String::new();
    let token_char = |c: char| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c);
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 20 {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in body.chars() {
        if token_char(c) {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !c.is_control() {
            out.push(c);
        }
        if out.chars().count() > LIMIT * 2 {
            break;
        }
    }
    flush(&mut run, &mut out);
    let out = out.trim();
    if out.is_empty() {
        return "(empty)".to_owned();
    }
    if out.chars().count() > LIMIT {
        format!("{}…", out.chars().take(LIMIT).collect::<String>())
    } else {
        out.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_redacts_token_like_runs() {
        let body =
            r#"{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-xyz","x":1}"#;
        let excerpt = redact_excerpt(body);
        assert_eq!(excerpt, r#"{"access_token":"[redacted]","x":1}"#);
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let body = "<html>\n<body>\n".to_owned() + &"word ".repeat(200);
        let excerpt = redact_excerpt(&body);
        assert!(!excerpt.contains('\n'));
        assert!(excerpt.chars().count() <= 161);
        assert!(excerpt.ends_with('…'));
    }

    #[test]
    fn rate_limit_message_names_the_wait() {
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(120)),
        };
        assert!(e.to_string().contains("Wait 2 minutes"), "{e}");
        assert_eq!(e.kind(), "rate_limited");
    }

    #[test]
    fn human_wait_rounds_up() {
        assert_eq!(human_wait(Duration::from_secs(1)), "1 second");
        assert_eq!(human_wait(Duration::from_secs(30)), "30 seconds");
        assert_eq!(human_wait(Duration::from_secs(91)), "2 minutes");
        assert_eq!(human_wait(Duration::from_secs(3600 * 3)), "3 hours");
    }
}
