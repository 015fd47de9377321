//! Generates one permission per app command, so the capability in `capabilities/main.json` can
//! grant the main window exactly these and nothing else; and joins the page's modules into the
//! one script the window loads (`build/ui_bundle.rs`).

#[path = "build/ui_bundle.rs"]
mod ui_bundle;

/// Every command the webview may call. Keep in sync with `generate_handler!` in `src/lib.rs`.
const COMMANDS: &[&str] = &[
    "app_view",
    "screen",
    "use_session_only",
    "retry_keychain",
    "validate_npsso",
    "paste_npsso",
    "sign_in",
    "open_sign_in_page",
    "open_ssocookie_page",
    "sign_in_here",
    "avatar",
    "copy_token",
    "refresh_now",
    "switch_account",
    "sign_out",
    "ui_ready",
    "set_start_at_login",
    "save_calendar_reminder",
];

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let ui = std::path::Path::new("../ui");
    let bundle = ui_bundle::bundle(ui).unwrap_or_else(|e| panic!("joining ui/js: {e}"));
    std::fs::write(out.join("index.html"), &bundle.index_html).expect("write index.html");
    let script = std::path::Path::new(ui_bundle::BUNDLE_PATH);
    std::fs::write(
        out.join(script.file_name().expect("a file")),
        &bundle.script,
    )
    .expect("write the joined script");
    println!("cargo:rerun-if-changed=../ui/js");
    println!("cargo:rerun-if-changed=build/ui_bundle.rs");
    for input in &bundle.inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
