//! Generates one permission per app command, so the capability in `capabilities/main.json` can
//! grant the main window exactly these and nothing else.

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
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
