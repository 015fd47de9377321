//! PSN's data APIs the client asks "who am I": the account id, the profile, and the avatar
//! picture the profile points at.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::model::{now, Shared};
use crate::reply::json;

/// Data API errors: `{"error":{"code":N,"message":"…"}}`.
pub(crate) fn api_error(status: StatusCode, code: u32, message: &str) -> Response {
    json(
        status,
        serde_json::json!({"error": {"code": code, "message": message}}),
    )
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

pub(crate) async fn me(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !bearer_ok(&shared, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, 2241, "Invalid token");
    }
    let id = shared.config().account_id;
    json(StatusCode::OK, serde_json::json!({ "accountId": id }))
}

pub(crate) async fn profile(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !bearer_ok(&shared, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, 2241, "Invalid token");
    }
    let config = shared.config();
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
pub(crate) async fn avatar() -> Response {
    (
        [("content-type", "image/png")],
        include_bytes!("avatar.png").as_slice(),
    )
        .into_response()
}
