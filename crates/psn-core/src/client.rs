//! The three exchanges of `docs/protocol.md` (authorize, token, refresh) and the two "who am I"
//! calls, over one `reqwest` client with rustls, timeouts and a User-Agent.
//!
//! Each request logs one event (`step`, HTTP `status`, `elapsed_ms`) at `info` for the sign-in
//! exchanges and `debug` for the rest; never a URL with a query, a header or a body.

use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;
use zeroize::Zeroizing;

use crate::endpoints::Endpoints;
use crate::error::{redact_excerpt, Error, NetworkFailure, Result};
use crate::log::elapsed_ms;
use crate::secret::{AccessToken, AuthorizationCode, Npsso};
use crate::tokens::{TokenResponse, TokenSet};

/// The PlayStation app's public OAuth client (see `docs/protocol.md`).
pub const CLIENT_ID: &str = "09515159-7237-4370-9b40-3806e67c0891";
/// `client_id:client_secret` of that public client, Base64, as the token endpoint wants it.
pub const CLIENT_BASIC_AUTH: &str =
    "Basic MDk1MTUxNTktNzIzNy00MzcwLTliNDAtMzgwNmU2N2MwODkxOnVjUGprYTV0bnRCMktxc1A=";
pub const REDIRECT_URI: &str = "com.scee.psxandroid.scecompcall://redirect";
pub const SCOPE: &str = "psn:mobile.v2.core psn:clientapp";

/// Timeouts and identity of the HTTP client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    /// Whole request, from connect to the last body byte.
    pub timeout: Duration,
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: format!("psn-auth/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// What the profile endpoint tells about the signed-in account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub online_id: Option<String>,
    /// The largest avatar's URL, if any.
    pub avatar_url: Option<String>,
}

/// An avatar picture as downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Avatar {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Larger avatars are refused: Sony's are a few KB to a few hundred.
pub const AVATAR_MAX_BYTES: usize = 1024 * 1024;
const AVATAR_TOO_LARGE: &str = "an avatar larger than 1 MB";

/// Talks to Sony (or a stand-in). Cheap to clone.
#[derive(Debug, Clone)]
pub struct PsnClient {
    http: reqwest::Client,
    endpoints: Endpoints,
}

impl PsnClient {
    pub fn new(endpoints: Endpoints) -> Result<Self> {
        Self::with_config(endpoints, ClientConfig::default())
    }

    pub fn with_config(endpoints: Endpoints, config: ClientConfig) -> Result<Self> {
        let mut builder = reqwest::Client::builder().no_proxy();
        for proxy in proxies_from_env()? {
            builder = builder.proxy(proxy);
        }
        let http = builder
            .use_rustls_tls()
            .https_only(false)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(config.user_agent)
            .build()
            .map_err(|e| Error::InvalidEndpoint(format!("HTTP client could not start: {e}")))?;
        Ok(Self { http, endpoints })
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// NPSSO to tokens: authorize, then trade the code.
    pub async fn sign_in(&self, npsso: &Npsso) -> Result<TokenSet> {
        let code = self.authorize(npsso).await?;
        self.exchange_code(&code).await
    }

    /// Endpoint 1: `GET /api/authz/v3/oauth/authorize` with the NPSSO cookie. The answer must be
    /// a redirect, which is not followed: the code is the `code` query parameter of its
    /// `Location`, whatever host or scheme that has.
    pub async fn authorize(&self, npsso: &Npsso) -> Result<AuthorizationCode> {
        let mut url = self.endpoints.authorize_url();
        url.query_pairs_mut()
            .append_pair("access_type", "offline")
            .append_pair("client_id", CLIENT_ID)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("response_type", "code")
            .append_pair("scope", SCOPE);
        let started = Instant::now();
        let response = self
            .http
            .get(url.clone())
            .header(COOKIE, format!("npsso={}", npsso.expose()))
            .send()
            .await
            .map_err(|e| network_error("authorize", e))?;
        let status = response.status();
        tracing::info!(
            step = "authorize",
            status = status.as_u16(),
            elapsed_ms = elapsed_ms(started),
            "exchange"
        );
        if status.is_redirection() {
            let Some(location) = response.headers().get(LOCATION) else {
                return Err(Error::MalformedResponse {
                    status: status.as_u16(),
                    reason: "a redirect without a Location header",
                    excerpt: "(no body expected)".into(),
                });
            };
            let location = location.to_str().map_err(|_| Error::MalformedResponse {
                status: status.as_u16(),
                reason: "a Location header that is not text",
                excerpt: "(binary)".into(),
            })?;
            return code_from_location(&url, location);
        }
        let headers = response.headers().clone();
        let body = read_text(response, "authorize").await?;
        if status == StatusCode::UNAUTHORIZED {
            return Err(Error::NpssoRejected);
        }
        Err(
            common_failure(status, &headers, &body).unwrap_or_else(|| Error::UnexpectedResponse {
                status: status.as_u16(),
                excerpt: redact_excerpt(&body),
            }),
        )
    }

    /// Endpoint 2: `POST /api/authz/v3/oauth/token` with `grant_type=authorization_code`.
    pub async fn exchange_code(&self, code: &AuthorizationCode) -> Result<TokenSet> {
        let form = [
            ("code", code.expose()),
            ("redirect_uri", REDIRECT_URI),
            ("grant_type", "authorization_code"),
            ("token_format", "jwt"),
        ];
        let response = self.post_token("token", &form, Error::CodeRejected).await?;
        TokenSet::from_response(response, Utc::now()).map_err(missing_field)
    }

    /// Endpoint 3: the same URL with `grant_type=refresh_token`. Returns the new set; the caller
    /// decides where it goes.
    pub async fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        let form = [
            ("refresh_token", current.refresh_token.expose()),
            ("grant_type", "refresh_token"),
            ("token_format", "jwt"),
            ("scope", SCOPE),
        ];
        let response = self
            .post_token("refresh", &form, Error::RefreshRejected)
            .await?;
        current
            .refreshed(response, Utc::now())
            .map_err(missing_field)
    }

    async fn post_token(
        &self,
        step: &'static str,
        form: &[(&str, &str)],
        rejected: Error,
    ) -> Result<TokenResponse> {
        let started = Instant::now();
        let response = self
            .http
            .post(self.endpoints.token_url())
            .header(AUTHORIZATION, CLIENT_BASIC_AUTH)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form_body(form))
            .send()
            .await
            .map_err(|e| network_error(step, e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = Zeroizing::new(read_text(response, step).await?);
        tracing::info!(
            step,
            status = status.as_u16(),
            elapsed_ms = elapsed_ms(started),
            "exchange"
        );
        if status.is_success() {
            if looks_like_html(&body) {
                return Err(Error::SonyUnavailable {
                    status: status.as_u16(),
                });
            }
            // A success answer holds tokens even when it does not parse: never quoted.
            return serde_json::from_str::<TokenResponse>(&body).map_err(|_| {
                Error::MalformedResponse {
                    status: status.as_u16(),
                    reason: "the body is not the expected JSON",
                    excerpt: "(omitted: it would contain tokens)".into(),
                }
            });
        }
        if let Some(e) = common_failure(status, &headers, &body) {
            return Err(e);
        }
        if matches!(
            status,
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            return Err(rejected);
        }
        Err(Error::UnexpectedResponse {
            status: status.as_u16(),
            excerpt: redact_excerpt(&body),
        })
    }

    /// `GET /api/v1/devices/accounts/me`: the numeric PSN account id.
    pub async fn account_id(&self, access: &AccessToken) -> Result<String> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Me {
            account_id: serde_json::Value,
        }
        let me: Me = self
            .get_json("account_id", self.endpoints.account_me_url(), access)
            .await?;
        match me.account_id {
            serde_json::Value::String(s) if !s.is_empty() => Ok(s),
            serde_json::Value::Number(n) => Ok(n.to_string()),
            _ => Err(Error::MalformedResponse {
                status: 200,
                reason: "no accountId",
                excerpt: "(omitted)".into(),
            }),
        }
    }

    /// `GET /api/userProfile/v1/internal/users/{accountId}/profiles`: online ID and avatar.
    pub async fn profile(&self, access: &AccessToken, account_id: &str) -> Result<Profile> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Avatar {
            size: Option<String>,
            url: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            online_id: Option<String>,
            #[serde(default)]
            avatars: Vec<Avatar>,
        }
        let body: Body = self
            .get_json("profile", self.endpoints.profile_url(account_id), access)
            .await?;
        let size_rank = |s: &Option<String>| match s.as_deref() {
            Some("xl") => 4,
            Some("l") => 3,
            Some("m") => 2,
            Some("s") => 1,
            _ => 0,
        };
        let avatar_url = body
            .avatars
            .into_iter()
            .filter(|a| a.url.is_some())
            .max_by_key(|a| size_rank(&a.size))
            .and_then(|a| a.url);
        Ok(Profile {
            online_id: body.online_id,
            avatar_url,
        })
    }

    /// Downloads an avatar from the URL the profile gave, so the window can show it without
    /// network access of its own. Only `https://` (or `http://` on loopback) images under
    /// [`AVATAR_MAX_BYTES`] are accepted.
    pub async fn avatar(&self, url: &str) -> Result<Avatar> {
        let url = crate::endpoints::parse_override("avatar URL", url)?;
        let started = Instant::now();
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| network_error("avatar", e))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !status.is_success() {
            return Err(Error::UnexpectedResponse {
                status: status.as_u16(),
                excerpt: "(avatar)".into(),
            });
        }
        if !content_type.starts_with("image/") {
            return Err(Error::MalformedResponse {
                status: status.as_u16(),
                reason: "the avatar is not an image",
                excerpt: redact_excerpt(&content_type),
            });
        }
        let bytes = read_capped(response, AVATAR_MAX_BYTES, AVATAR_TOO_LARGE, "avatar").await?;
        tracing::debug!(
            step = "avatar",
            status = status.as_u16(),
            bytes = bytes.len(),
            elapsed_ms = elapsed_ms(started),
            "download"
        );
        Ok(Avatar {
            content_type,
            bytes,
        })
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(
        &self,
        step: &'static str,
        url: Url,
        access: &AccessToken,
    ) -> Result<T> {
        let started = Instant::now();
        let response = self
            .http
            .get(url)
            .bearer_auth(access.expose())
            .send()
            .await
            .map_err(|e| network_error(step, e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_text(response, step).await?;
        tracing::debug!(
            step,
            status = status.as_u16(),
            elapsed_ms = elapsed_ms(started),
            "who am I"
        );
        if status.is_success() {
            return serde_json::from_str(&body).map_err(|_| Error::MalformedResponse {
                status: status.as_u16(),
                reason: "the body is not the expected JSON",
                excerpt: redact_excerpt(&body),
            });
        }
        Err(
            common_failure(status, &headers, &body).unwrap_or(Error::UnexpectedResponse {
                status: status.as_u16(),
                excerpt: redact_excerpt(&body),
            }),
        )
    }
}

/// The proxies the usual variables name (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, either case,
/// with `NO_PROXY`), each excluding loopback: a request to a stand-in on 127.0.0.1 carries the
/// NPSSO and tokens in clear, so it never goes through a proxy, whatever `NO_PROXY` says.
/// (reqwest's own environment proxies would send loopback `http://` through `HTTP_PROXY`.)
fn proxies_from_env() -> Result<Vec<reqwest::Proxy>> {
    let var = |name: &str| {
        std::env::var(name)
            .or_else(|_| std::env::var(name.to_ascii_lowercase()))
            .ok()
            .filter(|v| !v.trim().is_empty())
    };
    let mut no_proxy = var("NO_PROXY").unwrap_or_default();
    no_proxy.push_str(",localhost,127.0.0.0/8,::1");
    let bad = |name: &str| {
        let name = name.to_owned();
        move |e: reqwest::Error| Error::InvalidEndpoint(format!("{name} is not a proxy URL ({e})."))
    };
    let mut proxies = Vec::new();
    for name in ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"] {
        let Some(url) = var(name) else { continue };
        let proxy = match name {
            "HTTPS_PROXY" => reqwest::Proxy::https(url.as_str()),
            "HTTP_PROXY" => reqwest::Proxy::http(url.as_str()),
            _ => reqwest::Proxy::all(url.as_str()),
        }
        .map_err(bad(name))?;
        proxies.push(proxy.no_proxy(reqwest::NoProxy::from_string(&no_proxy)));
    }
    Ok(proxies)
}

/// Reads the authorization code out of a redirect target. Any Location without a `code` means
/// Sony did not accept the NPSSO (typically `error=login_required&error_code=4165`, sometimes
/// on a Sony sign-in web page rather than the app's custom scheme).
pub(crate) fn code_from_location(request_url: &Url, location: &str) -> Result<AuthorizationCode> {
    let target = Url::parse(location)
        .or_else(|_| request_url.join(location))
        .map_err(|_| Error::MalformedResponse {
            status: 302,
            reason: "a Location header that is not a URL",
            excerpt: redact_excerpt(location),
        })?;
    let code = target
        .query_pairs()
        .find(|(key, value)| key == "code" && !value.is_empty())
        .map(|(_, value)| AuthorizationCode::new(value.into_owned()));
    code.ok_or(Error::NpssoRejected)
}

/// Failures that mean the same on every endpoint: rate limits, outages, and an HTML page where
/// JSON belonged.
fn common_failure(status: StatusCode, headers: &HeaderMap, body: &str) -> Option<Error> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Some(Error::RateLimited {
            retry_after: retry_after(headers),
        });
    }
    if status.is_server_error() {
        return Some(Error::SonyUnavailable {
            status: status.as_u16(),
        });
    }
    if looks_like_html(body) && !status.is_success() && status != StatusCode::NOT_FOUND {
        return Some(Error::SonyUnavailable {
            status: status.as_u16(),
        });
    }
    None
}

/// The longest wait believed from `Retry-After`: a larger one is taken as this, so no
/// deadline computed from it can overflow.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// `Retry-After` as seconds or as an HTTP date, at most [`MAX_RETRY_AFTER`].
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (when.with_timezone(&Utc) - Utc::now()).to_std().ok()?
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

fn looks_like_html(body: &str) -> bool {
    let head: String = body.trim_start().chars().take(64).collect();
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with("<head")
}

/// The most read of any answer but an avatar: token and profile answers are a few KB.
pub const BODY_MAX_BYTES: usize = 256 * 1024;
const BODY_TOO_LARGE: &str = "an answer larger than 256 KB";

/// The body, read as it streams in and abandoned past `cap` bytes (or when `Content-Length`
/// already says so), so an endless answer cannot exhaust memory. `too_large` names the cap in
/// the error.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
    too_large: &'static str,
    step: &'static str,
) -> Result<Vec<u8>> {
    let status = response.status().as_u16();
    let too_large = || Error::MalformedResponse {
        status,
        reason: too_large,
        excerpt: "(not read)".into(),
    };
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| network_error(step, e))? {
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// [`read_capped`] at [`BODY_MAX_BYTES`], as text (invalid UTF-8 replaced).
async fn read_text(response: reqwest::Response, step: &'static str) -> Result<String> {
    let bytes = read_capped(response, BODY_MAX_BYTES, BODY_TOO_LARGE, step).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn missing_field(reason: &'static str) -> Error {
    Error::MalformedResponse {
        status: 200,
        reason,
        excerpt: "(omitted: it would contain tokens)".into(),
    }
}

/// `application/x-www-form-urlencoded` by hand, so no intermediate type holds the secrets.
fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Sorts a transport failure into something a user can act on, without its text: reqwest's
/// messages carry URLs, and hyper's carry whatever the peer said.
fn network_error(step: &'static str, error: reqwest::Error) -> Error {
    let failure = if error.is_timeout() {
        NetworkFailure::Timeout
    } else {
        classify_source(&error)
    };
    tracing::info!(step, ?failure, "request failed");
    Error::Network { failure }
}

fn classify_source(error: &(dyn std::error::Error + 'static)) -> NetworkFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut text = String::new();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return NetworkFailure::Refused,
                std::io::ErrorKind::TimedOut => return NetworkFailure::Timeout,
                // rustls reports handshake failures as invalid data on the connection.
                std::io::ErrorKind::InvalidData => return NetworkFailure::Tls,
                _ => {}
            }
        }
        // Display texts are terse; rustls names its failures only in Debug.
        text.push_str(&format!("{e} {e:?}").to_ascii_lowercase());
        text.push('\n');
        source = e.source();
    }
    if text.contains("dns error") || text.contains("failed to lookup address") {
        NetworkFailure::Dns
    } else if text.contains("certificate")
        || text.contains("tls")
        || text.contains("handshake")
        || text.contains("invalidmessage")
        || text.contains("alertreceived")
    {
        NetworkFailure::Tls
    } else if text.contains("refused") {
        NetworkFailure::Refused
    } else if text.contains("timed out") {
        NetworkFailure::Timeout
    } else {
        NetworkFailure::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let code =
            code_from_location(&base(), "https://elsewhere.example/cb?x=1&code=v3.zz").unwrap();
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
}

#[cfg(test)]
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

#[cfg(test)]
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
