//! HTTP plumbing under Sony's calls: proxies, reading capped bodies, telling failures apart
//! (Sony said no, the network failed, the body did not parse). Nothing here knows an endpoint.

use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;

use crate::error::{Error, NetworkFailure, Result};
use crate::log::elapsed_ms;
use crate::redact::redact_excerpt;
use crate::secret::AccessToken;

/// The proxies the usual variables name (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, either case,
/// with `NO_PROXY`), each excluding loopback: a request to a stand-in on 127.0.0.1 carries the
/// NPSSO and tokens in clear, so it never goes through a proxy, whatever `NO_PROXY` says.
/// (reqwest's own environment proxies would send loopback `http://` through `HTTP_PROXY`.)
pub(super) fn proxies_from_env() -> Result<Vec<reqwest::Proxy>> {
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

/// Failures that mean the same on every endpoint: rate limits, outages, and an HTML page where
/// JSON belonged.
pub(super) fn common_failure(status: StatusCode, headers: &HeaderMap, body: &str) -> Option<Error> {
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
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (when.with_timezone(&Utc) - Utc::now()).to_std().ok()?
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

pub(super) fn looks_like_html(body: &str) -> bool {
    let head: String = body.trim_start().chars().take(64).collect();
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with("<head")
}

/// The most read of any answer but an avatar: token and profile answers are a few KB.
pub const BODY_MAX_BYTES: usize = 256 * 1024;
pub(super) const BODY_TOO_LARGE: &str = "an answer larger than 256 KB";

/// The body, read as it streams in and abandoned past `cap` bytes (or when `Content-Length`
/// already says so), so an endless answer cannot exhaust memory. `too_large` names the cap in
/// the error.
pub(super) async fn read_capped(
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
pub(super) async fn read_text(response: reqwest::Response, step: &'static str) -> Result<String> {
    let bytes = read_capped(response, BODY_MAX_BYTES, BODY_TOO_LARGE, step).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub(super) fn missing_field(reason: &'static str) -> Error {
    Error::MalformedResponse {
        status: 200,
        reason,
        excerpt: "(omitted: it would contain tokens)".into(),
    }
}

/// `application/x-www-form-urlencoded` by hand, so no intermediate type holds the secrets.
pub(super) fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Sorts a transport failure into something a user can act on, without its text: reqwest's
/// messages carry URLs, and hyper's carry whatever the peer said.
pub(super) fn network_error(step: &'static str, error: reqwest::Error) -> Error {
    let failure = if error.is_timeout() {
        NetworkFailure::Timeout
    } else {
        classify_source(&error)
    };
    tracing::info!(step, ?failure, "request failed");
    Error::Network { failure }
}

pub(super) fn classify_source(error: &(dyn std::error::Error + 'static)) -> NetworkFailure {
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

/// A GET with a bearer token whose answer is JSON: the "who am I" calls.
pub(super) async fn get_json<T: for<'de> Deserialize<'de>>(
    http: &reqwest::Client,
    step: &'static str,
    url: Url,
    access: &AccessToken,
) -> Result<T> {
    let started = Instant::now();
    let response = http
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
