import test from 'node:test';
import assert from 'node:assert/strict';
import {
  copiedToast, copiedWithWarningToast, signedInToast, signedOutToast, switchedToast, toastDuration,
} from '../js/toasts.js';

test('copy toast uses the number from the backend', () => {
  assert.equal(copiedToast(30), 'Copied, clears in 30 s');
  assert.equal(copiedToast(45), 'Copied, clears in 45 s');
  assert.equal(copiedToast(0), 'Copied');
  assert.equal(copiedToast(undefined), 'Copied');
});

test('a copy through a failed refresh says so, with the backend\'s warning', () => {
  assert.equal(
    copiedWithWarningToast(30, 'the refresh failed (network). Valid for 4 minutes more.'),
    'Copied, clears in 30 s. Note: the refresh failed (network). Valid for 4 minutes more.',
  );
  assert.equal(toastDuration('warning'), 8000);
});

test('toasts name the account, and read well without one', () => {
  assert.equal(switchedToast('Bob'), 'Switched to Bob');
  assert.equal(signedInToast('Alice'), 'Signed in as Alice');
  assert.equal(signedOutToast('Alice'), 'Signed out of Alice');
  assert.equal(signedOutToast(null), 'Signed out');
  assert.equal(switchedToast(undefined), 'Switched account');
  assert.equal(signedInToast(''), 'Signed in');
  assert.ok(toastDuration('error') > toastDuration('success'));
});
