// Pure wizard state machine and its view model. No DOM access.
//
// The NPSSO itself never lives here (it stays in the input field, or in Rust after Paste);
// only whether it is valid, and a pasted one's masked preview.

import { retryAtFor, retryButtonState, wizardActionFor } from './errors.js';

/** `forAccount` is the AccountSummary being signed in again, or null for a new account. */
export function initialWizard({ forAccount = null } = {}) {
  return {
    forAccount,
    current: 1,
    done: [],
    validation: { status: 'empty', message: '' }, // empty | pending | ok | invalid
    pasted: null, // masked preview of the NPSSO Paste left in Rust, or null
    busy: false,
    error: null, // the wizardActionFor() result of the last failed sign-in
    retryAt: null, // ms since epoch; Retry and Sign in stay disabled until then
    result: null, // AccountSummary after success
    // The app's own sign-in window: 'idle' | 'opening' | 'open'; `windowNote` says why it
    // ended without a sign-in (the manual steps are then highlighted).
    signInWindow: 'idle',
    windowNote: '',
  };
}

function withDone(done, steps) {
  return [...new Set([...done, ...steps])].sort();
}

function rateLimitActive(state, now) {
  return state.retryAt != null && state.retryAt > now;
}

/** Whether pressing Sign in (or Enter, or Retry) may start a sign-in now. */
export function canSubmit(state, now) {
  return !state.busy && !state.result && state.validation.status === 'ok' && !rateLimitActive(state, now);
}

/**
 * Actions:
 *   {type: 'opened', step: 1|2}          a step's browser button was pressed
 *   {type: 'input', empty, now}          the field changed; validation is pending
 *   {type: 'validated', ok, message}     validate_npsso answered for the current text
 *   {type: 'pasted', ok, preview, message}  paste_npsso answered (Rust keeps a valid NPSSO)
 *   {type: 'submit', now}                sign-in starts (ignored unless canSubmit)
 *   {type: 'failed', error, now}         sign_in rejected
 *   {type: 'succeeded', account}         sign_in resolved
 *   {type: 'session_only'}               the user chose memory-only storage after a keychain error
 *   {type: 'window_opening'}             "Sign in here" was pressed
 *   {type: 'window_open'}                the sign-in window is up, waiting for the user
 *   {type: 'window_ended', note}         it closed without a sign-in (closed, refused, timed out,
 *                                        or could not open): `note` says why
 */
export function wizardReducer(state, action) {
  switch (action.type) {
    case 'opened': {
      const step = action.step;
      return {
        ...state,
        done: withDone(state.done, step === 2 ? [1, 2] : [step]),
        current: Math.max(state.current, step + 1),
      };
    }
    case 'input': {
      // A new paste clears an old sign-in error, except a rate limit that is still counting down.
      const keepError = state.error && rateLimitActive(state, action.now);
      return {
        ...state,
        validation: action.empty ? { status: 'empty', message: '' } : { status: 'pending', message: '' },
        error: keepError ? state.error : null,
        pasted: null, // typing replaces a pasted NPSSO
      };
    }
    case 'pasted': {
      const keepError = state.error && rateLimitActive(state, action.now);
      if (action.ok) {
        return {
          ...state,
          pasted: action.preview || '…',
          validation: { status: 'ok', message: '' },
          error: keepError ? state.error : null,
          done: withDone(state.done, [1, 2]),
          current: 3,
        };
      }
      return { ...state, pasted: null, validation: { status: 'invalid', message: action.message || '' } };
    }
    case 'validated': {
      if (action.ok) {
        return {
          ...state,
          validation: { status: 'ok', message: '' },
          done: withDone(state.done, [1, 2]),
          current: 3,
        };
      }
      return { ...state, validation: { status: 'invalid', message: action.message || '' } };
    }
    case 'submit':
      if (!canSubmit(state, action.now)) return state;
      return { ...state, busy: true, error: null };
    case 'failed': {
      const error = wizardActionFor(action.error);
      const next = {
        ...state,
        busy: false,
        error,
        retryAt: retryAtFor(error, action.now),
        current: error.step,
      };
      if (error.step === 2) {
        next.done = state.done.filter((s) => s < 2);
      }
      if (error.clearInput) {
        next.validation = { status: 'empty', message: '' };
        next.pasted = null;
      }
      return next;
    }
    case 'succeeded':
      return {
        ...state, busy: false, error: null, retryAt: null, result: action.account, done: [1, 2, 3], current: 4,
        signInWindow: 'idle', windowNote: '',
      };
    case 'session_only':
      return { ...state, error: null };
    case 'window_opening':
      return { ...state, signInWindow: 'opening', windowNote: '', error: null };
    case 'window_open':
      return { ...state, signInWindow: 'open' };
    case 'window_ended':
      return { ...state, signInWindow: 'idle', windowNote: action.note || '' };
    default:
      return state;
  }
}

/**
 * What the wizard shows:
 *   steps          [{n, status: 'current'|'done'|'todo'}]
 *   message        text of the error-message element ('' for none), and `messageStep` where it sits
 *   signIn         {disabled, busy, label}
 *   retry          null, or {disabled, label} for the Retry button
 *   offerSessionOnly
 *   signInHere     {busy, disabled, label, status}: the "Sign in here" button and its status line
 *   manualFirst    the sign-in window ended without a sign-in: the manual steps come forward
 */
export function wizardView(state, now) {
  const steps = [1, 2, 3].map((n) => ({
    n,
    status: state.done.includes(n) && n !== state.current ? 'done' : n === state.current ? 'current' : 'todo',
  }));
  let message = '';
  let messageStep = 3;
  let retry = null;
  let offerSessionOnly = false;
  if (state.error) {
    message = state.error.message;
    messageStep = state.error.step;
    if (state.error.retry) retry = retryButtonState(state.retryAt, now);
    offerSessionOnly = state.error.offerSessionOnly;
  } else if (state.validation.status === 'invalid') {
    message = state.validation.message;
  }
  return {
    steps,
    message,
    messageStep,
    retry,
    offerSessionOnly,
    signIn: {
      disabled: !canSubmit(state, now),
      busy: state.busy,
      label: state.busy ? 'Signing in…' : 'Sign in',
    },
    result: state.result,
    pasted: state.pasted,
    signInHere: signInHereView(state),
    manualFirst: state.windowNote !== '',
  };
}

function signInHereView(state) {
  const waiting = state.signInWindow !== 'idle';
  let status = '';
  if (state.signInWindow === 'opening') status = 'Opening Sony’s sign-in page…';
  else if (state.signInWindow === 'open') status = 'Sign in in the PSN Auth window that opened. It closes by itself when you are signed in.';
  if (state.windowNote) status = state.windowNote;
  return {
    busy: waiting,
    disabled: waiting || state.busy || Boolean(state.result),
    label: waiting ? 'Waiting for you to sign in…' : 'Sign in here',
    status,
  };
}
