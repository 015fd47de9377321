// The sign-in wizard's flow: opening Sony's pages, checking the pasted NPSSO as it is typed,
// signing in, and what follows a failure or a success. The wizard's state is pure
// (wizard-state.js); this module owns only its timers.

import { api } from './api.js';
import { SIGN_IN_WINDOW_TIMEOUT_MS } from './contract.js';
import { formatDuration, SECOND } from './time.js';
import {
  errorToast, focusIfLost, now, render, renderWizardNow, state,
} from './app-state.js';
import { normalizeError } from './errors.js';
import { withoutNotice } from './notices.js';
import { canSubmit, initialWizard, wizardReducer } from './wizard-state.js';
import { signedInToast } from './toasts.js';
import { byId } from './dom.js';
import { currentScreenName } from './render-app.js';
import { clearNpssoField } from './render-wizard.js';
import { showToast } from './toast-ui.js';
import { useSessionOnly } from './keychain-flow.js';

const VALIDATE_DEBOUNCE_MS = 150;
const RESULT_PAUSE_MS = 1500;

/** The wizard's timers and in-flight markers. */
const flow = {
  validateTimer: null,
  validateSeq: 0, // answers for an older text are dropped
  submitting: false,
  resultTimer: null,
  retryWakeTimer: null,
};

const npssoInput = () => byId('npsso-input');

function dispatch(action) {
  state.wizard = wizardReducer(state.wizard, action);
  if (currentScreenName() === 'wizard') renderWizardNow();
}

function reset(forAccount = null) {
  clearTimeout(flow.validateTimer);
  flow.validateTimer = null;
  flow.validateSeq += 1;
  clearTimeout(flow.resultTimer);
  flow.resultTimer = null;
  state.wizard = initialWizard({ forAccount });
  clearNpssoField();
}

/** Opens the wizard over the dashboard: for a new account, or to sign `forAccount` in again. */
export function openWizard(forAccount = null) {
  reset(forAccount);
  state.wizardOpen = true;
  render();
}

export function closeWizard() {
  reset();
  state.wizardOpen = false;
  render();
}

export function onNpssoChanged() {
  const { value } = npssoInput();
  dispatch({ type: 'input', empty: value.trim() === '', now: now() });
  clearTimeout(flow.validateTimer);
  flow.validateTimer = null;
  if (value.trim() === '') {
    flow.validateSeq += 1; // drop any answer still on its way
    return;
  }
  flow.validateTimer = setTimeout(runValidation, VALIDATE_DEBOUNCE_MS);
}

async function runValidation() {
  clearTimeout(flow.validateTimer);
  flow.validateTimer = null;
  const { value } = npssoInput();
  const seq = ++flow.validateSeq;
  if (value.trim() === '') return;
  let result;
  try {
    result = await api.validateNpsso(value);
  } catch (err) {
    result = { ok: false, ...normalizeError(err) };
  }
  if (seq !== flow.validateSeq) return; // the text changed meanwhile
  dispatch({ type: 'validated', ok: Boolean(result && result.ok), message: result && result.message });
}

/** Enable Retry exactly when the rate-limit wait ends, not at the next once-a-second tick. */
function wakeAtRetryTime() {
  clearTimeout(flow.retryWakeTimer);
  const { retryAt } = state.wizard;
  if (retryAt == null) return;
  flow.retryWakeTimer = setTimeout(() => {
    if (state.wizard.retryAt !== retryAt) return;
    state.wizard = { ...state.wizard, retryAt: null };
    if (currentScreenName() === 'wizard') renderWizardNow();
  }, Math.max(0, retryAt - now()));
}

/** Sign in (the button, Enter in the field, or Retry). */
export async function trySubmit() {
  if (flow.submitting || state.wizard.busy || state.wizard.result) return;
  flow.submitting = true;
  try {
    if (flow.validateTimer !== null || state.wizard.validation.status === 'pending') await runValidation();
    if (!canSubmit(state.wizard, now())) return;
    const typed = npssoInput().value;
    // An empty field after Paste: sign in with the NPSSO Rust kept.
    const input = state.wizard.pasted && typed.trim() === '' ? null : typed;
    dispatch({ type: 'submit', now: now() });
    let answer;
    try {
      answer = await api.signIn(input);
    } catch (err) {
      failed(err);
      return;
    }
    signedIn(answer);
  } finally {
    flow.submitting = false;
  }
}

function failed(err) {
  dispatch({ type: 'failed', error: normalizeError(err), now: now() });
  wakeAtRetryTime();
  const action = state.wizard.error;
  if (action.clearInput) clearNpssoField();
  if (action.step === 2) focusIfLost(byId('open-ssocookie'));
  else if (action.retry) focusIfLost(byId('retry-sign-in'));
  else if (action.offerSessionOnly) focusIfLost(byId('wizard-session-only'));
  focusIfLost(npssoInput());
}

/** `answer`: {account, screen}; the screen is the dashboard as the backend just wrote it. */
function signedIn({ account, screen }) {
  clearNpssoField(); // the NPSSO is not needed in the page any more
  state.screen = screen;
  state.wizardOpen = true; // keep the wizard up for the result, even on first run
  state.notices = withoutNotice(state.notices, account.accountId);
  dispatch({ type: 'succeeded', account });
  byId('wizard-continue').focus();
  clearTimeout(flow.resultTimer);
  flow.resultTimer = setTimeout(finishWizard, RESULT_PAUSE_MS);
}

/** Leave the result (Continue, or automatically after a moment) for the dashboard. */
export function finishWizard() {
  clearTimeout(flow.resultTimer);
  flow.resultTimer = null;
  const account = state.wizard.result;
  if (!account) return;
  closeWizard();
  showToast(signedInToast(account.label));
}

/** "Keep tokens in memory for this session" after a keychain failure, then sign in again. */
export async function sessionOnlyAndRetry() {
  if (!(await useSessionOnly())) return;
  dispatch({ type: 'session_only' });
  await trySubmit();
}

/** Step 1 or 2's button: opens Sony's page (or the stand-in's) in the browser. */
export async function openPage(step) {
  try {
    if (step === 1) await api.openSignInPage();
    else await api.openSsocookiePage();
  } catch (err) {
    errorToast(err);
    return;
  }
  dispatch({ type: 'opened', step });
}

/** "Sign in here": Sony's page in the app's own window; the NPSSO is read in Rust. */
export async function openSignInWindow() {
  if (state.wizard.signInWindow !== 'idle' || state.wizard.busy || state.wizard.result) return;
  dispatch({ type: 'window_opening' });
  try {
    await api.signInHere(state.wizard.forAccount ? state.wizard.forAccount.accountId : null);
  } catch (err) {
    dispatch({ type: 'window_ended', note: normalizeError(err).message });
    focusIfLost(byId('open-signin'));
    return;
  }
  dispatch({ type: 'window_open' });
}

const WINDOW_NOTES = {
  closed: 'The sign-in window was closed before you signed in. Try again, or use your browser: the three steps below.',
  timedOut: `No sign-in came through in ${formatDuration(SIGN_IN_WINDOW_TIMEOUT_MS / SECOND)}, so the window was closed. Try again, or use your browser: the three steps below.`,
};

/** How the sign-in window ended (the `sign-in-window` event from Rust). */
export function onSignInWindowEnded(payload) {
  if (!payload) return;
  if (payload.outcome === 'signedIn') {
    signedIn(payload.view);
    if (payload.newAccount) {
      showToast(`${payload.view.account.label} is another PSN account: it was added as a new account.`);
    }
    return;
  }
  if (payload.outcome === 'failed') {
    dispatch({ type: 'window_ended', note: '' });
    failed(payload.error);
    return;
  }
  const note = payload.outcome === 'refused' ? payload.reason : WINDOW_NOTES[payload.outcome];
  dispatch({ type: 'window_ended', note: note || WINDOW_NOTES.closed });
  focusIfLost(byId('open-signin'));
}

/** Paste: Rust reads the clipboard and keeps a valid NPSSO; the page gets a masked preview. */
export async function pasteFromClipboard() {
  let result;
  try {
    result = await api.pasteNpsso();
  } catch (err) {
    errorToast(err);
    return;
  }
  clearTimeout(flow.validateTimer);
  flow.validateTimer = null;
  flow.validateSeq += 1; // an answer about the old text no longer applies
  clearNpssoField();
  const ok = Boolean(result && result.ok);
  dispatch({ type: 'pasted', ok, preview: result && result.preview, message: result && result.message, now: now() });
  if (ok) byId('sign-in').focus();
  else npssoInput().focus();
}
