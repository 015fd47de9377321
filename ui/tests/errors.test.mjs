import test from 'node:test';
import assert from 'node:assert/strict';
import {
  KEYCHAIN_KINDS, normalizeError, refreshFailureNotice, retryAtFor, retryButtonState, wizardActionFor,
} from '../js/errors.js';

const err = (kind, extra = {}) => ({ kind, message: `message for ${kind}`, ...extra });

test('normalizeError keeps backend errors and wraps anything else', () => {
  assert.deepEqual(normalizeError(err('network')), { kind: 'network', message: 'message for network' });
  assert.deepEqual(normalizeError(err('rate_limited', { retryAfterSecs: 30 })),
    { kind: 'rate_limited', message: 'message for rate_limited', retryAfterSecs: 30 });
  assert.equal(normalizeError(err('rate_limited', { retryAfterSecs: null })).retryAfterSecs, undefined);
  assert.deepEqual(normalizeError('boom'), { kind: 'unknown', message: 'boom' });
  assert.deepEqual(normalizeError(new Error('bad')), { kind: 'unknown', message: 'bad' });
  assert.equal(normalizeError(undefined).kind, 'unknown');
  assert.ok(normalizeError({}).message.length > 0);
});

test('invalid_npsso stays on the paste step without Retry', () => {
  const a = wizardActionFor(err('invalid_npsso'));
  assert.equal(a.step, 3);
  assert.equal(a.retry, false);
  assert.equal(a.offerSessionOnly, false);
  assert.equal(a.message, 'message for invalid_npsso');
});

test('npsso_rejected goes back to step 2 and clears the dead NPSSO', () => {
  const a = wizardActionFor(err('npsso_rejected'));
  assert.equal(a.step, 2);
  assert.equal(a.retry, false);
  assert.equal(a.clearInput, true);
});

test('transient failures show the message and Retry', () => {
  for (const kind of ['code_rejected', 'sony_unavailable', 'network', 'lock_timeout', 'malformed_response', 'something_new']) {
    const a = wizardActionFor(err(kind));
    assert.equal(a.step, 3, kind);
    assert.equal(a.retry, true, kind);
    assert.equal(a.offerSessionOnly, false, kind);
    assert.equal(a.retryAfterSecs, null, kind);
  }
});

test('rate_limited carries the wait, or none', () => {
  assert.equal(wizardActionFor(err('rate_limited', { retryAfterSecs: 42 })).retryAfterSecs, 42);
  const noWait = wizardActionFor(err('rate_limited'));
  assert.equal(noWait.retry, true);
  assert.equal(noWait.retryAfterSecs, null);
});

test('keychain failures offer memory-only storage instead of Retry', () => {
  assert.deepEqual([...KEYCHAIN_KINDS], ['keychain_unavailable', 'keychain_locked', 'keychain_timeout']);
  for (const kind of KEYCHAIN_KINDS) {
    const a = wizardActionFor(err(kind));
    assert.equal(a.offerSessionOnly, true, kind);
    assert.equal(a.retry, false, kind);
  }
  assert.equal(wizardActionFor(err('keychain_corrupt')).offerSessionOnly, false);
});

test('rate-limit Retry counts down and then enables', () => {
  const now = 1_000_000;
  const retryAt = retryAtFor(wizardActionFor(err('rate_limited', { retryAfterSecs: 65 })), now);
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
  const rejected = refreshFailureNotice(err('refresh_rejected', { accountId: 'a' }), accounts, 'a');
  assert.equal(rejected.title, 'A new NPSSO is needed');
  assert.equal(rejected.action, 'sign_in_again');
  assert.equal(rejected.message, 'message for refresh_rejected');
  const other = refreshFailureNotice(err('network', { accountId: 'b' }), accounts, 'a');
  assert.equal(other.action, 'retry_refresh');
  assert.equal(other.title, 'Refreshing the tokens failed for Bob');
});
