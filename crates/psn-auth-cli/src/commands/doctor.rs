//! `psn-auth doctor [--json]`: everything about this machine's setup that a bug report needs,
//! and nothing secret: versions, the namespace and overrides, whether the keychain or the file
//! vault answers, the accounts count, proxies (without credentials), whom TLS trusts (the extra
//! CA, the environment's stores it ignores), the log folder, and whether the watcher runs.

use psn_core::client::trust;
use psn_core::vault::location::Backend;
use psn_core::vault::Namespace;
use psn_core::{Endpoints, Settings, Vault};
use serde::Serialize;

use crate::context;
use crate::exit::{Exit, Failure};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    version: &'static str,
    os: String,
    namespace: String,
    overrides: Vec<String>,
    vault: String,
    vault_reachable: bool,
    /// Why the vault did not answer (its error's kind), if it did not.
    vault_error: Option<String>,
    accounts: Option<usize>,
    proxies: Vec<String>,
    trust: Option<trust::TrustReport>,
    trust_error: Option<String>,
    log_dir: Option<String>,
    watcher_running: bool,
}

pub fn run(json: bool) -> Result<Exit, Failure> {
    let endpoints = Endpoints::from_env()?;
    let namespace = Namespace::for_endpoints(&endpoints);
    let backend = Backend::from_env().map_err(psn_core::Error::from)?;
    let vault_name = match backend {
        Backend::Keychain => "the OS keychain",
        Backend::File => "the encrypted file vault",
    };
    // A lookup of an entry that never exists: it answers only if the store does.
    let probe = Vault::open_chosen(&namespace, false, context::ask_passphrase)
        .and_then(|vault| vault.load("psn-auth-doctor-probe").map(|_| ()));
    let (trust, trust_error) = match trust::roots() {
        Ok((_, report)) => (Some(report), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let report = Report {
        version: env!("CARGO_PKG_VERSION"),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        namespace: namespace.service(),
        overrides: endpoints.overrides.clone(),
        vault: vault_name.to_owned(),
        vault_reachable: probe.is_ok(),
        vault_error: probe.err().map(|e| e.kind().as_str().to_owned()),
        accounts: Settings::open(&namespace)
            .and_then(|s| s.read())
            .ok()
            .map(|d| d.accounts.len()),
        proxies: proxies(),
        trust,
        trust_error,
        log_dir: psn_core::log::log_dir().map(|d| d.display().to_string()),
        watcher_running: psn_core::watcher_lock::is_running(&namespace),
    };
    if json {
        crate::output::json(&report)?;
    } else {
        crate::output::stdout(&text(&report))?;
    }
    Ok(Exit::Ok)
}

/// The proxy variables set, each as `NAME=scheme://host:port` (credentials and paths left out).
fn proxies() -> Vec<String> {
    let mut out = Vec::new();
    for name in ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"] {
        for name in [name.to_owned(), name.to_ascii_lowercase()] {
            let Some(value) = std::env::var(&name).ok().filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            let shown = if name.eq_ignore_ascii_case("NO_PROXY") {
                value
            } else {
                match url::Url::parse(value.trim()) {
                    Ok(url) => format!(
                        "{}://{}{}",
                        url.scheme(),
                        url.host_str().unwrap_or(""),
                        url.port().map(|p| format!(":{p}")).unwrap_or_default()
                    ),
                    Err(_) => "(not a URL)".to_owned(),
                }
            };
            out.push(format!("{name}={shown}"));
        }
    }
    out
}

fn text(r: &Report) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut lines = vec![
        format!("psn-auth {} on {}", r.version, r.os),
        format!("namespace: {}", r.namespace),
        format!(
            "overrides: {}",
            if r.overrides.is_empty() {
                "none (Sony's servers)".to_owned()
            } else {
                r.overrides.join(", ")
            }
        ),
        match &r.vault_error {
            None => format!("vault: {} (answers)", r.vault),
            Some(kind) => format!("vault: {} (does not answer: {kind})", r.vault),
        },
        format!(
            "accounts: {}",
            r.accounts
                .map_or("accounts.json unreadable".to_owned(), |n| n.to_string())
        ),
        format!(
            "proxies: {}",
            if r.proxies.is_empty() {
                "none".to_owned()
            } else {
                r.proxies.join(", ")
            }
        ),
    ];
    match (&r.trust, &r.trust_error) {
        (Some(t), _) => {
            lines.push(format!(
                "TLS trusts: {} built-in roots, {} from the OS ({})",
                t.built_in, t.os_store, t.os_source
            ));
            lines.push(match &t.extra_ca {
                Some(path) => format!(
                    "extra CA: {path} ({} certificate{}) - whoever holds its key, such as a TLS \
                     proxy, can read sign-ins",
                    t.extra_ca_certs,
                    if t.extra_ca_certs == 1 { "" } else { "s" }
                ),
                None => format!("extra CA: none ({} is not set)", trust::ENV_EXTRA_CA),
            });
            if !t.ignored_env.is_empty() {
                lines.push(format!(
                    "ignored: {} (never trusted)",
                    t.ignored_env.join(", ")
                ));
            }
        }
        (None, Some(e)) => lines.push(format!("TLS: {e}")),
        (None, None) => {}
    }
    lines.push(format!(
        "log folder: {}",
        r.log_dir.as_deref().unwrap_or("none")
    ));
    lines.push(format!("watcher running: {}", yes_no(r.watcher_running)));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}
