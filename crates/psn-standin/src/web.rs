//! Pages for the app's sign-in window (its `PSN_AUTH_SIGNIN_URL` in tests, and `--demo`): a
//! small sign-in form that, submitted, sets an HttpOnly `npsso` cookie on this host and goes
//! on to a "signed in" page, as Sony's sign-in leaves the cookie for `ca.account.sony.com`.
//! `/signin?auto=1` submits itself on load, for automated runs.
//!
//! `/ipc-probe` is a page that tries to reach the app's commands from remote content; it
//! reports what it found and what its calls did by loading `/ipc-probe/result?found=…`, which
//! the test reads from the recorded requests, and goes on to the sign-in form.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::model::Shared;

type Pairs = Vec<(String, String)>;

fn html(body: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in (stand-in)</title></head>\
             <body style=\"font-family:sans-serif;max-width:26em;margin:3em auto\">{body}</body></html>"
        ),
    )
        .into_response()
}

pub(crate) async fn sign_in_form(Query(query): Query<Pairs>) -> Response {
    let auto = query.iter().any(|(k, v)| k == "auto" && v == "1");
    let script = if auto {
        "<script>addEventListener('load', () => setTimeout(() => document.getElementById('submit').click(), 100))</script>"
    } else {
        ""
    };
    html(&format!(
        "<h1>Sign in</h1><p>This stands in for Sony's sign-in page.</p>\
         <form id=\"f\" method=\"post\" action=\"/signin\">\
         <p><label>Sign-in ID <input name=\"id\" autocomplete=\"username\"></label></p>\
         <p><label>Password <input name=\"password\" type=\"password\"></label></p>\
         <p><button type=\"submit\" id=\"submit\">Sign in</button></p></form>{script}"
    ))
}

/// Sets the `npsso` cookie (HttpOnly, this host) and redirects, as a successful sign-in does.
pub(crate) async fn sign_in_submit(State(shared): State<Arc<Shared>>) -> Response {
    let npsso = shared.inner.lock().unwrap().npsso.clone();
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                format!("npsso={npsso}; Path=/; HttpOnly; SameSite=Lax"),
            ),
            (header::LOCATION, "/signed-in".to_owned()),
        ],
    )
        .into_response()
}

pub(crate) async fn signed_in() -> Response {
    html("<h1>You are signed in</h1><p>PSN Auth takes it from here.</p>")
}

/// A page on an allowed origin that misbehaves, for the sign-in window's tests: it sets a
/// cookie named `npsso` from script (not HttpOnly) holding a valid NPSSO, frames a page outside
/// Sony's, and then sends the window elsewhere without any click. None of it may sign in or
/// reach the user's browser.
pub(crate) async fn hostile(State(shared): State<Arc<Shared>>) -> Response {
    let npsso = shared.inner.lock().unwrap().npsso.clone();
    html(&format!(
        "<h1>Hostile page</h1>\
         <iframe src=\"https://example.org/framed\"></iframe>\
         <script>\
           document.cookie = 'npsso={npsso}; path=/';\
           setTimeout(() => {{ location.href = 'https://example.com/pushed'; }}, 1500);\
         </script>"
    ))
}

pub(crate) async fn ipc_probe() -> Response {
    // `found`: which of Tauri's IPC entry points the page can see (`none` when it sees none);
    // `invoke`: what calling a command through the object did; `fetch`: what a hand-made
    // request to Tauri's IPC scheme did.
    html(
        "<h1>IPC probe</h1><script>\
         (async () => {\
           const found = [];\
           if (window.__TAURI_INTERNALS__) found.push('internals');\
           if (window.__TAURI__) found.push('global');\
           if (window.isTauri) found.push('isTauri');\
           if (window.ipc) found.push('ipc');\
           if (window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.ipc) found.push('handler');\
           let invoke = 'none';\
           if (window.__TAURI_INTERNALS__) {\
             try { await window.__TAURI_INTERNALS__.invoke('app_view'); invoke = 'reached'; }\
             catch (e) { invoke = 'refused'; }\
           }\
           let fetched;\
           try {\
             const r = await fetch('ipc://localhost/app_view', { method: 'POST', body: '{}',\
               headers: { 'Content-Type': 'application/json' } });\
             fetched = r.ok ? 'reached' : 'refused';\
           } catch (e) { fetched = 'failed'; }\
           const q = new URLSearchParams({ found: found.join('+') || 'none', invoke, fetch: fetched });\
           location.href = '/ipc-probe/result?' + q;\
         })();\
         </script>",
    )
}

/// Recorded by the preamble; then on to the sign-in form, as a user would find it.
pub(crate) async fn ipc_probe_result() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/signin")]).into_response()
}
