//! Reads what users actually paste as an NPSSO.
//!
//! Sony's ssocookie page shows `{"npsso":"<64 characters>"}`. People copy the bare value, the
//! whole JSON line (or a pretty-printed copy of it), `npsso=…` from a cookie viewer, and often
//! stray quotes or whitespace with it. Everything else gets an [`NpssoError`] that names the
//! problem and the next step, and never repeats what was pasted: it may be a secret.

use crate::secret::Npsso;

/// Length of every NPSSO seen so far.
pub const NPSSO_LEN: usize = 64;

/// The most text a front end reads as a pasted NPSSO: more than any ssocookie page,
/// pretty-printed or not. Longer input cannot be an NPSSO; the front ends refuse or cut it
/// unread.
pub const MAX_INPUT: usize = 64 * 1024;

/// Why a pasted text is not an NPSSO. `Display` is the message for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NpssoError {
    #[error("Nothing was pasted. Copy the NPSSO from the ssocookie page and paste it here.")]
    Empty,
    #[error(
        "Found {found} characters, but an NPSSO has {NPSSO_LEN}. Copy the whole value between the \
         quotes after \"npsso\" (or the whole line)."
    )]
    WrongLength { found: usize },
    #[error(
        "Character {position} is {what}, but an NPSSO has only letters and digits. Copy the value \
         again, exactly as the ssocookie page shows it."
    )]
    InvalidCharacter { position: usize, what: &'static str },
    #[error(
        "That is the ssocookie page's error answer: this browser is not signed in to PlayStation. \
         Sign in on playstation.com first, then reload the ssocookie page (if it keeps failing, \
         try another browser)."
    )]
    SignedOut,
    #[error(
        "That is Sony's \"429 Too Many Requests\" page, not an NPSSO. Wait a minute, reload the \
         ssocookie page, and copy what it shows then."
    )]
    RateLimitedPage,
    #[error(
        "That looks like a web page, not an NPSSO. Open the ssocookie page while signed in and \
         copy the line it shows."
    )]
    HtmlPage,
    #[error(
        "That JSON has no \"npsso\" value. Copy the line the ssocookie page shows while you are \
         signed in: it looks like {{\"npsso\":\"…\"}}."
    )]
    JsonWithoutNpsso,
    #[error(
        "That looks like JSON, but it is cut off or broken. Copy the whole line the ssocookie page \
         shows, from {{ to }}."
    )]
    MalformedJson,
}

impl NpssoError {
    /// A stable machine-readable name, for the UI and for tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::WrongLength { .. } => "wrong_length",
            Self::InvalidCharacter { .. } => "invalid_character",
            Self::SignedOut => "signed_out",
            Self::RateLimitedPage => "rate_limited_page",
            Self::HtmlPage => "html_page",
            Self::JsonWithoutNpsso => "json_without_npsso",
            Self::MalformedJson => "malformed_json",
        }
    }
}

/// Parses pasted text into an [`Npsso`].
pub fn parse_npsso(input: &str) -> Result<Npsso, NpssoError> {
    let text = strip_wrapping(input);
    if text.is_empty() {
        return Err(NpssoError::Empty);
    }
    if looks_like_html(text) {
        return Err(if mentions_rate_limit(text) {
            NpssoError::RateLimitedPage
        } else {
            NpssoError::HtmlPage
        });
    }
    if text.starts_with('{') {
        return from_json(text);
    }
    // `"npsso":"…"` copied without the braces.
    let fragment = input.trim().trim_end_matches([',', ';']).trim_end();
    if fragment.starts_with("\"npsso\"") {
        return from_json(&format!("{{{fragment}}}"));
    }
    if let Some(value) = cookie_value(text) {
        return validate(strip_wrapping(value));
    }
    validate(text)
}

fn from_json(text: &str) -> Result<Npsso, NpssoError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| NpssoError::MalformedJson)?;
    let object = value.as_object().ok_or(NpssoError::JsonWithoutNpsso)?;
    if let Some(serde_json::Value::String(npsso)) = object.get("npsso") {
        return validate(npsso.trim());
    }
    if object.contains_key("error") || object.contains_key("error_code") {
        return Err(NpssoError::SignedOut);
    }
    Err(NpssoError::JsonWithoutNpsso)
}

/// `npsso=VALUE` (optionally inside a longer cookie string such as `a=b; npsso=VALUE; c=d`).
fn cookie_value(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("npsso=")? + "npsso=".len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c == ';' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

fn validate(value: &str) -> Result<Npsso, NpssoError> {
    if value.is_empty() {
        return Err(NpssoError::Empty);
    }
    if let Some((index, c)) = value
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
    {
        return Err(NpssoError::InvalidCharacter {
            position: index + 1,
            what: describe(c),
        });
    }
    let found = value.chars().count();
    if found != NPSSO_LEN {
        return Err(NpssoError::WrongLength { found });
    }
    Ok(Npsso::new(value))
}

/// Names the class of a character without showing it: the pasted text may be a secret.
fn describe(c: char) -> &'static str {
    match c {
        ' ' | '\u{a0}' => "a space",
        '\t' | '\n' | '\r' => "a line break or tab",
        c if c.is_control() => "a control character",
        c if c.is_whitespace() => "a space",
        c if !c.is_ascii() && c.is_alphanumeric() => "a non-English letter",
        c if !c.is_ascii() => "a non-ASCII symbol",
        '"' | '\'' | '`' => "a quote",
        _ => "a punctuation mark or symbol",
    }
}

/// Trims whitespace and any number of matching wrapping quotes, plus a trailing comma or
/// semicolon a copy from code or a cookie list tends to bring along.
fn strip_wrapping(input: &str) -> &str {
    let mut text = input.trim();
    loop {
        let before = text;
        text = text.trim_end_matches([',', ';']).trim();
        for quote in ['"', '\'', '`'] {
            if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
                text = text[1..text.len() - 1].trim();
            }
        }
        if text == before {
            return text;
        }
    }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with('<')
        || head.contains("<html")
        || head.contains("<!doctype")
        || head.contains("<body")
}

fn mentions_rate_limit(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("429") || lower.contains("too many requests")
}

#[cfg(test)]
mod tests;
