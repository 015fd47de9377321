//! What the stand-in knows and can be told: its configuration, the faults queued per endpoint,
//! every request it received, and every secret it handed out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::mint::{self, random_bytes};

/// Which endpoint a request or a fault belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Authorize,
    /// The token endpoint with `grant_type=authorization_code`.
    TokenCode,
    /// The token endpoint with `grant_type=refresh_token`.
    TokenRefresh,
    Me,
    Profile,
}

impl Endpoint {
    /// The endpoint a request is for, from its method, path and (token endpoint) form body.
    pub(crate) fn of(method: &str, path: &str, form: &[(String, String)]) -> Option<Self> {
        let grant = || {
            form.iter()
                .find(|(k, _)| k == "grant_type")
                .map(|(_, v)| v.as_str())
        };
        match (method, path) {
            ("GET", "/api/authz/v3/oauth/authorize") => Some(Self::Authorize),
            ("POST", "/api/authz/v3/oauth/token") if grant() == Some("refresh_token") => {
                Some(Self::TokenRefresh)
            }
            ("POST", "/api/authz/v3/oauth/token") => Some(Self::TokenCode),
            ("GET", "/api/v1/devices/accounts/me") => Some(Self::Me),
            ("GET", p)
                if p.starts_with("/api/userProfile/v1/internal/users/")
                    && p.ends_with("/profiles") =>
            {
                Some(Self::Profile)
            }
            _ => None,
        }
    }
}

/// One request as the stand-in received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub endpoint: Option<Endpoint>,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
    /// When it arrived (Unix milliseconds).
    pub at_ms: i64,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn query(&self, name: &str) -> Option<&str> {
        pair(&self.query, name)
    }
    pub fn form(&self, name: &str) -> Option<&str> {
        pair(&self.form, name)
    }
}

pub(crate) fn pair<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `a=b&c=d` (a query or a form body), decoded as browsers and reqwest encode it.
pub(crate) fn decode_pairs(text: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

/// A canned answer that replaces the normal behaviour of an endpoint.
#[derive(Debug, Clone)]
pub struct Fault {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Wait this long before answering (use a long one to test timeouts).
    pub delay: Option<Duration>,
    /// How many requests it answers; `None` is every request until cleared.
    pub times: Option<usize>,
}

impl Fault {
    pub fn status(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
            delay: None,
            times: None,
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }
    /// Sony's 503 outage page.
    pub fn outage() -> Self {
        Self::status(503, "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>")
            .header("content-type", "text/html")
    }
    /// 429 with `Retry-After`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::status(
            429,
            "<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>",
        )
        .header("content-type", "text/html")
        .header("retry-after", &retry_after_secs.to_string())
    }
}

/// Behaviour of a stand-in.
#[derive(Debug, Clone)]
pub struct Config {
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    /// Length of each generated token; real ones are about 1 KB and more.
    pub token_len: usize,
    /// Whether a refresh answer carries a new refresh token (its deadline never moves).
    pub rotate_refresh_token: bool,
    pub account_id: String,
    pub online_id: String,
    /// Artificial latency on every answer, to make the demo feel like a network.
    pub latency: Duration,
    /// Accept refresh tokens this instance never issued (with a fresh deadline), so the
    /// demo's stored tokens keep working after the app restarts with a new stand-in.
    pub accept_unknown_refresh_tokens: bool,
}

impl Default for Config {
    fn default() -> Self {
        let id = random_bytes::<6>();
        let account_id = (u64::from_le_bytes([id[0], id[1], id[2], id[3], id[4], id[5], 0, 0])
            % 9_000_000_000_000_000_000
            + 1_000_000_000_000_000_000)
            .to_string();
        Self {
            access_ttl_secs: 3599,
            refresh_ttl_secs: 5_183_999,
            token_len: 1200,
            rotate_refresh_token: false,
            account_id,
            online_id: "StandIn_Player".to_owned(),
            latency: Duration::ZERO,
            accept_unknown_refresh_tokens: false,
        }
    }
}

impl Config {
    /// The built-in demo: a fixed account, a little latency, and forgiving refreshes.
    pub fn demo() -> Self {
        Self {
            account_id: "4810185224187766110".to_owned(),
            online_id: "Demo_Player".to_owned(),
            latency: Duration::from_millis(400),
            accept_unknown_refresh_tokens: true,
            ..Self::default()
        }
    }
}

/// The stand-in's memory.
#[derive(Default)]
pub(crate) struct Inner {
    pub npsso: String,
    /// Codes issued and not yet used.
    pub codes: HashMap<String, ()>,
    /// Access tokens and refresh tokens with their deadlines (Unix seconds).
    pub access: HashMap<String, i64>,
    pub refresh: HashMap<String, i64>,
    pub faults: HashMap<Endpoint, VecDeque<Fault>>,
    pub recorded: Vec<Recorded>,
    pub last_access: Option<String>,
    pub last_refresh: Option<String>,
    /// Every NPSSO, code and token it ever handed out, for tests that look for leaks.
    pub issued: Vec<String>,
    /// Whose each refresh token is (the account signed in when it was issued).
    pub owners: HashMap<String, String>,
    /// Successful refreshes: when (Unix milliseconds), and for which account.
    pub refreshes: Vec<(i64, String)>,
}

impl Inner {
    /// Remembers a secret handed out, and returns it.
    pub fn issue(&mut self, secret: String) -> String {
        self.issued.push(secret.clone());
        secret
    }
}

/// What the handlers share.
pub(crate) struct Shared {
    pub config: Mutex<Config>,
    pub inner: Mutex<Inner>,
}

impl Shared {
    pub fn new(config: Config) -> Self {
        let mut inner = Inner::default();
        inner.npsso = inner.issue(mint::npsso());
        Self {
            config: Mutex::new(config),
            inner: Mutex::new(inner),
        }
    }

    pub fn config(&self) -> Config {
        self.config.lock().unwrap().clone()
    }

    /// Records a request, and takes the fault queued for its endpoint, if any.
    pub fn record(&self, request: Recorded) -> Option<Fault> {
        let endpoint = request.endpoint;
        let mut inner = self.inner.lock().unwrap();
        inner.recorded.push(request);
        let queue = inner.faults.get_mut(&endpoint?)?;
        let fault = queue.front_mut()?;
        let answer = fault.clone();
        if let Some(n) = fault.times.as_mut() {
            *n -= 1;
            if *n == 0 {
                queue.pop_front();
            }
        }
        Some(answer)
    }
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_like_browsers_encode() {
        assert_eq!(
            decode_pairs("a=b+c&d=%2F%3D&e=%+1&&f"),
            [
                ("a".into(), "b c".into()),
                ("d".into(), "/=".into()),
                ("e".into(), "% 1".into()),
                ("f".into(), String::new()),
            ]
        );
    }

    #[test]
    fn requests_are_sorted_by_endpoint() {
        let refresh = decode_pairs("grant_type=refresh_token");
        let code = decode_pairs("grant_type=authorization_code");
        let token = "/api/authz/v3/oauth/token";
        assert_eq!(
            Endpoint::of("POST", token, &refresh),
            Some(Endpoint::TokenRefresh)
        );
        assert_eq!(
            Endpoint::of("POST", token, &code),
            Some(Endpoint::TokenCode)
        );
        assert_eq!(
            Endpoint::of("GET", "/api/userProfile/v1/internal/users/42/profiles", &[]),
            Some(Endpoint::Profile)
        );
        assert_eq!(Endpoint::of("GET", "/api/v1/ssocookie", &[]), None);
        assert_eq!(Endpoint::of("GET", token, &[]), None);
    }
}
