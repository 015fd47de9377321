//! The rules of the app's sign-in window (Sony's page in a window of the app): where it may
//! go, which cookie it may sign in with, and what opens in the user's browser instead. The
//! window itself (`src-tauri/src/sign_in_window.rs`) only asks.
//!
//! - **Top level**: Sony's and PlayStation's hosts over https, and the origins of the overrides
//!   in force (a stand-in). Nothing else: not the challenge services, not a URL that does not
//!   parse.
//! - **Frames**: those, plus the challenge services Sony's sign-in page frames (hCaptcha,
//!   reCAPTCHA, Arkose).
//! - **Blocked** navigations and frames are shown as blocked and logged; they never open the
//!   browser. Only a link the user clicked (a new-window request, which WebKit makes from a user
//!   gesture only) opens the browser, and only for http(s).
//! - **The cookie**: only an HttpOnly `npsso` cookie of the auth host itself is read. A script on
//!   some other `*.sony.com` page can set a cookie named `npsso` for `.sony.com`; it cannot set
//!   an HttpOnly one, nor one for another host.

use url::Url;

use crate::endpoints::Endpoints;

/// Sony's and PlayStation's domains (with their subdomains), where the sign-in window may go.
const SONY_DOMAINS: [&str; 4] = [
    "sony.com",
    "playstation.com",
    "playstation.net",
    "sonyentertainmentnetwork.com",
];

/// Challenge services Sony's sign-in page may show in a frame (never at the top level).
const CHALLENGE_DOMAINS: [&str; 5] = [
    "hcaptcha.com",
    "recaptcha.net",
    "google.com",
    "gstatic.com",
    "arkoselabs.com",
];

/// Where a navigation happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The window's page itself.
    Top,
    /// A frame inside it (or a navigation the window cannot place, which gets the wider rule
    /// only if the page that follows is checked at the top level too).
    Frame,
}

fn under(host: &str, domains: &[&str]) -> bool {
    let host = host.to_ascii_lowercase();
    domains
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

impl Endpoints {
    /// Whether the sign-in window may show `url` at `place`. A raw URL that does not parse is
    /// refused ([`sign_in_window_allows_raw`](Self::sign_in_window_allows_raw)).
    pub fn sign_in_window_allows(&self, url: &Url, place: Place) -> bool {
        let same_origin = |base: &Url| base.origin() == url.origin();
        if same_origin(&self.auth_base)
            || self
                .sign_in_window_override
                .as_ref()
                .is_some_and(same_origin)
        {
            return true;
        }
        if url.as_str() == "about:blank" {
            return true;
        }
        let Some(host) = url.host_str().filter(|_| url.scheme() == "https") else {
            return false;
        };
        under(host, &SONY_DOMAINS) || (place == Place::Frame && under(host, &CHALLENGE_DOMAINS))
    }

    /// [`sign_in_window_allows`](Self::sign_in_window_allows) for a URL as the webview gave it:
    /// one that does not parse is refused.
    pub fn sign_in_window_allows_raw(&self, url: &str, place: Place) -> bool {
        Url::parse(url).is_ok_and(|url| self.sign_in_window_allows(&url, place))
    }

    /// Whether a blocked `url` may open in the user's browser: only when the user asked (a link
    /// clicked, `user_gesture`), and only for http(s).
    pub fn sign_in_window_opens_in_browser(&self, url: &Url, user_gesture: bool) -> bool {
        user_gesture && matches!(url.scheme(), "http" | "https")
    }

    /// Whether a cookie read at [`npsso_cookie_url`](Self::npsso_cookie_url) is the one Sony's
    /// sign-in sets: named `npsso`, HttpOnly, and for the auth host itself (a host-only cookie,
    /// or one whose domain is exactly that host).
    pub fn accepts_npsso_cookie(&self, name: &str, domain: Option<&str>, http_only: bool) -> bool {
        let host = self.auth_base.host_str().unwrap_or_default();
        let domain_ok = match domain {
            None => true,
            Some(domain) => domain.trim_start_matches('.').eq_ignore_ascii_case(host),
        };
        name == "npsso" && http_only && domain_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(e: &Endpoints, u: &str, place: Place) -> bool {
        e.sign_in_window_allows_raw(u, place)
    }

    #[test]
    fn the_sign_in_window_stays_on_sony_and_the_overrides() {
        let sony = Endpoints::sony();
        for place in [Place::Top, Place::Frame] {
            assert!(allows(
                &sony,
                "https://my.account.sony.com/sonyacct/signin/",
                place
            ));
            assert!(allows(&sony, "https://www.playstation.com/home", place));
            assert!(allows(
                &sony,
                "https://ca.account.sony.com/api/v1/ssocookie",
                place
            ));
            assert!(allows(&sony, "about:blank", place));
            assert!(
                !allows(&sony, "http://my.account.sony.com/", place),
                "https only"
            );
            assert!(!allows(&sony, "https://evilsony.com/", place));
            assert!(!allows(&sony, "https://sony.com.evil.test/", place));
            assert!(!allows(&sony, "https://example.com/", place));
            assert!(!allows(&sony, "http://127.0.0.1:9/", place));
            assert!(!allows(&sony, "about:srcdoc-but-not-blank", place));
            assert!(!allows(&sony, "data:text/html,<h1>hi</h1>", place));
            assert!(!allows(&sony, "javascript:alert(1)", place));
        }

        let standin = Endpoints::single("http://127.0.0.1:4000").unwrap();
        assert_eq!(
            standin.sign_in_window_page().as_str(),
            "http://127.0.0.1:4000/signin"
        );
        assert!(allows(
            &standin,
            "http://127.0.0.1:4000/signed-in",
            Place::Top
        ));
        assert!(!allows(&standin, "http://127.0.0.1:4001/", Place::Top));

        let replaced = Endpoints::sony()
            .with_sign_in_window_page(Some("http://127.0.0.1:5000/signin?auto=1"))
            .unwrap();
        assert_eq!(
            replaced.sign_in_window_page().as_str(),
            "http://127.0.0.1:5000/signin?auto=1"
        );
        assert!(allows(
            &replaced,
            "http://127.0.0.1:5000/signed-in",
            Place::Top
        ));
        assert_eq!(
            replaced.npsso_cookie_url().as_str(),
            "https://ca.account.sony.com/"
        );
        assert!(Endpoints::sony()
            .with_sign_in_window_page(Some("http://example.com/"))
            .is_err());
    }

    /// Audit 3: the challenge services are frames of Sony's page, never the page itself; a URL
    /// that does not parse goes nowhere.
    #[test]
    fn challenge_services_only_in_frames_and_unparsable_urls_nowhere() {
        let sony = Endpoints::sony();
        for url in [
            "https://www.google.com/recaptcha/api2/anchor",
            "https://www.google.com/",
            "https://newassets.hcaptcha.com/captcha/v1/",
            "https://client-api.arkoselabs.com/fc/",
        ] {
            assert!(allows(&sony, url, Place::Frame), "{url}");
            assert!(!allows(&sony, url, Place::Top), "{url}");
        }
        for raw in ["https://[::1", "http://", "not a url", ""] {
            assert!(!allows(&sony, raw, Place::Top), "{raw:?}");
            assert!(!allows(&sony, raw, Place::Frame), "{raw:?}");
        }
    }

    /// Audit 1: a blocked navigation opens the browser only from a click.
    #[test]
    fn only_a_click_opens_the_browser() {
        let sony = Endpoints::sony();
        let url = Url::parse("https://example.com/help").unwrap();
        assert!(sony.sign_in_window_opens_in_browser(&url, true));
        assert!(!sony.sign_in_window_opens_in_browser(&url, false));
        let file = Url::parse("file:///etc/passwd").unwrap();
        assert!(!sony.sign_in_window_opens_in_browser(&file, true));
    }

    /// Audit 2: only Sony's HttpOnly cookie of the auth host signs in.
    #[test]
    fn only_the_auth_hosts_http_only_npsso_cookie_is_accepted() {
        let sony = Endpoints::sony();
        assert!(sony.accepts_npsso_cookie("npsso", None, true));
        assert!(sony.accepts_npsso_cookie("npsso", Some("ca.account.sony.com"), true));
        assert!(sony.accepts_npsso_cookie("npsso", Some(".ca.account.sony.com"), true));
        assert!(
            !sony.accepts_npsso_cookie("npsso", None, false),
            "not HttpOnly"
        );
        assert!(
            !sony.accepts_npsso_cookie("npsso", Some(".sony.com"), true),
            "a parent domain"
        );
        assert!(!sony.accepts_npsso_cookie("npsso", Some("evil.sony.com"), true));
        assert!(!sony.accepts_npsso_cookie("NPSSO", None, true));
        let standin = Endpoints::single("http://127.0.0.1:4000").unwrap();
        assert!(standin.accepts_npsso_cookie("npsso", Some("127.0.0.1"), true));
        assert!(!standin.accepts_npsso_cookie("npsso", Some("127.0.0.1"), false));
    }

    /// Audit 5: a replaced sign-in page is an override like the others: named, and its
    /// accounts kept apart from Sony's.
    #[test]
    fn a_replaced_sign_in_page_is_an_override_with_its_own_namespace() {
        use crate::namespace::Namespace;
        let replaced = Endpoints::sony()
            .with_sign_in_window_page(Some("http://127.0.0.1:5000/signin"))
            .unwrap();
        assert_eq!(
            replaced.overrides,
            vec!["PSN_AUTH_SIGNIN_URL=http://127.0.0.1:5000/signin".to_owned()]
        );
        assert_ne!(Namespace::for_endpoints(&replaced), Namespace::Real);
    }
}
