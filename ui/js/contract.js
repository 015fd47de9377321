// Generated from the Rust constants by src-tauri/src/page_contract.rs: do not edit.
// `PSN_AUTH_UPDATE_UI=1 cargo test -p psn-auth-app page_contract` writes it anew.

/** Every command the page may call (src-tauri/src/ipc.rs). */
export const COMMANDS = Object.freeze({
  appView: 'app_view',
  screen: 'screen',
  useSessionOnly: 'use_session_only',
  retryKeychain: 'retry_keychain',
  validateNpsso: 'validate_npsso',
  pasteNpsso: 'paste_npsso',
  signIn: 'sign_in',
  openSignInPage: 'open_sign_in_page',
  openSsocookiePage: 'open_ssocookie_page',
  signInHere: 'sign_in_here',
  avatar: 'avatar',
  copyToken: 'copy_token',
  refreshNow: 'refresh_now',
  switchAccount: 'switch_account',
  signOut: 'sign_out',
  uiReady: 'ui_ready',
  setStartAtLogin: 'set_start_at_login',
  saveCalendarReminder: 'save_calendar_reminder',
});

/** Every event the app sends the page (src-tauri/src/ipc.rs). */
export const EVENTS = Object.freeze({
  accountsChanged: 'accounts-changed',
  refreshFailed: 'refresh-failed',
  openWizard: 'open-wizard',
  signInWindow: 'sign-in-window',
});

/** Every remedy an error can carry (psn-core's Remedy). */
export const REMEDIES = Object.freeze(['fix_input', 'new_npsso', 'retry_later', 'fix_keychain', 'other']);

/** A refresh token this close to its end gets the first reminder (psn-core's reminders::WEEK). */
export const REFRESH_WARN_MS = 604800000;

/** How long before a refresh token's end each expiry reminder comes (reminders::WEEK, DAY). */
export const REMINDER_LEADS_MS = Object.freeze([604800000, 86400000]);

/** The sign-in window gives up after this long without an NPSSO (sign_in_window::GIVE_UP_AFTER). */
export const SIGN_IN_WINDOW_TIMEOUT_MS = 300000;
