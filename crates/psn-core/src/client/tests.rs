use super::http::{form_body, looks_like_html, retry_after, MAX_RETRY_AFTER};
use super::*;
use reqwest::header::{HeaderMap, RETRY_AFTER};

fn base() -> Url {
    Url::parse("https://ca.account.sony.com/api/authz/v3/oauth/authorize").unwrap()
}

#[test]
fn code_from_custom_scheme_location() {
    let code = code_from_location(
        &base(),
        "com.scee.psxandroid.scecompcall://redirect/?code=v3.AbC123&cid=1a2b",
    )
    .unwrap();
    assert_eq!(code.expose(), "v3.AbC123");
}

#[test]
fn code_from_https_location_and_relative_location() {
    let code = code_from_location(&base(), "https://elsewhere.example/cb?x=1&code=v3.zz").unwrap();
    assert_eq!(code.expose(), "v3.zz");
    let code = code_from_location(&base(), "/cb?code=v3.rel").unwrap();
    assert_eq!(code.expose(), "v3.rel");
}

#[test]
fn sign_in_page_with_4165_is_npsso_rejected() {
    let e = code_from_location(
        &base(),
        "https://my.account.sony.com/central/signin/?error=login_required&error_code=4165&error_description=Login+required",
    )
    .unwrap_err();
    assert_eq!(e.kind(), "npsso_rejected");
}

#[test]
fn location_without_code_is_npsso_rejected() {
    let e = code_from_location(&base(), "com.scee.psxandroid.scecompcall://redirect/?cid=1")
        .unwrap_err();
    assert_eq!(e.kind(), "npsso_rejected");
    let e = code_from_location(&base(), "com.scee.psxandroid.scecompcall://redirect/?code=")
        .unwrap_err();
    assert_eq!(e.kind(), "npsso_rejected");
}

#[test]
fn form_body_encodes_spaces_and_colons() {
    assert_eq!(
        form_body(&[("scope", SCOPE), ("redirect_uri", REDIRECT_URI)]),
        "scope=psn%3Amobile.v2.core+psn%3Aclientapp&redirect_uri=com.scee.psxandroid.scecompcall%3A%2F%2Fredirect"
    );
}

mod html {
    use super::*;

    #[test]
    fn an_html_page_is_recognised_even_with_a_multibyte_character_at_byte_64() {
        // Byte 64 falls inside an "é": a byte slice there is not a str.
        let page = format!("<html>a{}", "é".repeat(40));
        assert!(!page.is_char_boundary(64));
        assert!(looks_like_html(&page));
        assert!(!looks_like_html(&"é".repeat(40)));
    }
}

mod retry_after_properties {
    use super::*;
    use proptest::prelude::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(v) = reqwest::header::HeaderValue::from_str(value) {
            headers.insert(RETRY_AFTER, v);
        }
        headers
    }

    #[test]
    fn a_huge_retry_after_is_capped_at_a_day() {
        assert_eq!(retry_after(&with("120")), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after(&with("99999999999999999999")),
            None,
            "not a u64: ignored"
        );
        assert_eq!(
            retry_after(&with("18446744073709551615")),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            retry_after(&with("Fri, 31 Dec 9999 23:59:59 GMT")),
            Some(MAX_RETRY_AFTER)
        );
    }

    proptest! {
        /// Any `Location` Sony could send reads as a code or as a rejected NPSSO: never a panic.
        #[test]
        fn any_location_gives_a_code_or_an_error(location in "\\PC{0,200}") {
            let request = Url::parse("https://ca.account.sony.com/api/authz/v3/oauth/authorize").unwrap();
            let _ = code_from_location(&request, &location);
        }

        #[test]
        fn any_retry_after_header_gives_a_bounded_wait(value in ".{0,60}") {
            let wait = retry_after(&with(&value));
            prop_assert!(wait.is_none_or(|w| w <= MAX_RETRY_AFTER));
        }
    }
}
