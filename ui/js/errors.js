// Pure error handling: normalising rejections, and deciding what the wizard and dashboard do
// with each error kind. No DOM access.

import { formatDuration, SECOND } from './time.js';

const FALLBACK_MESSAGE = 'Something went wrong. Try again.';

/** Kinds for which keeping tokens in memory for this session is offered. */
export const KEYCHAIN_KINDS = Object.freeze(['keychain_unavailable', 'keychain_locked', 'keychain_timeout']);

/**
 * Any rejection value as `{kind, message, retryAfterSecs?}`. The backend rejects with that shape
 * already; strings and Error objects (e.g. from Tauri itself) are wrapped as kind "unknown".
 */
export function normalizeError(err) {
  if (err && typeof err === 'object' && !(err instanceof Error)) {
    const kind = typeof err.kind === 'string' && err.kind !== '' ? err.kind : 'unknown';
    const message = typeof err.message === 'string' && err.message.trim() !== ''
      ? err.message
      : FALLBACK_MESSAGE;
    const out = { kind, message };
    const wait = Number(err.retryAfterSecs);
    if (err.retryAfterSecs != null && Number.isFinite(wait) && wait > 0) out.retryAfterSecs = wait;
    return out;
  }
  if (typeof err === 'string' && err.trim() !== '') return { kind: 'unknown', message: err };
  if (err instanceof Error && err.message) return { kind: 'unknown', message: err.message };
  return { kind: 'unknown', message: FALLBACK_MESSAGE };
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
    message: err.message,
    step: 3,
    retry: false,
    retryAfterSecs: null,
    offerSessionOnly: false,
    clearInput: false,
  };
  switch (err.kind) {
    case 'invalid_npsso':
      return base;
    case 'npsso_rejected':
      return { ...base, step: 2, clearInput: true };
    case 'rate_limited':
      return { ...base, retry: true, retryAfterSecs: err.retryAfterSecs ?? null };
    case 'keychain_unavailable':
    case 'keychain_locked':
    case 'keychain_timeout':
      return { ...base, offerSessionOnly: true };
    // code_rejected, sony_unavailable, network, lock_timeout and anything unknown.
    default:
      return { ...base, retry: true };
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
 * `refresh_rejected` asks for a new NPSSO ("Sign in again"); anything else offers "Try again".
 */
export function refreshFailureNotice({ accountId, kind, message }, accounts = [], activeId = null) {
  const err = normalizeError({ kind, message });
  const account = accounts.find((a) => a.accountId === accountId) ?? null;
  const who = account && accountId !== activeId ? ` for ${account.label}` : '';
  if (err.kind === 'refresh_rejected') {
    return {
      accountId,
      kind: err.kind,
      title: `A new NPSSO is needed${who}`,
      message: err.message,
      action: 'sign_in_again',
      actionLabel: 'Sign in again',
    };
  }
  return {
    accountId,
    kind: err.kind,
    title: `Refreshing the tokens failed${who}`,
    message: err.message,
    action: 'retry_refresh',
    actionLabel: 'Try again',
  };
}
