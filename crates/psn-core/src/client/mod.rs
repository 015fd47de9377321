//! The three exchanges of `docs/protocol.md` (authorize, token, refresh) and the two "who am I"
//! calls, over one `reqwest` client with rustls, timeouts and a User-Agent.
//!
//! Each request logs one event (`step`, HTTP `status`, `elapsed_ms`) at `info` for the sign-in
//! exchanges and `debug` for the rest; never a URL with a query, a header or a body.

use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;
use zeroize::Zeroizing;

mod http;
pub mod trust;

use http::{
    common_failure, form_body, get_json, looks_like_html, missing_field, network_error,
    proxies_from_env, read_capped, read_text,
};
pub use http::{BODY_MAX_BYTES, MAX_RETRY_AFTER};

use crate::endpoints::Endpoints;
use crate::error::{Error, Result};
use crate::log::elapsed_ms;
use crate::redact::redact_excerpt;
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
    /// Built at the first request: a `psn-auth token` whose stored token is valid makes none,
    /// and so never reads a certificate store or sets up TLS.
    http: std::sync::OnceLock<reqwest::Client>,
    /// The proxies from the environment, read (and checked) once, at construction.
    proxies: Vec<reqwest::Proxy>,
    config: ClientConfig,
    endpoints: Endpoints,
}

impl PsnClient {
    pub fn new(endpoints: Endpoints) -> Result<Self> {
        Self::with_config(endpoints, ClientConfig::default())
    }

    /// A client for `endpoints`. The proxy variables are checked now (a bad one is an error
    /// before anything else); the HTTP client itself, with its TLS roots, is built at the first
    /// request ([`http`](Self::http)).
    pub fn with_config(endpoints: Endpoints, config: ClientConfig) -> Result<Self> {
        Ok(Self {
            http: std::sync::OnceLock::new(),
            proxies: proxies_from_env()?,
            config,
            endpoints,
        })
    }

    /// Builds the HTTP client now rather than at the first request: a sign-in does it on a
    /// thread of its own while the keychain is checked (loading the OS's certificates is about
    /// a fifth of `psn-auth login`'s instructions). An error is left for that request to report.
    pub fn prepare(&self) {
        let _ = self.http();
    }

    /// The HTTP client, built once: proxies from the environment, the roots of
    /// [`trust`], no redirects followed, the timeouts and User-Agent of the config.
    fn http(&self) -> Result<&reqwest::Client> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let started = Instant::now();
        let mut builder = reqwest::Client::builder().no_proxy();
        for proxy in &self.proxies {
            builder = builder.proxy(proxy.clone());
        }
        let client = builder
            .use_preconfigured_tls(trust::client_config()?)
            .https_only(false)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.config.connect_timeout)
            .timeout(self.config.timeout)
            .user_agent(self.config.user_agent.clone())
            .build()
            .map_err(|e| Error::InvalidEndpoint(format!("HTTP client could not start: {e}")))?;
        tracing::debug!(elapsed_ms = elapsed_ms(started), "HTTP client ready");
        Ok(self.http.get_or_init(|| client))
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
            .http()?
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
            .http()?
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
        let me: Me = get_json(
            self.http()?,
            "account_id",
            self.endpoints.account_me_url(),
            access,
        )
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
        let body: Body = get_json(
            self.http()?,
            "profile",
            self.endpoints.profile_url(account_id),
            access,
        )
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
            .http()?
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

#[cfg(test)]
mod tests;
