//! Reads what users actually paste as an NPSSO.
//!
//! Sony's ssocookie page shows `{"npsso":"<64 characters>"}`. People copy the bare value, the
//! whole JSON line (or a pretty-printed copy of it), `npsso=…` from a cookie viewer, and often
//! stray quotes or whitespace with it. Everything else gets an [`NpssoError`] that names the
//! problem and the next step, and never repeats what was pasted: it may be a secret.

use crate::secret::Npsso;

/// Length of every NPSSO seen so far.
pub const NPSSO_LEN: usize = 64;

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
mod tests {
    use super::*;

    const GOOD: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzAB";

    fn ok(input: &str) {
        match parse_npsso(input) {
            Ok(npsso) => assert_eq!(npsso.expose(), GOOD, "input {input:?}"),
            Err(e) => panic!("{input:?} was rejected: {e}"),
        }
    }

    fn err(input: &str) -> NpssoError {
        let e = parse_npsso(input).expect_err(input);
        let message = e.to_string();
        // Only inputs long enough to be meaningful: "a" is inside almost any sentence.
        if input.trim().len() >= 8 {
            assert!(
                !message.contains(input.trim()),
                "message repeats input: {message}"
            );
        }
        e
    }

    #[test]
    fn one_character_short_or_long_is_the_wrong_length() {
        assert_eq!(
            err(&GOOD[..NPSSO_LEN - 1]),
            NpssoError::WrongLength { found: 63 }
        );
        assert_eq!(
            err(&format!("{GOOD}x")),
            NpssoError::WrongLength { found: 65 }
        );
    }

    #[test]
    fn accepts_bare_value() {
        ok(GOOD);
    }
    #[test]
    fn accepts_surrounding_whitespace_and_newlines() {
        ok(&format!("  \n\t{GOOD}\r\n  "));
    }
    #[test]
    fn accepts_double_quotes() {
        ok(&format!("\"{GOOD}\""));
    }
    #[test]
    fn accepts_single_quotes() {
        ok(&format!("'{GOOD}'"));
    }
    #[test]
    fn accepts_backticks() {
        ok(&format!("`{GOOD}`"));
    }
    #[test]
    fn accepts_nested_quotes_and_spaces() {
        ok(&format!(" ' \"{GOOD}\" ' "));
    }
    #[test]
    fn accepts_json_line() {
        ok(&format!("{{\"npsso\":\"{GOOD}\"}}"));
    }
    #[test]
    fn accepts_json_with_spaces() {
        ok(&format!("{{ \"npsso\" : \"{GOOD}\" }}"));
    }
    #[test]
    fn accepts_pretty_printed_json() {
        ok(&format!("{{\n  \"npsso\": \"{GOOD}\"\n}}\n"));
    }
    #[test]
    fn accepts_json_with_other_fields() {
        ok(&format!("{{\"npsso\":\"{GOOD}\",\"expires\":5184000}}"));
    }
    #[test]
    fn accepts_json_value_with_inner_spaces() {
        ok(&format!("{{\"npsso\":\" {GOOD} \"}}"));
    }
    #[test]
    fn accepts_json_wrapped_in_quotes() {
        ok(&format!("'{{\"npsso\":\"{GOOD}\"}}'"));
    }
    #[test]
    fn accepts_json_fragment_without_braces() {
        ok(&format!("\"npsso\":\"{GOOD}\""));
    }
    #[test]
    fn accepts_cookie_form() {
        ok(&format!("npsso={GOOD}"));
    }
    #[test]
    fn accepts_cookie_form_uppercase_name() {
        ok(&format!("NPSSO={GOOD}"));
    }
    #[test]
    fn accepts_cookie_form_with_semicolon() {
        ok(&format!("npsso={GOOD};"));
    }
    #[test]
    fn accepts_cookie_inside_cookie_list() {
        ok(&format!("foo=bar; npsso={GOOD}; baz=1"));
    }
    #[test]
    fn accepts_cookie_form_with_quoted_value() {
        ok(&format!("npsso=\"{GOOD}\""));
    }
    #[test]
    fn accepts_trailing_comma() {
        ok(&format!("\"{GOOD}\","));
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(err(""), NpssoError::Empty);
    }
    #[test]
    fn rejects_only_whitespace() {
        assert_eq!(err("  \n\t "), NpssoError::Empty);
    }
    #[test]
    fn rejects_only_quotes() {
        assert_eq!(err("\"\""), NpssoError::Empty);
    }
    #[test]
    fn rejects_empty_cookie_value() {
        assert_eq!(err("npsso="), NpssoError::Empty);
    }
    #[test]
    fn rejects_too_short_and_says_how_many() {
        let e = err(&GOOD[..63]);
        assert_eq!(e, NpssoError::WrongLength { found: 63 });
        let message = e.to_string();
        assert!(
            message.contains("63") && message.contains("64"),
            "{message}"
        );
    }
    #[test]
    fn rejects_too_long() {
        assert_eq!(
            err(&format!("{GOOD}x")),
            NpssoError::WrongLength { found: 65 }
        );
    }
    #[test]
    fn rejects_doubled_paste() {
        assert_eq!(
            err(&format!("{GOOD}{GOOD}")),
            NpssoError::WrongLength { found: 128 }
        );
    }
    #[test]
    fn rejects_wrong_length_inside_json() {
        assert_eq!(
            err(&format!("{{\"npsso\":\"{}\"}}", &GOOD[..40])),
            NpssoError::WrongLength { found: 40 }
        );
    }
    #[test]
    fn rejects_inner_space_and_says_where() {
        let input = format!("{} {}", &GOOD[..10], &GOOD[11..]);
        let e = err(&input);
        assert_eq!(
            e,
            NpssoError::InvalidCharacter {
                position: 11,
                what: "a space"
            }
        );
        assert!(e.to_string().contains("Character 11"));
    }
    #[test]
    fn rejects_dash() {
        let input = format!("{}-{}", &GOOD[..20], &GOOD[21..]);
        assert_eq!(
            err(&input),
            NpssoError::InvalidCharacter {
                position: 21,
                what: "a punctuation mark or symbol"
            }
        );
    }
    #[test]
    fn rejects_non_ascii_letter() {
        let input = format!("{}é{}", &GOOD[..5], &GOOD[6..]);
        assert_eq!(
            err(&input),
            NpssoError::InvalidCharacter {
                position: 6,
                what: "a non-English letter"
            }
        );
    }
    #[test]
    fn rejects_emoji() {
        let input = format!("{}🎮", &GOOD[..63]);
        assert!(matches!(
            err(&input),
            NpssoError::InvalidCharacter { position: 64, .. }
        ));
    }
    #[test]
    fn rejects_inner_newline() {
        let input = format!("{}\n{}", &GOOD[..32], &GOOD[32..]);
        assert_eq!(
            err(&input),
            NpssoError::InvalidCharacter {
                position: 33,
                what: "a line break or tab"
            }
        );
    }
    #[test]
    fn rejects_ssocookie_error_json() {
        let page = r#"{"error":"invalid_grant","error_description":"Invalid login","error_code":20,"docs":"https://auth.api.sonyentertainmentnetwork.com/docs/","parameters":[]}"#;
        let e = err(page);
        assert_eq!(e, NpssoError::SignedOut);
        assert!(e.to_string().contains("playstation.com"));
        assert!(e.to_string().contains("another browser"));
    }
    #[test]
    fn rejects_pretty_printed_error_json() {
        assert_eq!(
            err("{\n  \"error\": \"invalid_grant\",\n  \"error_code\": 20\n}"),
            NpssoError::SignedOut
        );
    }
    #[test]
    fn rejects_429_html_page() {
        let page = "<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>";
        let e = err(page);
        assert_eq!(e, NpssoError::RateLimitedPage);
        assert!(e.to_string().contains("Wait"));
    }
    #[test]
    fn rejects_429_page_with_doctype() {
        assert_eq!(
            err("<!DOCTYPE html>\n<html><body>Too Many Requests</body></html>"),
            NpssoError::RateLimitedPage
        );
    }
    #[test]
    fn rejects_other_html() {
        assert_eq!(
            err("<!doctype html><html><body>Sign in</body></html>"),
            NpssoError::HtmlPage
        );
    }
    #[test]
    fn rejects_json_without_npsso() {
        assert_eq!(err(r#"{"token":"abc"}"#), NpssoError::JsonWithoutNpsso);
    }
    #[test]
    fn rejects_json_with_non_string_npsso() {
        assert_eq!(err(r#"{"npsso":12345}"#), NpssoError::JsonWithoutNpsso);
    }
    #[test]
    fn rejects_json_null_npsso() {
        assert_eq!(err(r#"{"npsso":null}"#), NpssoError::JsonWithoutNpsso);
    }
    #[test]
    fn rejects_cut_off_json() {
        assert_eq!(
            err(&format!("{{\"npsso\":\"{GOOD}")),
            NpssoError::MalformedJson
        );
    }
    #[test]
    fn rejects_json_array() {
        assert_eq!(
            err(&format!("[\"{GOOD}\"]")),
            NpssoError::InvalidCharacter {
                position: 1,
                what: "a punctuation mark or symbol"
            }
        );
    }
    #[test]
    fn rejects_url() {
        assert!(matches!(
            err("https://ca.account.sony.com/api/v1/ssocookie"),
            NpssoError::InvalidCharacter { position: 6, .. }
        ));
    }
    #[test]
    fn rejects_access_token_pasted_by_mistake() {
        assert!(matches!(
            err("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"),
            NpssoError::InvalidCharacter { position: 37, .. }
        ));
    }

    /// The field under the input shows these names' messages; each is reached from a paste.
    #[test]
    fn every_rejection_is_reached_by_some_paste_and_keeps_its_name() {
        let bad_char = format!("{}!{}", &GOOD[..10], &GOOD[11..]);
        let cases = [
            ("   ", "empty"),
            ("abc", "wrong_length"),
            (bad_char.as_str(), "invalid_character"),
            (
                r#"{"error":"invalid_grant","error_description":"Invalid login","error_code":20}"#,
                "signed_out",
            ),
            (
                "<html><head><title>429 Too Many Requests</title></head></html>",
                "rate_limited_page",
            ),
            ("<html><body>Sign in</body></html>", "html_page"),
            (r#"{"something":"else"}"#, "json_without_npsso"),
            (r#"{"npsso": "#, "malformed_json"),
        ];
        for (input, kind) in cases {
            assert_eq!(err(input).kind(), kind, "{input}");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(input in any::<String>()) {
            let _ = parse_npsso(&input);
        }

        #[test]
        fn message_never_contains_input(input in "[A-Za-z0-9 {}\":=<>_.;'\\-]{12,120}") {
            if let Err(e) = parse_npsso(&input) {
                prop_assert!(!e.to_string().contains(input.trim()));
            }
        }

        #[test]
        fn message_never_contains_a_near_miss_value(value in "[A-Za-z0-9]{60,70}", wrap in 0usize..4) {
            let input = match wrap {
                0 => value.clone(),
                1 => format!("{{\"npsso\":\"{value}\"}}"),
                2 => format!("npsso={value}"),
                _ => format!("\"{value}\""),
            };
            match parse_npsso(&input) {
                Ok(npsso) => prop_assert_eq!(npsso.expose(), value.as_str()),
                Err(e) => prop_assert!(!e.to_string().contains(&value)),
            }
        }

        #[test]
        fn any_64_alphanumerics_in_json_are_accepted(value in "[A-Za-z0-9]{64}") {
            let parsed = parse_npsso(&format!("{{\"npsso\":\"{value}\"}}")).unwrap();
            prop_assert_eq!(parsed.expose(), value.as_str());
        }
    }
}
