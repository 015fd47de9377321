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
