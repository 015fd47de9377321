//! A stand-in for Sony's sign-in and "who am I" endpoints, served on loopback.
//!
//! It behaves like `PSN_PROTOCOL.md` describes (302 with a code for a known NPSSO, a redirect to
//! a sign-in page with `error_code=4165` for any other, single-use codes, JWT-shaped tokens with
//! lifetimes, refresh tokens whose deadline does not move), checks every parameter and header
//! the real service needs, records every request, and can be told to fail: the integration
//! tests, the CLI tests, the app's end-to-end tests, the app's `--demo` mode and the
//! benchmarks all run against it.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub const CLIENT_ID: &str = "09515159-7237-4370-9b40-3806e67c0891";
pub const BASIC_AUTH: &str =
    "Basic MDk1MTUxNTktNzIzNy00MzcwLTliNDAtMzgwNmU2N2MwODkxOnVjUGprYTV0bnRCMktxc1A=";
pub const REDIRECT_URI: &str = "com.scee.psxandroid.scecompcall://redirect";
pub const SCOPE: &str = "psn:mobile.v2.core psn:clientapp";

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

/// One request as the stand-in received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub endpoint: Option<Endpoint>,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn form(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
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
        let mut id = [0u8; 6];
        getrandom::fill(&mut id).expect("random");
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

#[derive(Default)]
struct Inner {
    npssos: Vec<String>,
    codes: HashMap<String, ()>,
    access: HashMap<String, i64>,
    refresh: HashMap<String, i64>,
    faults: HashMap<Endpoint, VecDeque<Fault>>,
    recorded: Vec<Recorded>,
    last_access: Option<String>,
    last_refresh: Option<String>,
}

struct Shared {
    config: Mutex<Config>,
    inner: Mutex<Inner>,
}

/// A running stand-in. Dropping it stops the server.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl StandIn {
    /// Starts on a free loopback port with one valid NPSSO.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0", config).await
    }

    pub async fn start_on(bind: &str, config: Config) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            config: Mutex::new(config),
            inner: Mutex::new(Inner::default()),
        });
        shared.inner.lock().unwrap().npssos.push(random_npsso());
        let app = Router::new()
            .route("/", get(sign_in_page))
            .route("/api/v1/ssocookie", get(ssocookie))
            .route("/avatar.png", get(avatar))
            .route("/api/authz/v3/oauth/authorize", get(authorize))
            .route("/api/authz/v3/oauth/token", post(token))
            .route("/api/v1/devices/accounts/me", get(me))
            .route(
                "/api/userProfile/v1/internal/users/{id}/profiles",
                get(profile),
            )
            .fallback(fallback)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            shared,
            _shutdown: tx,
        })
    }

    /// `http://127.0.0.1:PORT`, to use as every base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// An NPSSO the stand-in accepts.
    pub fn npsso(&self) -> String {
        self.shared.inner.lock().unwrap().npssos[0].clone()
    }

    pub fn account_id(&self) -> String {
        self.shared.config.lock().unwrap().account_id.clone()
    }

    pub fn online_id(&self) -> String {
        self.shared.config.lock().unwrap().online_id.clone()
    }

    /// Changes the configuration for answers from now on.
    pub fn configure(&self, change: impl FnOnce(&mut Config)) {
        change(&mut self.shared.config.lock().unwrap());
    }

    /// Makes `endpoint` answer with `fault` (queued after any earlier fault with a count).
    pub fn fail(&self, endpoint: Endpoint, fault: Fault) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.faults.entry(endpoint).or_default().push_back(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.inner.lock().unwrap().faults.clear();
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.inner.lock().unwrap().recorded.clone()
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.endpoint == Some(endpoint))
            .count()
    }

    /// Makes every issued refresh token expired, as after 60 days.
    pub fn expire_refresh_tokens(&self) {
        let mut inner = self.shared.inner.lock().unwrap();
        for deadline in inner.refresh.values_mut() {
            *deadline = 0;
        }
    }

    /// Forgets every NPSSO, as when the user signed out on the website.
    pub fn revoke_npssos(&self) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.npssos = vec![random_npsso()];
    }

    /// The access token issued last.
    pub fn last_access_token(&self) -> Option<String> {
        self.shared.inner.lock().unwrap().last_access.clone()
    }

    pub fn last_refresh_token(&self) -> Option<String> {
        self.shared.inner.lock().unwrap().last_refresh.clone()
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("random");
    bytes
}

fn random_npsso() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    random_bytes::<64>()
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// A JWT-shaped token (`header.payload.signature`) of about `len` characters, unique each time.
fn jwt(kind: &str, len: usize) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT","kid":"standin"}"#);
    let jti = URL_SAFE_NO_PAD.encode(random_bytes::<16>());
    let mut payload = format!(r#"{{"iss":"standin","typ":"{kind}","jti":"{jti}","pad":""#);
    let target = len.saturating_sub(header.len() + 2 + 86) * 3 / 4;
    while payload.len() + 2 < target {
        payload.push('x');
    }
    payload.push_str("\"}");
    let signature = URL_SAFE_NO_PAD.encode(random_bytes::<64>());
    format!(
        "{header}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes())
    )
}

/// Decodes `a=b&c=d` (a query or a form body).
fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn record(
    shared: &Shared,
    endpoint: Option<Endpoint>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    form: &str,
) -> Option<Fault> {
    let mut inner = shared.inner.lock().unwrap();
    inner.recorded.push(Recorded {
        endpoint,
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: parse_pairs(uri.query().unwrap_or("")),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        form: parse_pairs(form),
    });
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

async fn answer_fault(fault: Fault) -> Response {
    if let Some(delay) = fault.delay {
        tokio::time::sleep(delay).await;
    }
    let mut builder = Response::builder().status(fault.status);
    for (k, v) in &fault.headers {
        builder = builder.header(k, v);
    }
    builder
        .body(Body::from(fault.body))
        .expect("valid response")
}

async fn latency(shared: &Shared) {
    let latency = shared.config.lock().unwrap().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn oauth_error(description: &str, code: u32) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        serde_json::json!({"error": "invalid_grant", "error_description": description, "error_code": code}),
    )
}

async fn sign_in_page() -> Response {
    (
        [("content-type", "text/html; charset=utf-8")],
        "<!doctype html><html><head><title>Demo PlayStation sign-in</title></head>\
         <body style=\"font-family:sans-serif;max-width:36em;margin:3em auto\">\
         <h1>Demo: you are signed in</h1><p>This page stands in for playstation.com. \
         Go back to PSN Auth and open the NPSSO page.</p></body></html>",
    )
        .into_response()
}

async fn ssocookie(State(shared): State<Arc<Shared>>) -> Response {
    let npsso = shared.inner.lock().unwrap().npssos[0].clone();
    json(StatusCode::OK, serde_json::json!({ "npsso": npsso }))
}

async fn authorize(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(_): RawQuery,
) -> Response {
    if let Some(fault) = record(
        &shared,
        Some(Endpoint::Authorize),
        &method,
        &uri,
        &headers,
        "",
    ) {
        return answer_fault(fault).await;
    }
    latency(&shared).await;
    let query = parse_pairs(uri.query().unwrap_or(""));
    let q = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let expected = [
        ("access_type", "offline"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("response_type", "code"),
        ("scope", SCOPE),
    ];
    for (name, value) in expected {
        if q(name) != Some(value) {
            return json(
                StatusCode::BAD_REQUEST,
                serde_json::json!({"error": "invalid_request", "error_description": format!("bad {name}")}),
            );
        }
    }
    let npsso = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| {
            c.split(';')
                .filter_map(|p| p.trim().strip_prefix("npsso="))
                .next()
        })
        .map(str::to_owned);
    let mut inner = shared.inner.lock().unwrap();
    let cid = URL_SAFE_NO_PAD.encode(random_bytes::<9>());
    let location = match npsso {
        Some(n) if inner.npssos.contains(&n) => {
            let code = format!("v3.{}", URL_SAFE_NO_PAD.encode(random_bytes::<6>()));
            inner.codes.insert(code.clone(), ());
            format!("{REDIRECT_URI}/?code={code}&cid={cid}")
        }
        _ => format!(
            "https://my.account.sony.com/central/signin/?response_type=code&client_id={CLIENT_ID}\
             &error=login_required&error_code=4165&error_description=Login+required&no_captcha=false&cid={cid}"
        ),
    };
    Response::builder()
        .status(StatusCode::FOUND)
        .header("location", location)
        .body(Body::empty())
        .expect("valid response")
}

async fn token(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form = parse_pairs(&body);
    let f = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let endpoint = match f("grant_type") {
        Some("refresh_token") => Endpoint::TokenRefresh,
        _ => Endpoint::TokenCode,
    };
    if let Some(fault) = record(&shared, Some(endpoint), &method, &uri, &headers, &body) {
        return answer_fault(fault).await;
    }
    latency(&shared).await;
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(BASIC_AUTH) {
        return json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({"error": "invalid_client", "error_description": "Bad client credentials", "error_code": 4102}),
        );
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded")
        || f("token_format") != Some("jwt")
    {
        return json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": "invalid_request", "error_description": "bad request"}),
        );
    }
    let config = shared.config.lock().unwrap().clone();
    let mut inner = shared.inner.lock().unwrap();
    let now = now();
    let (refresh_token, refresh_left) = match endpoint {
        Endpoint::TokenCode => {
            if f("redirect_uri") != Some(REDIRECT_URI) {
                return oauth_error("Invalid redirect_uri", 4104);
            }
            let Some(code) = f("code") else {
                return oauth_error("Missing code", 4117);
            };
            if inner.codes.remove(code).is_none() {
                return oauth_error("Invalid authorization code", 4117);
            }
            let refresh = jwt("refresh", config.token_len);
            inner
                .refresh
                .insert(refresh.clone(), now + config.refresh_ttl_secs);
            (Some(refresh), config.refresh_ttl_secs)
        }
        _ => {
            if f("scope") != Some(SCOPE) {
                return oauth_error("Invalid scope", 4103);
            }
            let Some(old) = f("refresh_token") else {
                return oauth_error("Missing refresh token", 4150);
            };
            let deadline = match inner.refresh.get(old) {
                Some(&deadline) => deadline,
                None if config.accept_unknown_refresh_tokens && old.contains('.') => {
                    inner
                        .refresh
                        .insert(old.to_owned(), now + config.refresh_ttl_secs);
                    now + config.refresh_ttl_secs
                }
                None => return oauth_error("Invalid refresh token", 4150),
            };
            if deadline <= now {
                return oauth_error("Expired refresh token", 4151);
            }
            if config.rotate_refresh_token {
                let refresh = jwt("refresh", config.token_len);
                inner.refresh.remove(old);
                inner.refresh.insert(refresh.clone(), deadline);
                (Some(refresh), deadline - now)
            } else {
                (None, deadline - now)
            }
        }
    };
    let access = jwt("access", config.token_len);
    inner
        .access
        .insert(access.clone(), now + config.access_ttl_secs);
    inner.last_access = Some(access.clone());
    if let Some(r) = &refresh_token {
        inner.last_refresh = Some(r.clone());
    }
    let mut body = serde_json::json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": config.access_ttl_secs,
        "scope": SCOPE,
        "id_token": jwt("id", config.token_len / 2),
    });
    if let Some(r) = refresh_token {
        body["refresh_token"] = r.into();
        body["refresh_token_expires_in"] = refresh_left.into();
    }
    json(StatusCode::OK, body)
}

fn bearer_ok(shared: &Shared, headers: &HeaderMap) -> bool {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let inner = shared.inner.lock().unwrap();
    token
        .and_then(|t| inner.access.get(t))
        .is_some_and(|&deadline| deadline > now())
}

fn api_error(status: StatusCode, code: u32, message: &str) -> Response {
    json(
        status,
        serde_json::json!({"error": {"code": code, "message": message}}),
    )
}

async fn me(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(fault) = record(&shared, Some(Endpoint::Me), &method, &uri, &headers, "") {
        return answer_fault(fault).await;
    }
    latency(&shared).await;
    if !bearer_ok(&shared, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, 2241, "Invalid token");
    }
    let id = shared.config.lock().unwrap().account_id.clone();
    json(StatusCode::OK, serde_json::json!({ "accountId": id }))
}

async fn profile(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(fault) = record(
        &shared,
        Some(Endpoint::Profile),
        &method,
        &uri,
        &headers,
        "",
    ) {
        return answer_fault(fault).await;
    }
    latency(&shared).await;
    if !bearer_ok(&shared, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, 2241, "Invalid token");
    }
    let config = shared.config.lock().unwrap().clone();
    if id != config.account_id {
        return api_error(StatusCode::NOT_FOUND, 2105356, "User not found");
    }
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let avatar = format!("http://{host}/avatar.png");
    json(
        StatusCode::OK,
        serde_json::json!({
            "onlineId": config.online_id,
            "aboutMe": "",
            "avatars": [
                {"size": "s", "url": format!("{avatar}?size=s")},
                {"size": "xl", "url": format!("{avatar}?size=xl")}
            ],
            "languages": ["en-US"],
            "isPlus": false,
            "isOfficiallyVerified": false,
            "isMe": true
        }),
    )
}

/// A PNG avatar, as Sony's image CDN would serve.
async fn avatar() -> Response {
    (
        [("content-type", "image/png")],
        include_bytes!("avatar.png").as_slice(),
    )
        .into_response()
}

async fn fallback(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&shared, None, &method, &uri, &headers, "");
    api_error(StatusCode::NOT_FOUND, 404, "Not found")
}
