//! Answers every route builds: JSON with its content type.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub(crate) fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}
