//! The names the page and the app share: every command the webview may call and every event the
//! app sends it. Plain constants with no dependency, so `build.rs` includes this file too (for
//! the commands' permissions) and a test writes them into the page's `ui/js/contract.js`.

/// Every command the webview may call (each one also in `generate_handler!` in `lib.rs`: a test
/// calls each by name).
pub const COMMANDS: &[&str] = &[
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

/// A background refresh (or Refresh now) changed an account's tokens.
pub const ACCOUNTS_CHANGED: &str = "accounts-changed";
/// A background refresh failed: the error as commands send it, and whether it stopped.
pub const REFRESH_FAILED: &str = "refresh-failed";
/// A clicked reminder asks for the wizard for an account (its id).
pub const OPEN_WIZARD: &str = "open-wizard";
/// How the sign-in window ended.
pub const SIGN_IN_WINDOW: &str = "sign-in-window";

/// Every event, by the name the page listens for.
pub const EVENTS: &[(&str, &str)] = &[
    ("accountsChanged", ACCOUNTS_CHANGED),
    ("refreshFailed", REFRESH_FAILED),
    ("openWizard", OPEN_WIZARD),
    ("signInWindow", SIGN_IN_WINDOW),
];
