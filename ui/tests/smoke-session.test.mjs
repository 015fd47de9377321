// Keychain missing, user picks memory-only storage.
import test from 'node:test';
import assert from 'node:assert/strict';
import { byTestId, fakeBackend, settle, startApp, visibleScreen } from './harness.mjs';
import { backendError } from './kinds.mjs';

test('Keep tokens in memory for this session continues with a banner', async () => {
  const backend = fakeBackend({ keychainError: backendError('keychain_locked', 'The keychain is locked.') });
  const doc = await startApp(backend);
  assert.equal(visibleScreen(doc), 'keychain');
  byTestId(doc, 'keychain-session-only').click();
  await settle(50);
  assert.equal(visibleScreen(doc), 'wizard');
  assert.equal(byTestId(doc, 'session-banner').hidden, false);
  assert.equal(byTestId(doc, 'session-banner').textContent, 'Session only: tokens are forgotten when PSN Auth quits');
});
