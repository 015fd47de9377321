// The keychain screen, the load-error screen, and the one way to choose keeping tokens in memory
// for this session (offered on both screens and in the wizard).

import { api } from './api.js';
import {
  applyView, errorToast, loadScreen, pageNow, render, state,
} from './app-state.js';
import { KEYCHAIN_STILL_MISSING_TOAST, SESSION_ONLY_TOAST } from './toasts.js';
import { showToast } from './toast-ui.js';

/** Keeps tokens in memory until the app quits. Resolves true when that took effect. */
export async function useSessionOnly() {
  try {
    applyView(await api.useSessionOnly());
  } catch (err) {
    errorToast(err);
    return false;
  }
  showToast(SESSION_ONLY_TOAST, { tone: 'info' });
  render();
  return true;
}

/** The keychain screen's buttons: one at a time, with the button busy meanwhile. */
async function whileBusy(work) {
  if (state.busy.keychain) return;
  state.busy.keychain = true;
  render();
  try {
    await work();
  } finally {
    state.busy.keychain = false;
    render();
  }
}

export function keychainSessionOnly() {
  return whileBusy(useSessionOnly);
}

/** "Try again" on the keychain screen, after the user started or unlocked a keychain. */
export function keychainRetry() {
  return whileBusy(async () => {
    try {
      applyView(await api.retryKeychain());
    } catch (err) {
      errorToast(err);
      return;
    }
    if (state.screen && state.screen.screen === 'keychain') {
      showToast(KEYCHAIN_STILL_MISSING_TOAST, { tone: 'error' });
    }
  });
}

/** "Try again" on the load-error screen: the first view if it never came, else the screen. */
export async function retryLoad() {
  state.screen = null;
  render();
  if (!state.info) await loadFirstView();
  else await loadScreen();
}

/** Banners and the first screen. */
export async function loadFirstView() {
  state.pageTimes.viewAsked ??= pageNow();
  try {
    applyView(await api.appView());
    state.pageTimes.viewReceived ??= pageNow();
  } catch (err) {
    state.screen = { screen: 'error', data: err };
  }
  render();
}
