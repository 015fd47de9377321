import test from 'node:test';
import assert from 'node:assert/strict';
import {
  normalizeError, offersSessionOnly, refreshFailureNotice, retryAtFor, retryButtonState,
  wizardActionFor,
} from '../js/errors.js';
import { REMEDIES } from '../js/contract.js';
import { backendError as err, DOCUMENTED_REMEDIES, REMEDY_OF } from './kinds.mjs';

test('the window handles exactly the remedies the library has and the README documents', () => {
  assert.deepEqual([...REMEDIES].sort(), [...new Set(Object.values(REMEDY_OF))].sort());
  assert.deepEqual([...REMEDIES].sort(), [...DOCUMENTED_REMEDIES].sort());
});

test('every kind the library has gets a wizard action and a dashboard notice', () => {
  for (const kind of Object.keys(REMEDY_OF)) {
    const action = wizardActionFor(err(kind));
    assert.equal(action.kind, kind);
    assert.equal(action.message, `message for ${kind}`);
    const notice = refreshFailureNotice({ accountId: 'a', ...err(kind) }, [], 'a');
    assert.ok(['sign_in_again', 'retry_refresh'].includes(notice.action), kind);
  }
});

test('normalizeError keeps backend errors and wraps anything else', () => {
  assert.deepEqual(normalizeError(err('network')), { kind: 'network', remedy: 'retry_later', message: 'message for network' });
  assert.deepEqual(normalizeError(err('rate_limited', 'Wait.', { retryAfterSecs: 30 })),
    { kind: 'rate_limited', remedy: 'retry_later', message: 'Wait.', retryAfterSecs: 30 });
  assert.equal(normalizeError(err('rate_limited', 'Wait.', { retryAfterSecs: null })).retryAfterSecs, undefined);
  assert.deepEqual(normalizeError('boom'), { kind: 'unknown', remedy: 'other', message: 'boom' });
  assert.deepEqual(normalizeError(new Error('bad')), { kind: 'unknown', remedy: 'other', message: 'bad' });
  assert.equal(normalizeError({ kind: 'x', remedy: 'made_up', message: 'm' }).remedy, 'other');
  assert.equal(normalizeError(undefined).kind, 'unknown');
  assert.ok(normalizeError({}).message.length > 0);
});

test('a badly copied NPSSO stays on the paste step without Retry', () => {
  const a = wizardActionFor(err('invalid_npsso'));
  assert.equal(a.step, 3);
  assert.equal(a.retry, false);
  assert.equal(a.offerSessionOnly, false);
  assert.equal(a.clearInput, false);
});

test('a rejected NPSSO goes back to step 2 and clears the dead value', () => {
  const a = wizardActionFor(err('npsso_rejected'));
  assert.equal(a.step, 2);
  assert.equal(a.retry, false);
  assert.equal(a.clearInput, true);
});

test('temporary and unreadable failures show the message and Retry', () => {
  for (const kind of ['code_rejected', 'sony_unavailable', 'network', 'lock_timeout', 'malformed_response']) {
    const a = wizardActionFor(err(kind));
    assert.equal(a.step, 3, kind);
    assert.equal(a.retry, true, kind);
    assert.equal(a.offerSessionOnly, false, kind);
    assert.equal(a.retryAfterSecs, null, kind);
  }
  assert.equal(wizardActionFor('a plain string from Tauri').retry, true);
});

test('rate_limited carries the wait, or none', () => {
  assert.equal(wizardActionFor(err('rate_limited', 'm', { retryAfterSecs: 42 })).retryAfterSecs, 42);
  const noWait = wizardActionFor(err('rate_limited'));
  assert.equal(noWait.retry, true);
  assert.equal(noWait.retryAfterSecs, null);
});

test('keychain failures offer memory-only storage instead of Retry, unless already chosen', () => {
  for (const kind of ['keychain_unavailable', 'keychain_locked', 'keychain_timeout', 'keychain_error']) {
    const a = wizardActionFor(err(kind));
    assert.equal(a.offerSessionOnly, true, kind);
    assert.equal(a.retry, false, kind);
    assert.equal(offersSessionOnly(err(kind), { sessionOnly: false }), true, kind);
    assert.equal(offersSessionOnly(err(kind), { sessionOnly: true }), false, kind);
  }
  // A damaged set needs a new sign-in, not another place to keep it.
  assert.equal(wizardActionFor(err('keychain_corrupt')).offerSessionOnly, false);
  assert.equal(offersSessionOnly(err('keychain_corrupt')), false);
});

test('rate-limit Retry counts down and then enables', () => {
  const now = 1_000_000;
  const retryAt = retryAtFor(wizardActionFor(err('rate_limited', 'm', { retryAfterSecs: 65 })), now);
  assert.equal(retryAt, now + 65_000);
  assert.deepEqual(retryButtonState(retryAt, now), { disabled: true, label: 'Retry in 1 min 5 s', waitSecs: 65 });
  assert.equal(retryButtonState(retryAt, now + 5_500).label, 'Retry in 1 min');
  assert.equal(retryButtonState(retryAt, now + 64_001).label, 'Retry in 1 s');
  assert.deepEqual(retryButtonState(retryAt, now + 65_000), { disabled: false, label: 'Retry', waitSecs: 0 });
  assert.equal(retryButtonState(null, now).disabled, false);
  assert.equal(retryAtFor(wizardActionFor(err('network')), now), null);
});

test('refresh failures on the dashboard', () => {
  const accounts = [
    { accountId: 'a', label: 'Alice' },
    { accountId: 'b', label: 'Bob' },
  ];
  const rejected = refreshFailureNotice({ accountId: 'a', ...err('refresh_rejected') }, accounts, 'a');
  assert.equal(rejected.title, 'A new NPSSO is needed');
  assert.equal(rejected.action, 'sign_in_again');
  assert.equal(rejected.message, 'message for refresh_rejected');
  const corrupt = refreshFailureNotice({ accountId: 'a', ...err('keychain_corrupt') }, accounts, 'a');
  assert.equal(corrupt.action, 'sign_in_again', 'the app and the CLI agree: a damaged set needs a new NPSSO');
  const other = refreshFailureNotice({ accountId: 'b', ...err('network') }, accounts, 'a');
  assert.equal(other.action, 'retry_refresh');
  assert.equal(other.title, 'Refreshing the tokens failed for Bob');
  const locked = refreshFailureNotice({ accountId: 'a', ...err('keychain_locked') }, accounts, 'a');
  assert.equal(locked.title, 'The keychain needs you');
  assert.equal(locked.actionLabel, 'Try again');
});
