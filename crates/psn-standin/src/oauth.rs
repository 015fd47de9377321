//! Sony's sign-in service: the sign-in and ssocookie pages a browser opens, and the authorize
//! and token endpoints (docs/protocol.md).
//!
//! The protocol constants below are copied from the protocol, not imported from `psn-core`, on
//! purpose: the stand-in checks the client independently, so a wrong constant in the client
//! fails a test instead of agreeing with itself.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::mint;
use crate::model::{decode_pairs, now, pair, Shared};
use crate::reply::json;

pub const CLIENT_ID: &str = "09515159-7237-4370-9b40-3806e67c0891";
pub const BASIC_AUTH: &str =
    "Basic MDk1MTUxNTktNzIzNy00MzcwLTliNDAtMzgwNmU2N2MwODkxOnVjUGprYTV0bnRCMktxc1A=";
pub const REDIRECT_URI: &str = "com.scee.psxandroid.scecompcall://redirect";
pub const SCOPE: &str = "psn:mobile.v2.core psn:clientapp";

type Pairs = Vec<(String, String)>;

pub(crate) async fn sign_in_page() -> Response {
    (
        [("content-type", "text/html; charset=utf-8")],
        "<!doctype html><html><head><title>Demo PlayStation sign-in</title></head>\
         <body style=\"font-family:sans-serif;max-width:36em;margin:3em auto\">\
         <h1>Demo: you are signed in</h1><p>This page stands in for playstation.com. \
         Go back to PSN Auth and open the NPSSO page.</p></body></html>",
    )
        .into_response()
}

/// What a signed-in browser sees: `{"npsso":"…"}`.
pub(crate) async fn ssocookie(State(shared): State<Arc<Shared>>) -> Response {
    let npsso = shared.inner.lock().unwrap().npsso.clone();
    json(StatusCode::OK, serde_json::json!({ "npsso": npsso }))
}

fn oauth_error(description: &str, code: u32) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        serde_json::json!({"error": "invalid_grant", "error_description": description, "error_code": code}),
    )
}

/// 302 to the app's redirect URI with a code for the known NPSSO; else 302 to a sign-in page
/// with `error_code=4165`, as Sony does.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Pairs>,
    headers: HeaderMap,
) -> Response {
    let expected = [
        ("access_type", "offline"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("response_type", "code"),
        ("scope", SCOPE),
    ];
    for (name, value) in expected {
        if pair(&query, name) != Some(value) {
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
    let cid = mint::cid();
    let location = match npsso {
        Some(n) if n == inner.npsso => {
            let code = inner.issue(mint::code());
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

/// Both grants of the token endpoint. A refresh keeps the refresh token's deadline; with
/// `rotate_refresh_token` it also hands out a new refresh token with that same deadline.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form = decode_pairs(&body);
    let f = |name: &str| pair(&form, name);
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("authorization") != Some(BASIC_AUTH) {
        return json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({"error": "invalid_client", "error_description": "Bad client credentials", "error_code": 4102}),
        );
    }
    let form_encoded =
        header("content-type").is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !form_encoded || f("token_format") != Some("jwt") {
        return json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": "invalid_request", "error_description": "bad request"}),
        );
    }
    let config = shared.config();
    let mut inner = shared.inner.lock().unwrap();
    let now = now();
    let (refresh_token, refresh_left) = if f("grant_type") == Some("refresh_token") {
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
        let owner = inner.owners.get(old).cloned().unwrap_or_default();
        inner.refreshes.push((now_ms(), owner.clone()));
        if config.rotate_refresh_token {
            let refresh = inner.issue(mint::jwt("refresh", config.token_len));
            inner.refresh.remove(old);
            inner.refresh.insert(refresh.clone(), deadline);
            inner.owners.insert(refresh.clone(), owner);
            (Some(refresh), deadline - now)
        } else {
            (None, deadline - now)
        }
    } else {
        if f("grant_type") != Some("authorization_code") {
            return oauth_error("Unsupported grant_type", 4100);
        }
        if f("redirect_uri") != Some(REDIRECT_URI) {
            return oauth_error("Invalid redirect_uri", 4104);
        }
        let Some(code) = f("code") else {
            return oauth_error("Missing code", 4117);
        };
        if inner.codes.remove(code).is_none() {
            return oauth_error("Invalid authorization code", 4117);
        }
        let refresh = inner.issue(mint::jwt("refresh", config.token_len));
        inner
            .refresh
            .insert(refresh.clone(), now + config.refresh_ttl_secs);
        inner
            .owners
            .insert(refresh.clone(), config.account_id.clone());
        (Some(refresh), config.refresh_ttl_secs)
    };
    let access = inner.issue(mint::jwt("access", config.token_len));
    inner
        .access
        .insert(access.clone(), now + config.access_ttl_secs);
    inner.last_access = Some(access.clone());
    if let Some(r) = &refresh_token {
        inner.last_refresh = Some(r.clone());
    }
    let id_token = inner.issue(mint::jwt("id", config.token_len / 2));
    let mut body = serde_json::json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": config.access_ttl_secs,
        "scope": SCOPE,
        "id_token": id_token,
    });
    if let Some(r) = refresh_token {
        body["refresh_token"] = r.into();
        body["refresh_token_expires_in"] = refresh_left.into();
    }
    json(StatusCode::OK, body)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
