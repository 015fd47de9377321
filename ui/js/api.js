// The only module that talks to Tauri. Everything else calls `api.*` and `onEvent`, so logic can
// be tested in node with a fake `globalThis.__TAURI__` (or none at all).
//
// Every command rejects with `{kind, remedy, message, retryAfterSecs?}` (see errors.js).

import { COMMANDS } from './contract.js';
import { normalizeError } from './errors.js';

const NO_BACKEND = Object.freeze({
  kind: 'no_backend',
  remedy: 'other',
  message: 'PSN Auth could not reach its own backend. Start PSN Auth from its app icon rather than opening this page in a browser.',
});

function tauri() {
  return globalThis.__TAURI__ ?? null;
}

/** True when running inside the Tauri webview. */
export function hasBackend() {
  const t = tauri();
  return Boolean(t && t.core && typeof t.core.invoke === 'function');
}

async function invoke(command, args) {
  if (!hasBackend()) throw { ...NO_BACKEND };
  try {
    return args === undefined ? await tauri().core.invoke(command) : await tauri().core.invoke(command, args);
  } catch (err) {
    throw normalizeError(err);
  }
}

export const api = {
  /** {info, screen, openWizardFor?}: banners, start at login and the screen to show
   *  (src-tauri/src/view.rs). */
  appView: () => invoke(COMMANDS.appView),
  /** The screen the data calls for now: {screen: 'keychain'|'error'|'welcome'|'dashboard', data}. */
  screen: () => invoke(COMMANDS.screen),
  useSessionOnly: () => invoke(COMMANDS.useSessionOnly),
  retryKeychain: () => invoke(COMMANDS.retryKeychain),
  validateNpsso: (input) => invoke(COMMANDS.validateNpsso, { input }),
  /** Paste in Rust: {ok, kind?, message?, preview?}; a valid NPSSO stays in Rust. */
  pasteNpsso: () => invoke(COMMANDS.pasteNpsso),
  /** {account, screen}: who signed in, and the dashboard as just written. Without `input`,
   *  the NPSSO Paste left in Rust signs in. */
  signIn: (input) => invoke(COMMANDS.signIn, input == null ? {} : { input }),
  /** Opens Sony's sign-in page in the app's own window; how it ends comes as the
   *  `sign-in-window` event. `accountId`: the account being signed in again, if any. */
  signInHere: (accountId) => invoke(COMMANDS.signInHere, { accountId: accountId ?? null }),
  openSignInPage: () => invoke(COMMANDS.openSignInPage),
  openSsocookiePage: () => invoke(COMMANDS.openSsocookiePage),
  avatar: (accountId) => invoke(COMMANDS.avatar, { accountId }),
  copyToken: (accountId, which) => invoke(COMMANDS.copyToken, { accountId, which }),
  refreshNow: (accountId) => invoke(COMMANDS.refreshNow, { accountId }),
  switchAccount: (accountId) => invoke(COMMANDS.switchAccount, { accountId }),
  signOut: (accountId) => invoke(COMMANDS.signOut, { accountId }),
  /** Turns start at login on or off; resolves to the state it is now in. */
  setStartAtLogin: (enabled) => invoke(COMMANDS.setStartAtLogin, { enabled }),
  /** Saves the account's calendar reminder (.ics); resolves to the file's path. */
  saveCalendarReminder: (accountId) => invoke(COMMANDS.saveCalendarReminder, { accountId }),
  /** Tells the backend the first real screen has painted (start-up timing; otherwise a no-op). */
  uiReady: (times) => invoke(COMMANDS.uiReady, { times }),
};

/**
 * Listen to a backend event; `callback` gets the payload. Resolves to an unlisten function
 * (a no-op outside Tauri).
 */
export async function onEvent(name, callback) {
  const t = tauri();
  if (!t || !t.event || typeof t.event.listen !== 'function') return () => {};
  return t.event.listen(name, (event) => callback(event ? event.payload : undefined));
}
