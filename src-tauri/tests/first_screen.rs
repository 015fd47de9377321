//! The first screen a new user sees, in a real WebKit window under Xvfb (WebDriver): the
//! wizard's first step, and the version in the window's foot and title.
//!
//! It drives the app cargo built, or, with `PSN_AUTH_INSTALLED_APP` set, an installed one:
//! `scripts/test-package` runs it against `/usr/bin/psn-auth-app` after installing the `.deb`,
//! so the package is checked as a user meets it. No endpoint override is set: this is Sony's
//! namespace, with a settings folder of this test's own and the test command's private keyring
//! (nothing is sent to Sony before the user signs in).

mod webdriver;

use std::path::PathBuf;

use serde_json::json;
use webdriver::{artifacts_dir, Driver, Session};

#[tokio::test(flavor = "multi_thread")]
async fn the_first_screen_is_the_wizard_with_the_version_shown() {
    if std::env::var_os("PSN_AUTH_TEST_KEYRING").is_none() || std::env::var_os("DISPLAY").is_none()
    {
        eprintln!("skipped: needs Xvfb and the private gnome-keyring that scripts/test starts");
        return;
    }
    let app = std::env::var_os("PSN_AUTH_INSTALLED_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_psn-auth-app")));
    let which = if std::env::var_os("PSN_AUTH_INSTALLED_APP").is_some() {
        "installed"
    } else {
        "built"
    };
    eprintln!("first screen of the {which} app: {}", app.display());
    let config_home = tempfile::tempdir().unwrap();
    let driver = Driver::start(&[("XDG_CONFIG_HOME", config_home.path().display().to_string())]);
    let s = Session::start(&driver, &app).await;

    s.visible("open-signin").await;
    let expected = format!("PSN Auth {}", env!("CARGO_PKG_VERSION"));
    assert_eq!(s.text_of("app-version").await, expected);
    assert_eq!(s.execute("return document.title").await, expected.as_str());
    for banner in [
        "demo-banner",
        "overrides-banner",
        "extra-ca-banner",
        "session-banner",
    ] {
        let shown = s
            .execute(&format!(
                "return !document.querySelector('[data-testid=\"{banner}\"]').hidden"
            ))
            .await;
        assert_eq!(shown, json!(false), "{banner} on a plain start");
    }
    s.screenshot(&artifacts_dir().join(format!("first-screen-{which}.png")))
        .await;
    s.quit().await;
}
