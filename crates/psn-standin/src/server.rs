//! The HTTP server: routes, and the one preamble every request goes through (record it, answer
//! a queued fault instead, else wait the configured latency) before its handler runs.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::model::{decode_pairs, Endpoint, Fault, Recorded, Shared};
use crate::{data_api, oauth, web};

/// Larger request bodies are refused: the token endpoint's form is a few KB.
const MAX_BODY: usize = 1024 * 1024;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(oauth::sign_in_page))
        .route("/api/v1/ssocookie", get(oauth::ssocookie))
        .route("/api/authz/v3/oauth/authorize", get(oauth::authorize))
        .route("/api/authz/v3/oauth/token", post(oauth::token))
        .route("/api/v1/devices/accounts/me", get(data_api::me))
        .route(
            "/api/userProfile/v1/internal/users/{id}/profiles",
            get(data_api::profile),
        )
        .route("/avatar.png", get(data_api::avatar))
        .route("/signin", get(web::sign_in_form).post(web::sign_in_submit))
        .route("/signed-in", get(web::signed_in))
        .route("/ipc-probe", get(web::ipc_probe))
        .route("/hostile", get(web::hostile))
        .route("/ipc-probe/result", get(web::ipc_probe_result))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), preamble))
        .with_state(shared)
}

async fn preamble(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let form = decode_pairs(&String::from_utf8_lossy(&bytes));
    let endpoint = Endpoint::of(parts.method.as_str(), parts.uri.path(), &form);
    let recorded = Recorded {
        endpoint,
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: decode_pairs(parts.uri.query().unwrap_or("")),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        form,
        at_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
    };
    if let Some(fault) = shared.record(recorded) {
        return answer_fault(fault).await;
    }
    if endpoint.is_some() {
        let latency = shared.config().latency;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
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

async fn not_found() -> Response {
    data_api::api_error(StatusCode::NOT_FOUND, 404, "Not found")
}
