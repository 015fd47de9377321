//! Whom PSN Auth trusts with the NPSSO and every token: the certificate authorities of its TLS
//! connections, decided here and nowhere else.
//!
//! - Mozilla's roots, built in (`webpki-roots`), and the operating system's own store: on Linux
//!   the distribution's bundle file, read from its fixed path; elsewhere the platform store.
//! - **Never a store the environment swaps in.** `SSL_CERT_FILE` / `SSL_CERT_DIR` *replace* the
//!   OS store for most programs, so one line in `~/.profile` (with `HTTPS_PROXY`) would let a local
//!   proxy read every sign-in, silently. PSN Auth ignores them.
//! - An extra authority (a corporate TLS proxy) only through [`ENV_EXTRA_CA`], named in a
//!   warning by every front end ([`extra_ca`]) and in `psn-auth doctor`.
//!
//! Proxies (`HTTPS_PROXY`, …) are still honoured: through a proxy, TLS still ends at Sony.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::error::{Error, Result};

/// The one way to trust one more certificate authority: a PEM file's path.
pub const ENV_EXTRA_CA: &str = "PSN_AUTH_EXTRA_CA";

/// Where Linux distributions keep the system's bundle (the first that exists is read).
const LINUX_BUNDLES: [&str; 5] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// `PSN_AUTH_EXTRA_CA`'s path when set (not empty).
pub fn extra_ca() -> Option<PathBuf> {
    std::env::var_os(ENV_EXTRA_CA)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// What every front end says while `PSN_AUTH_EXTRA_CA` is set (CLI warning, window banner,
/// watcher log), like the endpoint overrides.
pub fn extra_ca_warning() -> Option<String> {
    extra_ca().map(|path| {
        format!(
            "trusting the extra certificate authority in {ENV_EXTRA_CA}={} (whoever holds its key, \
             such as a TLS proxy, can read sign-ins and tokens)",
            path.display()
        )
    })
}

/// What the roots are made of, for `psn-auth doctor`.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustReport {
    pub built_in: usize,
    pub os_store: usize,
    /// Where the OS's certificates came from.
    pub os_source: String,
    pub extra_ca: Option<String>,
    pub extra_ca_certs: usize,
    /// `SSL_CERT_FILE` / `SSL_CERT_DIR` when set: ignored, and said so.
    pub ignored_env: Vec<String>,
}

/// The roots every connection trusts, and what they are made of.
pub fn roots() -> Result<(RootCertStore, TrustReport)> {
    let mut store = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let built_in = store.len();
    let (os_certs, os_source) = os_store();
    let (os_store, _) = store.add_parsable_certificates(os_certs);
    let ignored_env = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .filter(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
        .map(|name| (*name).to_owned())
        .collect();
    let (extra, extra_ca_certs) = match extra_ca() {
        Some(path) => {
            let certs = read_pem(&path)?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(Error::InvalidEndpoint(format!(
                    "{ENV_EXTRA_CA}={} holds no certificate PSN Auth can use (a PEM file of CA \
                     certificates is expected).",
                    path.display()
                )));
            }
            (Some(path.display().to_string()), added)
        }
        None => (None, 0),
    };
    let report = TrustReport {
        built_in,
        os_store,
        os_source,
        extra_ca: extra,
        extra_ca_certs,
        ignored_env,
    };
    Ok((store, report))
}

/// The TLS configuration of the HTTP client: [`roots`] only.
pub fn client_config() -> Result<rustls::ClientConfig> {
    let (store, report) = roots()?;
    if !report.ignored_env.is_empty() {
        tracing::info!(ignored = ?report.ignored_env, "certificate stores from the environment are not trusted");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(store).with_no_client_auth())
        .map_err(|e| Error::InvalidEndpoint(format!("TLS could not be set up: {e}")))
}

fn read_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::InvalidEndpoint(format!(
            "{ENV_EXTRA_CA}={} cannot be read: {e}",
            path.display()
        ))
    };
    CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(&e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(&e))
}

/// The OS's own certificates, never from the environment.
fn os_store() -> (Vec<CertificateDer<'static>>, String) {
    if cfg!(target_os = "linux") {
        for bundle in LINUX_BUNDLES {
            let path = Path::new(bundle);
            if !path.is_file() {
                continue;
            }
            if let Ok(text) = std::fs::read(path) {
                return (pem_certificates(&text), bundle.to_owned());
            }
        }
        return (Vec::new(), "none found".to_owned());
    }
    // The platform store (Keychain, the Windows store), unless the environment would replace it:
    // then Mozilla's roots alone.
    let swapped = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if swapped {
        return (
            Vec::new(),
            "skipped (SSL_CERT_FILE/SSL_CERT_DIR set)".to_owned(),
        );
    }
    let found = rustls_native_certs::load_native_certs();
    (found.certs, "the system store".to_owned())
}

/// The certificates of a PEM bundle, each block decoded by the `base64` crate: rustls'
/// constant-time decoder (meant for private keys) took a third of a sign-in's instructions over
/// the distribution's 200 KB bundle. A block that does not decode is left out, as a certificate
/// that does not parse is by `add_parsable_certificates`.
fn pem_certificates(text: &[u8]) -> Vec<CertificateDer<'static>> {
    use base64::Engine;
    let mut certs = Vec::new();
    // The base64 of the certificate being read, from its BEGIN line to its END line.
    let mut body: Option<Vec<u8>> = None;
    for line in text.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if line == b"-----BEGIN CERTIFICATE-----" {
            body = Some(Vec::with_capacity(2048));
        } else if line == b"-----END CERTIFICATE-----" {
            let decoded = body
                .take()
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
            certs.extend(decoded.map(CertificateDer::from));
        } else if line.starts_with(b"-----") {
            body = None;
        } else if let Some(body) = &mut body {
            body.extend_from_slice(line);
        }
    }
    certs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader gives what rustls' own PEM reader gives, on the machine's bundle and on
    /// damaged and mixed input.
    #[test]
    fn the_bundle_reader_agrees_with_rustls() {
        let rustls_reads = |text: &[u8]| -> Vec<CertificateDer<'static>> {
            CertificateDer::pem_slice_iter(text)
                .filter_map(|c| c.ok())
                .collect()
        };
        for bundle in LINUX_BUNDLES {
            if let Ok(text) = std::fs::read(bundle) {
                let ours = pem_certificates(&text);
                assert!(ours.len() > 50, "{bundle}: {} certificates", ours.len());
                assert_eq!(ours, rustls_reads(&text), "{bundle}");
            }
        }
        let one = "-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n";
        let mixed = format!(
            "# a comment\n{one}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n\
             -----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n{one}\
             -----BEGIN CERTIFICATE-----\nTUlJQg=="
        );
        let ours = pem_certificates(mixed.as_bytes());
        assert_eq!(
            ours.len(),
            2,
            "two whole certificates, the bad and the cut one left out"
        );
        assert!(ours.iter().all(|c| c.as_ref() == b"MIIB"));
    }

    #[test]
    fn mozillas_roots_are_always_there() {
        let (store, report) = roots().unwrap();
        assert!(report.built_in > 100, "{report:?}");
        assert!(store.len() >= report.built_in);
    }
}
