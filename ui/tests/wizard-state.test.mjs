import test from 'node:test';
import assert from 'node:assert/strict';
import { canSubmit, initialWizard, wizardReducer, wizardView } from '../js/wizard-state.js';
import { backendError } from './kinds.mjs';

const NOW = 1_000_000;
const run = (state, ...actions) => actions.reduce(wizardReducer, state);
const valid = () => run(initialWizard(), { type: 'input', empty: false, now: NOW }, { type: 'validated', ok: true });

test('starts on step 1 with Sign in disabled', () => {
  const v = wizardView(initialWizard(), NOW);
  assert.deepEqual(v.steps.map((s) => s.status), ['current', 'todo', 'todo']);
  assert.equal(v.signIn.disabled, true);
  assert.equal(v.message, '');
});

test('opening the pages ticks steps and moves on', () => {
  const s1 = run(initialWizard(), { type: 'opened', step: 1 });
  assert.deepEqual(wizardView(s1, NOW).steps.map((s) => s.status), ['done', 'current', 'todo']);
  const s2 = run(s1, { type: 'opened', step: 2 });
  assert.deepEqual(wizardView(s2, NOW).steps.map((s) => s.status), ['done', 'done', 'current']);
});

test('validation enables Sign in only when ok', () => {
  const pending = run(initialWizard(), { type: 'input', empty: false, now: NOW });
  assert.equal(canSubmit(pending, NOW), false);
  const bad = run(pending, { type: 'validated', ok: false, message: 'Too short: 12 of 64 characters.' });
  assert.equal(canSubmit(bad, NOW), false);
  assert.equal(wizardView(bad, NOW).message, 'Too short: 12 of 64 characters.');
  const good = valid();
  assert.equal(canSubmit(good, NOW), true);
  assert.equal(good.current, 3, 'a valid paste skips ahead to step 3');
});

test('a second submit while signing in does nothing', () => {
  const busy = run(valid(), { type: 'submit', now: NOW });
  assert.equal(busy.busy, true);
  const v = wizardView(busy, NOW);
  assert.equal(v.signIn.label, 'Signing in…');
  assert.equal(v.signIn.disabled, true);
  assert.equal(wizardReducer(busy, { type: 'submit', now: NOW }), busy);
});

test('npsso_rejected moves back to step 2 with the message there', () => {
  const s = run(valid(), { type: 'submit', now: NOW },
    { type: 'failed', error: backendError('npsso_rejected', 'Sony did not accept this NPSSO.'), now: NOW });
  const v = wizardView(s, NOW);
  assert.equal(v.messageStep, 2);
  assert.equal(v.message, 'Sony did not accept this NPSSO.');
  assert.equal(v.steps[1].status, 'current');
  assert.equal(v.retry, null);
  assert.equal(v.signIn.disabled, true, 'the dead NPSSO was cleared');
});

test('rate limit disables Sign in and Retry until the wait is over', () => {
  const s = run(valid(), { type: 'submit', now: NOW },
    { type: 'failed', error: backendError('rate_limited', 'Slow down.', { retryAfterSecs: 30 }), now: NOW });
  let v = wizardView(s, NOW + 1000);
  assert.deepEqual(v.retry, { disabled: true, label: 'Retry in 29 s', waitSecs: 29 });
  assert.equal(v.signIn.disabled, true);
  // Editing the field keeps the rate-limit message while it counts down.
  const edited = wizardReducer(s, { type: 'input', empty: false, now: NOW + 2000 });
  assert.equal(edited.error.kind, 'rate_limited');
  v = wizardView(s, NOW + 30_000);
  assert.deepEqual(v.retry, { disabled: false, label: 'Retry', waitSecs: 0 });
  assert.equal(v.signIn.disabled, false);
});

test('network failure shows Retry; a new paste clears the error', () => {
  const s = run(valid(), { type: 'submit', now: NOW },
    { type: 'failed', error: backendError('network', 'No connection.'), now: NOW });
  assert.equal(wizardView(s, NOW).retry.disabled, false);
  assert.equal(canSubmit(s, NOW), true);
  const edited = wizardReducer(s, { type: 'input', empty: false, now: NOW });
  assert.equal(edited.error, null);
});

test('keychain failure offers memory-only storage', () => {
  const s = run(valid(), { type: 'submit', now: NOW },
    { type: 'failed', error: backendError('keychain_locked', 'Unlock your keychain.'), now: NOW });
  const v = wizardView(s, NOW);
  assert.equal(v.offerSessionOnly, true);
  assert.equal(v.retry, null);
  const after = wizardReducer(s, { type: 'session_only' });
  assert.equal(after.error, null);
  assert.equal(canSubmit(after, NOW), true);
});

test('success ticks every step and blocks further submits', () => {
  const acct = { accountId: 'a', label: 'Alice' };
  const s = run(valid(), { type: 'submit', now: NOW }, { type: 'succeeded', account: acct });
  const v = wizardView(s, NOW);
  assert.deepEqual(v.steps.map((x) => x.status), ['done', 'done', 'done']);
  assert.equal(v.result, acct);
  assert.equal(canSubmit(s, NOW), false);
});

test('"Sign in here" waits while its window is open, then brings the manual steps forward if it closes', () => {
  const start = wizardView(initialWizard(), NOW).signInHere;
  assert.deepEqual([start.label, start.busy, start.disabled, start.status], ['Sign in here', false, false, '']);
  const open = run(initialWizard(), { type: 'window_opening' }, { type: 'window_open' });
  const waiting = wizardView(open, NOW);
  assert.equal(waiting.signInHere.label, 'Waiting for you to sign in…');
  assert.equal(waiting.signInHere.disabled, true);
  assert.match(waiting.signInHere.status, /closes by itself/);
  assert.equal(waiting.manualFirst, false);
  const ended = run(open, { type: 'window_ended', note: 'The sign-in window was closed before you signed in.' });
  const back = wizardView(ended, NOW);
  assert.equal(back.signInHere.label, 'Sign in here');
  assert.equal(back.signInHere.disabled, false);
  assert.equal(back.signInHere.status, 'The sign-in window was closed before you signed in.');
  assert.equal(back.manualFirst, true);
  // Opening it again clears the note; a sign-in through it ends the wizard as any sign-in does.
  const again = run(ended, { type: 'window_opening' });
  assert.equal(wizardView(again, NOW).manualFirst, false);
  const done = run(again, { type: 'succeeded', account: { label: 'Player' } });
  assert.equal(wizardView(done, NOW).signInHere.disabled, true);
  assert.equal(done.signInWindow, 'idle');
});

test('"Sign in here" is unavailable while a pasted NPSSO is signing in', () => {
  const busy = run(valid(), { type: 'submit', now: NOW });
  assert.equal(wizardView(busy, NOW).signInHere.disabled, true);
});
