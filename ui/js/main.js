// Starts the window: wires each control to its flow, listens to the backend, and asks for the
// first view. The flows live in wizard-flow.js, dashboard-actions.js and keychain-flow.js; the
// state and its drawing in app-state.js. Loaded as the page's only script (type=module).

import { onEvent } from './api.js';
import { EVENTS } from './contract.js';
import {
  activeAccount, errorToast, findAccount, loadScreen, noticeHandlers, pageNow, render, state, tick,
} from './app-state.js';
import { withNotice, withoutNotice } from './notices.js';
import {
  closeWizard, finishWizard, onNpssoChanged, onSignInWindowEnded, openPage, openSignInWindow,
  openWizard, pasteFromClipboard, sessionOnlyAndRetry, trySubmit,
} from './wizard-flow.js';
import {
  addCalendarReminder, copyToken, refreshAccount, setStartAtLogin, showStartAtLogin, signOut, switchTo,
} from './dashboard-actions.js';
import {
  keychainRetry, keychainSessionOnly, loadFirstView, retryLoad, useSessionOnly,
} from './keychain-flow.js';
import { byId } from './dom.js';
import { setNpssoVisible } from './render-wizard.js';

// On Linux (WebKitGTK) generic font families resolve without fontconfig walking a list of
// names first (~40 ms on the first layout, see BENCHMARKS.md); app.css keys on this.
if (typeof navigator !== 'undefined' && /Linux/.test(navigator.userAgent ?? '')) {
  document.documentElement.dataset.os = 'linux';
}

noticeHandlers.onNoticeAction = (notice) => {
  if (notice.action === 'sign_in_again') openWizard(findAccount(notice.accountId));
  else refreshAccount(notice.accountId);
};
noticeHandlers.onNoticeDismiss = (notice) => {
  state.notices = withoutNotice(state.notices, notice.accountId);
  render();
  byId('main').focus();
};

function wire() {
  const on = (id, event, handler) => byId(id).addEventListener(event, handler);
  // Wizard
  on('sign-in-here', 'click', openSignInWindow);
  on('open-signin', 'click', () => openPage(1));
  on('open-browser-instead', 'click', () => openPage(1));
  on('open-ssocookie', 'click', () => openPage(2));
  const input = byId('npsso-input');
  on('npsso-input', 'input', onNpssoChanged);
  on('npsso-input', 'keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      trySubmit();
    }
  });
  on('npsso-form', 'submit', (event) => {
    event.preventDefault();
    trySubmit();
  });
  on('toggle-npsso', 'click', () => setNpssoVisible(input.type === 'password'));
  on('paste-npsso', 'click', pasteFromClipboard);
  on('retry-sign-in', 'click', trySubmit);
  on('wizard-session-only', 'click', sessionOnlyAndRetry);
  on('wizard-cancel', 'click', closeWizard);
  on('wizard-continue', 'click', finishWizard);
  // Dashboard
  on('account-switcher', 'change', (event) => switchTo(event.target.value));
  on('add-account', 'click', () => openWizard(null));
  on('sign-out', 'click', signOut);
  on('copy-access', 'click', () => copyToken('access'));
  on('copy-refresh', 'click', () => copyToken('refresh'));
  on('refresh-now', 'click', () => refreshAccount(activeAccount()?.accountId));
  on('sign-in-again', 'click', () => openWizard(activeAccount()));
  on('start-at-login', 'change', (event) => setStartAtLogin(event.target.checked));
  on('add-calendar', 'click', addCalendarReminder);
  // Keychain screen and load errors
  on('keychain-session-only', 'click', keychainSessionOnly);
  on('keychain-retry', 'click', keychainRetry);
  on('load-retry', 'click', retryLoad);
  on('load-session-only', 'click', useSessionOnly);
}

async function listenToBackend() {
  try {
    await onEvent(EVENTS.accountsChanged, () => {
      const shown = state.screen && state.screen.screen;
      if (shown === 'dashboard' || shown === 'welcome') loadScreen();
    });
    await onEvent(EVENTS.signInWindow, onSignInWindowEnded);
    // A reminder notification was clicked while this window was open.
    await onEvent(EVENTS.openWizard, (accountId) => openWizardFor(accountId));
    await onEvent(EVENTS.refreshFailed, (payload) => {
      if (!payload || !payload.accountId) return;
      state.notices = withNotice(state.notices, payload.accountId, payload);
      render();
    });
  } catch (err) {
    errorToast(err);
  }
}

state.pageTimes.scriptsRan = pageNow();
wire();
setInterval(tick, 1000);
listenToBackend();
/** Opens the wizard to sign `accountId` in again (a clicked reminder). */
function openWizardFor(accountId) {
  const account = accountId ? findAccount(accountId) : null;
  if (account) openWizard(account);
}

async function start() {
  await loadFirstView();
  // The window was opened by a clicked reminder: straight to that account's wizard.
  if (state.openWizardFor) {
    openWizardFor(state.openWizardFor);
    state.openWizardFor = null;
  }
  showStartAtLogin(state.info?.startAtLogin);
}

render();
start();
