//! A stand-in for Sony's sign-in and "who am I" endpoints, served on loopback.
//!
//! It behaves as `docs/protocol.md` describes (302 with a code for a known NPSSO, a redirect to
//! a sign-in page with `error_code=4165` for any other, single-use codes, JWT-shaped tokens with
//! lifetimes, refresh tokens whose deadline does not move), checks every parameter and header
//! the real service needs, records every request, remembers every secret it hands out, and can
//! be told to fail: the integration tests, the CLI tests, the app's end-to-end tests, the app's
//! `--demo` mode and the benchmarks all run against it.
//!
//! - [`model`]: configuration, faults, recorded requests, the stand-in's memory;
//! - `server`: routes and the preamble every request goes through (record, fault, latency);
//! - `oauth`: the sign-in pages and the authorize and token endpoints;
//! - `data_api`: the account id, profile and avatar;
//! - `mint`: NPSSOs, codes and JWT-shaped tokens.

mod data_api;
mod mint;
pub mod model;
mod oauth;
mod reply;
mod server;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;

pub use model::{Config, Endpoint, Fault, Recorded};
pub use oauth::{BASIC_AUTH, CLIENT_ID, REDIRECT_URI, SCOPE};

use model::Shared;

/// A running stand-in. Dropping it stops the server.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// `Some(d)`: stop listening (refusing every connection) for `d`, then listen again.
    refuse: tokio::sync::watch::Sender<Option<std::time::Duration>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl StandIn {
    /// Starts on a free loopback port with one valid NPSSO.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0", config).await
    }

    pub async fn start_on(bind: &str, config: Config) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::new(config));
        let app = server::router(shared.clone());
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let (refuse, mut refusing) = tokio::sync::watch::channel(None);
        tokio::spawn(async move {
            let mut listener = Some(listener);
            loop {
                let l = match listener.take() {
                    Some(l) => l,
                    None => loop {
                        // The port was ours a moment ago: take it back as soon as it is free.
                        match tokio::net::TcpListener::bind(addr).await {
                            Ok(l) => break l,
                            Err(_) => {
                                tokio::time::sleep(std::time::Duration::from_millis(50)).await
                            }
                        }
                    },
                };
                let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                let app = app.clone();
                let server = tokio::spawn(async move {
                    axum::serve(l, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await
                });
                let pause = tokio::select! {
                    _ = &mut rx => None,
                    Ok(()) = refusing.changed() => *refusing.borrow_and_update(),
                };
                let _ = stop.send(());
                let _ = server.await;
                let Some(pause) = pause else { break };
                tokio::time::sleep(pause).await;
            }
        });
        Ok(Self {
            addr,
            shared,
            refuse,
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
        self.shared.inner.lock().unwrap().npsso.clone()
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

    /// Stops listening for `pause`: every connection is refused (open ones are closed once
    /// their request is answered), as when Sony's servers cannot be reached.
    pub fn refuse_for(&self, pause: std::time::Duration) {
        let _ = self.refuse.send_replace(Some(pause));
    }

    /// Every refresh token issued to `account_id` expires now: that account's refreshes are
    /// rejected (4151), as after a password change.
    pub fn revoke_account(&self, account_id: &str) {
        let mut inner = self.shared.inner.lock().unwrap();
        let owned: Vec<String> = inner
            .owners
            .iter()
            .filter(|(_, owner)| *owner == account_id)
            .map(|(token, _)| token.clone())
            .collect();
        for token in owned {
            if let Some(deadline) = inner.refresh.get_mut(&token) {
                *deadline = 0;
            }
        }
    }

    /// Successful refreshes: when (Unix milliseconds) and for which account.
    pub fn refreshes(&self) -> Vec<(i64, String)> {
        self.shared.inner.lock().unwrap().refreshes.clone()
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

    /// The access token issued last.
    pub fn last_access_token(&self) -> Option<String> {
        self.shared.inner.lock().unwrap().last_access.clone()
    }

    pub fn last_refresh_token(&self) -> Option<String> {
        self.shared.inner.lock().unwrap().last_refresh.clone()
    }

    /// Every NPSSO, authorization code and token this stand-in handed out: what a log, an
    /// error message or a page must never show.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.inner.lock().unwrap().issued.clone()
    }
}
