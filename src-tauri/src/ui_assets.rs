//! What the window serves: `ui/` as built into the binary, except that `index.html` loads the
//! one script `build.rs` joined from the page's modules (`build/ui_bundle.rs`) instead of
//! seventeen modules one import level at a time.
//!
//! Debug builds (and release builds with the `ui-from-disk` feature, for measuring page changes
//! with `bench/`) serve `PSN_AUTH_UI_DIR` from disk instead, modules as they are, so an edit to
//! `ui/` shows on the next start without a rebuild. Release builds otherwise always serve the
//! built-in copy.

use std::borrow::Cow;

use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{Assets, Runtime};

const INDEX_HTML: &str = include_str!(concat!(env!("OUT_DIR"), "/index.html"));
const BUNDLE: &str = include_str!(concat!(env!("OUT_DIR"), "/app.bundle.js"));
const BUNDLE_KEY: &str = "/js/app.bundle.js";

/// Tauri's context with the page served as above.
pub fn context() -> tauri::Context {
    let mut context = tauri::generate_context!();
    #[cfg(any(debug_assertions, feature = "ui-from-disk"))]
    if let Some(dir) = std::env::var_os(disk::UI_DIR_ENV) {
        context.set_assets(Box::new(disk::DiskAssets::new(dir.into())));
        return context;
    }
    let placeholder: Box<dyn Assets<tauri::Wry>> = Box::new(Nothing);
    let embedded = context.set_assets(placeholder);
    context.set_assets(Box::new(Joined { embedded }));
    context
}

/// The built-in `ui/`, with the joined script and the `index.html` that loads it.
struct Joined<R: Runtime> {
    embedded: Box<dyn Assets<R>>,
}

impl<R: Runtime> Assets<R> for Joined<R> {
    fn setup(&self, app: &tauri::App<R>) {
        self.embedded.setup(app);
    }

    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        match key.as_ref() {
            "/index.html" => Some(Cow::Borrowed(INDEX_HTML.as_bytes())),
            BUNDLE_KEY => Some(Cow::Borrowed(BUNDLE.as_bytes())),
            _ => self.embedded.get(key),
        }
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        self.embedded.iter()
    }

    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.embedded.csp_hashes(html_path)
    }
}

/// Held for a moment while the embedded assets are taken out of the context.
struct Nothing;

impl<R: Runtime> Assets<R> for Nothing {
    fn get(&self, _key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        None
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }

    fn csp_hashes(&self, _html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

#[cfg(any(debug_assertions, feature = "ui-from-disk"))]
mod disk {
    use std::borrow::Cow;
    use std::path::PathBuf;

    use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};

    pub const UI_DIR_ENV: &str = "PSN_AUTH_UI_DIR";

    pub struct DiskAssets(PathBuf);

    impl DiskAssets {
        pub fn new(dir: PathBuf) -> Self {
            eprintln!(
                "psn-auth: serving the page from {} ({UI_DIR_ENV})",
                dir.display()
            );
            Self(dir)
        }
    }

    impl<R: tauri::Runtime> tauri::Assets<R> for DiskAssets {
        fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
            let relative = key.as_ref().trim_start_matches('/');
            if relative.split('/').any(|part| part == "..") {
                return None;
            }
            std::fs::read(self.0.join(relative)).ok().map(Cow::Owned)
        }

        fn iter(&self) -> Box<AssetsIter<'_>> {
            Box::new(std::iter::empty())
        }

        fn csp_hashes(&self, _html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
            Box::new(std::iter::empty())
        }
    }
}

#[cfg(test)]
#[path = "../build/ui_bundle.rs"]
mod ui_bundle;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_serves_the_joined_page() {
        assert_eq!(BUNDLE_KEY.trim_start_matches('/'), ui_bundle::BUNDLE_PATH);
        let fresh =
            ui_bundle::bundle(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui"))
                .unwrap();
        assert_eq!(
            INDEX_HTML, fresh.index_html,
            "build.rs did not rerun after ui/ changed"
        );
        assert_eq!(
            BUNDLE, fresh.script,
            "build.rs did not rerun after ui/js changed"
        );
    }
}
