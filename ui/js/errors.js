// Pure error handling: what the wizard and the dashboard do about a failure. No DOM access.
//
// The backend sends every error as `{kind, remedy, message, retryAfterSecs?}`. What a kind means
// is decided once, in the library (psn-core's ErrorKind and Remedy; the README's table lists
// them): this module branches on `remedy` only, so a kind added there needs nothing here.

import { REMEDIES } from './contract.js';
import { formatDuration, SECOND } from './time.js';

const FALLBACK_MESSAGE = 'Something went wrong. Try again.';


/**
 * Any rejection value as `{kind, remedy, message, retryAfterSecs?}`. Strings and Error objects
 * (from Tauri itself) become kind "unknown", remedy "other".
 */
export function normalizeError(err) {
  if (err && typeof err === 'object' && !(err instanceof Error)) {
    const kind = typeof err.kind === 'string' && err.kind !== '' ? err.kind : 'unknown';
    const remedy = REMEDIES.includes(err.remedy) ? err.remedy : 'other';
    const message = typeof err.message === 'string' && err.message.trim() !== ''
      ? err.message
      : FALLBACK_MESSAGE;
    const out = { kind, remedy, message };
    const wait = Number(err.retryAfterSecs);
    if (err.retryAfterSecs != null && Number.isFinite(wait) && wait > 0) out.retryAfterSecs = wait;
    return out;
  }
  if (typeof err === 'string' && err.trim() !== '') return { kind: 'unknown', remedy: 'other', message: err };
  if (err instanceof Error && err.message) return { kind: 'unknown', remedy: 'other', message: err.message };
  return { kind: 'unknown', remedy: 'other', message: FALLBACK_MESSAGE };
}

/** True when keeping tokens in memory for this session gets past the error. */
export function offersSessionOnly(err, info = null) {
  return normalizeError(err).remedy === 'fix_keychain' && !(info && info.sessionOnly);
}

/**
 * What the wizard does after `sign_in` fails:
 *   step              which step shows the message (2 "Get your NPSSO" or 3 "Paste it")
 *   retry             show a Retry button (re-sends the same NPSSO)
 *   retryAfterSecs    keep Retry (and Sign in) disabled for this long, counting down
 *   offerSessionOnly  show "Keep tokens in memory for this session"
 *   clearInput        the pasted NPSSO is dead; empty the field
 */
export function wizardActionFor(rawError) {
  const err = normalizeError(rawError);
  const base = {
    kind: err.kind,
    remedy: err.remedy,
    message: err.message,
    step: 3,
    retry: false,
    retryAfterSecs: null,
    offerSessionOnly: false,
    clearInput: false,
  };
  switch (err.remedy) {
    case 'fix_input':
      return base;
    case 'new_npsso':
      return { ...base, step: 2, clearInput: true };
    case 'retry_later':
      return { ...base, retry: true, retryAfterSecs: err.retryAfterSecs ?? null };
    case 'fix_keychain':
      return { ...base, offerSessionOnly: true };
    case 'other':
      return { ...base, retry: true };
    default:
      throw new Error(`unhandled remedy ${err.remedy}`);
  }
}

/** Milliseconds since the epoch before which Retry stays disabled, or null. */
export function retryAtFor(action, now) {
  return action && action.retryAfterSecs > 0 ? now + action.retryAfterSecs * SECOND : null;
}

/** The Retry button for a rate-limit wait: disabled with "Retry in 42 s" until it may be pressed. */
export function retryButtonState(retryAt, now) {
  if (retryAt == null || !(retryAt - now > 0)) return { disabled: false, label: 'Retry', waitSecs: 0 };
  const waitSecs = Math.ceil((retryAt - now) / SECOND);
  return { disabled: true, label: `Retry in ${formatDuration(waitSecs)}`, waitSecs };
}

/**
 * A dashboard notice for a failed refresh (the `refresh-failed` event or a failed "Refresh now").
 * A new NPSSO needed asks to "Sign in again"; anything else offers "Try again".
 */
export function refreshFailureNotice({ accountId, ...rawError }, accounts = [], activeId = null) {
  const err = normalizeError(rawError);
  const account = accounts.find((a) => a.accountId === accountId) ?? null;
  const who = account && accountId !== activeId ? ` for ${account.label}` : '';
  const base = { accountId, kind: err.kind, remedy: err.remedy, message: err.message };
  switch (err.remedy) {
    case 'new_npsso':
      return { ...base, title: `A new NPSSO is needed${who}`, action: 'sign_in_again', actionLabel: 'Sign in again' };
    case 'fix_keychain':
      return { ...base, title: `The keychain needs you${who}`, action: 'retry_refresh', actionLabel: 'Try again' };
    case 'fix_input':
    case 'retry_later':
    case 'other':
      return { ...base, title: `Refreshing the tokens failed${who}`, action: 'retry_refresh', actionLabel: 'Try again' };
    default:
      throw new Error(`unhandled remedy ${err.remedy}`);
  }
}
