//! The third audit: the environment cannot silently replace whom PSN Auth trusts. A CA file in
//! `SSL_CERT_FILE` / `SSL_CERT_DIR` (which replaces the OS store for most programs) adds
//! nothing; `PSN_AUTH_EXTRA_CA` adds its certificates, and is reported. One test: it sets
//! environment variables, and this binary runs nothing else.

use psn_core::client::trust::{roots, ENV_EXTRA_CA};

#[test]
fn only_psn_auth_extra_ca_adds_to_the_roots() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test-ca.pem");
    for name in ["SSL_CERT_FILE", "SSL_CERT_DIR", ENV_EXTRA_CA] {
        std::env::remove_var(name);
    }
    let (plain, report) = roots().unwrap();
    assert!(report.extra_ca.is_none());
    assert!(report.ignored_env.is_empty());

    std::env::set_var("SSL_CERT_FILE", fixture);
    std::env::set_var("SSL_CERT_DIR", env!("CARGO_MANIFEST_DIR"));
    // What the client trusted before (reqwest's native roots): the OS store replaced by the
    // environment's file, the test CA alone.
    let native = rustls_native_certs::load_native_certs();
    assert_eq!(
        native.certs.len(),
        1,
        "SSL_CERT_FILE replaces the store for the old loader"
    );
    let (swapped, report) = roots().unwrap();
    assert!(swapped.len() <= plain.len(), "SSL_CERT_FILE added a root");
    // On Linux the OS store is the distribution's file, read whatever the environment says;
    // elsewhere the platform store is left out while the environment would replace it.
    #[cfg(target_os = "linux")]
    assert_eq!(swapped.len(), plain.len());
    assert_eq!(report.ignored_env, ["SSL_CERT_FILE", "SSL_CERT_DIR"]);

    std::env::set_var(ENV_EXTRA_CA, fixture);
    let (extra, report) = roots().unwrap();
    // One more than without it: the test CA was not among the roots before.
    assert_eq!(extra.len(), swapped.len() + 1);
    assert_eq!(report.extra_ca.as_deref(), Some(fixture));
    assert_eq!(report.extra_ca_certs, 1);

    // A file that is not a CA bundle is an error, not a silent no-op.
    std::env::set_var(
        ENV_EXTRA_CA,
        concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
    );
    let err = roots().unwrap_err();
    assert!(err.to_string().contains(ENV_EXTRA_CA), "{err}");
}
