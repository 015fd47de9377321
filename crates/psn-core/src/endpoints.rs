//! Where Sony lives, and the overrides that point the app and the CLI at a stand-in.
//!
//! `PSN_AUTH_BASE_URL` replaces `https://ca.account.sony.com`; `PSN_API_BASE_URL` replaces both
//! `https://dms.api.playstation.com` and `https://m.np.playstation.com` (paths unchanged). An
//! override must be `https://`, or `http://` on a loopback address, so a typo can never send an
//! NPSSO in clear text across a network.

use url::Url;

use crate::digest::hex_sha256;
use crate::error::{Error, Result};
use crate::namespace::Namespace;

/// Sony's auth host, as a literal for `concat!` (the one place it is written).
macro_rules! sony_auth_base {
    () => {
        "https://ca.account.sony.com"
    };
}

/// The ssocookie page's path under the auth host.
macro_rules! ssocookie_path {
    () => {
        "api/v1/ssocookie"
    };
}

pub const SONY_AUTH_BASE: &str = sony_auth_base!();
pub const SONY_DMS_BASE: &str = "https://dms.api.playstation.com";
pub const SONY_PROFILE_BASE: &str = "https://m.np.playstation.com";
pub const ENV_AUTH_BASE: &str = "PSN_AUTH_BASE_URL";
pub const ENV_API_BASE: &str = "PSN_API_BASE_URL";
/// Replaces the sign-in window's start page (tests, the demo); same rule as the other overrides.
pub const ENV_SIGNIN_URL: &str = "PSN_AUTH_SIGNIN_URL";

/// Sony's web pages the user opens in a browser during sign-in.
pub const SIGN_IN_PAGE: &str = "https://www.playstation.com/";
/// `/api/v1/ssocookie` on the auth host: the page that shows the signed-in browser's NPSSO.
pub const SSOCOOKIE_PAGE: &str = concat!(sony_auth_base!(), "/", ssocookie_path!());

/// Where the app's own sign-in window starts: Sony's web sign-in, which ends on
/// playstation.com with the `npsso` cookie set for the auth host (the URL Playnite's PSN
/// plugin opens; see docs/protocol.md).
pub const WINDOW_SIGN_IN_PAGE: &str = "https://web.np.playstation.com/api/session/v1/signin?\
    redirect_uri=https://io.playstation.com/central/auth/login%3FpostSignInURL=https://www.playstation.com/home\
    %26cancelURL=https://www.playstation.com/home&smcid=web:pdc";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Host of `/api/authz/v3/oauth/authorize` and `/api/authz/v3/oauth/token`.
    pub auth_base: Url,
    /// Host of `/api/v1/devices/accounts/me`.
    pub dms_base: Url,
    /// Host of `/api/userProfile/v1/internal/users/{id}/profiles`.
    pub profile_base: Url,
    /// The overrides in force, as `NAME=url`, for a banner or a warning.
    pub overrides: Vec<String>,
    /// `PSN_AUTH_SIGNIN_URL`: the sign-in window's start page, when replaced.
    pub sign_in_window_override: Option<Url>,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self::sony()
    }
}

impl Endpoints {
    /// The real Sony hosts.
    pub fn sony() -> Self {
        Self {
            auth_base: Url::parse(SONY_AUTH_BASE).expect("constant URL"),
            dms_base: Url::parse(SONY_DMS_BASE).expect("constant URL"),
            profile_base: Url::parse(SONY_PROFILE_BASE).expect("constant URL"),
            overrides: Vec::new(),
            sign_in_window_override: None,
        }
    }

    /// Every endpoint on one base URL, as a stand-in serves them. The base is validated like
    /// an override.
    pub fn single(base: &str) -> Result<Self> {
        let url = parse_override("base URL", base)?;
        Ok(Self {
            auth_base: url.clone(),
            dms_base: url.clone(),
            profile_base: url,
            overrides: Vec::new(),
            sign_in_window_override: None,
        })
    }

    /// Sony's hosts, with `PSN_AUTH_BASE_URL`, `PSN_API_BASE_URL` and `PSN_AUTH_SIGNIN_URL`
    /// applied when set.
    pub fn from_env() -> Result<Self> {
        Self::from_vars(
            std::env::var(ENV_AUTH_BASE).ok().as_deref(),
            std::env::var(ENV_API_BASE).ok().as_deref(),
        )?
        .with_sign_in_window_page(std::env::var(ENV_SIGNIN_URL).ok().as_deref())
    }

    /// Replaces the sign-in window's start page (`PSN_AUTH_SIGNIN_URL`). It is an override
    /// like the others: named in the banner and the warnings, and its accounts kept in a
    /// namespace of their own, since the page signed in on decides whose NPSSO is read.
    pub fn with_sign_in_window_page(mut self, url: Option<&str>) -> Result<Self> {
        if let Some(url) = url.filter(|s| !s.trim().is_empty()) {
            let url = parse_override(ENV_SIGNIN_URL, url)?;
            self.overrides.push(format!("{ENV_SIGNIN_URL}={url}"));
            self.sign_in_window_override = Some(url);
        }
        Ok(self)
    }

    /// [`from_env`](Self::from_env) with the values passed in, for tests.
    pub fn from_vars(auth: Option<&str>, api: Option<&str>) -> Result<Self> {
        let mut endpoints = Self::sony();
        if let Some(auth) = auth.filter(|s| !s.trim().is_empty()) {
            endpoints.auth_base = parse_override(ENV_AUTH_BASE, auth)?;
            endpoints
                .overrides
                .push(format!("{ENV_AUTH_BASE}={}", endpoints.auth_base));
        }
        if let Some(api) = api.filter(|s| !s.trim().is_empty()) {
            let url = parse_override(ENV_API_BASE, api)?;
            endpoints.dms_base = url.clone();
            endpoints.profile_base = url;
            endpoints
                .overrides
                .push(format!("{ENV_API_BASE}={}", endpoints.dms_base));
        }
        Ok(endpoints)
    }

    /// The page the user signs in on, in a browser: playstation.com, or the auth base itself
    /// when it is not Sony's (the demo's and the tests' stand-in serves one there).
    pub fn sign_in_page(&self) -> Url {
        if self.is_sony_auth() {
            Url::parse(SIGN_IN_PAGE).expect("constant URL")
        } else {
            self.auth_base.clone()
        }
    }

    /// Where the app's sign-in window starts: `PSN_AUTH_SIGNIN_URL`, else Sony's web sign-in,
    /// else (the auth base is a stand-in) the stand-in's `/signin` page.
    pub fn sign_in_window_page(&self) -> Url {
        if let Some(url) = &self.sign_in_window_override {
            url.clone()
        } else if self.is_sony_auth() {
            Url::parse(WINDOW_SIGN_IN_PAGE).expect("constant URL")
        } else {
            join(&self.auth_base, "signin")
        }
    }

    /// Where the sign-in window's `npsso` cookie is read: the auth base, whose
    /// `/api/v1/ssocookie` reads the same cookie.
    pub fn npsso_cookie_url(&self) -> Url {
        self.auth_base.clone()
    }

    /// The page that shows the NPSSO of the signed-in browser (`/api/v1/ssocookie` on the auth
    /// host, see docs/protocol.md).
    pub fn ssocookie_page(&self) -> Url {
        join(&self.auth_base, ssocookie_path!())
    }

    pub(crate) fn is_sony_auth(&self) -> bool {
        self.auth_base.as_str().trim_end_matches('/') == SONY_AUTH_BASE
    }

    pub(crate) fn authorize_url(&self) -> Url {
        join(&self.auth_base, "api/authz/v3/oauth/authorize")
    }

    pub(crate) fn token_url(&self) -> Url {
        join(&self.auth_base, "api/authz/v3/oauth/token")
    }

    pub(crate) fn account_me_url(&self) -> Url {
        join(&self.dms_base, "api/v1/devices/accounts/me")
    }

    pub(crate) fn profile_url(&self, account_id: &str) -> Url {
        let mut url = join(&self.profile_base, "api/userProfile/v1/internal/users/");
        url.path_segments_mut()
            .expect("http URL")
            .pop_if_empty()
            .push(account_id)
            .push("profiles");
        url
    }
}

impl Namespace {
    /// Sony's namespace, or the overrides' own when any is in force.
    pub fn for_endpoints(endpoints: &Endpoints) -> Self {
        if endpoints.overrides.is_empty() {
            return Self::Real;
        }
        let digest = hex_sha256(endpoints.overrides.join("\n").as_bytes());
        Self::Override {
            id: digest[..12].to_owned(),
        }
    }
}

/// Joins a path under a base that may or may not end in `/` (a base with a path prefix keeps it).
fn join(base: &Url, path: &str) -> Url {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    base.join(path).expect("relative path joins")
}

/// Parses a URL that may carry requests: `https://`, or `http://` on loopback only.
pub(crate) fn parse_override(name: &str, value: &str) -> Result<Url> {
    let url = Url::parse(value.trim())
        .map_err(|e| Error::InvalidEndpoint(format!("{name} is not a URL ({e}).")))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(Error::InvalidEndpoint(format!(
            "{name} uses http:// on a non-loopback host; only https://, or http:// on 127.0.0.1, \
             ::1 or localhost, is allowed."
        ))),
        _ => Err(Error::InvalidEndpoint(format!(
            "{name} must start with https:// (or http:// on loopback)."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_accept_https_and_loopback_http_only() {
        assert!(Endpoints::from_vars(Some("https://example.test"), None).is_ok());
        assert!(Endpoints::from_vars(Some("http://127.0.0.1:8080"), None).is_ok());
        assert!(Endpoints::from_vars(Some("http://[::1]:8080"), None).is_ok());
        assert!(Endpoints::from_vars(None, Some("http://localhost:9")).is_ok());
        for bad in [
            "http://example.test",
            "ftp://127.0.0.1",
            "127.0.0.1:80",
            "http://10.0.0.1",
        ] {
            let err = Endpoints::from_vars(Some(bad), None).unwrap_err();
            assert_eq!(err.kind(), "invalid_endpoint", "{bad}");
        }
    }

    #[test]
    fn api_override_replaces_both_api_hosts_and_keeps_paths() {
        let e = Endpoints::from_vars(None, Some("http://127.0.0.1:5000/prefix")).unwrap();
        assert_eq!(
            e.account_me_url().as_str(),
            "http://127.0.0.1:5000/prefix/api/v1/devices/accounts/me"
        );
        assert_eq!(
            e.profile_url("123").as_str(),
            "http://127.0.0.1:5000/prefix/api/userProfile/v1/internal/users/123/profiles"
        );
        assert_eq!(e.overrides.len(), 1);
        assert_eq!(
            e.token_url().as_str(),
            "https://ca.account.sony.com/api/authz/v3/oauth/token"
        );
    }

    #[test]
    fn pages_follow_the_auth_base() {
        let sony = Endpoints::sony();
        assert_eq!(sony.sign_in_page().as_str(), SIGN_IN_PAGE);
        assert_eq!(sony.ssocookie_page().as_str(), SSOCOOKIE_PAGE);
        let local = Endpoints::from_vars(Some("http://127.0.0.1:9/"), None).unwrap();
        assert_eq!(local.sign_in_page().as_str(), "http://127.0.0.1:9/");
        assert_eq!(
            local.ssocookie_page().as_str(),
            "http://127.0.0.1:9/api/v1/ssocookie"
        );
        let demo = Endpoints::single("http://127.0.0.1:7/prefix").unwrap();
        assert_eq!(
            demo.ssocookie_page().as_str(),
            "http://127.0.0.1:7/prefix/api/v1/ssocookie"
        );
        // An API override alone leaves the pages at Sony.
        let api = Endpoints::from_vars(None, Some("http://127.0.0.1:9/")).unwrap();
        assert_eq!(api.ssocookie_page().as_str(), SSOCOOKIE_PAGE);
    }

    #[test]
    fn sony_urls_are_exact() {
        let e = Endpoints::sony();
        assert_eq!(
            e.authorize_url().as_str(),
            "https://ca.account.sony.com/api/authz/v3/oauth/authorize"
        );
        assert_eq!(
            e.profile_url("42").as_str(),
            "https://m.np.playstation.com/api/userProfile/v1/internal/users/42/profiles"
        );
        assert!(e.overrides.is_empty());
    }
}
