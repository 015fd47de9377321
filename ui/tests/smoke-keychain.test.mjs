// Start-up with a broken keychain, demo mode and test endpoints (one app instance, in order).
import test from 'node:test';
import assert from 'node:assert/strict';
import { allByTestId, byTestId, fakeBackend, settle, startApp, visibleScreen } from './harness.mjs';
import { backendError } from './kinds.mjs';

const backend = fakeBackend({
  demo: true,
  overrides: ['PSN_AUTH_AUTHORIZE_URL', 'PSN_AUTH_TOKEN_URL'],
  keychainError: backendError('keychain_unavailable', 'No Secret Service is running. Install gnome-keyring.'),
});
let doc;
const $ = (id) => byTestId(doc, id);

test('keychain problem shows its own screen with the message verbatim', async () => {
  doc = await startApp(backend);
  assert.equal(visibleScreen(doc), 'keychain');
  assert.equal($('keychain-message').textContent, 'No Secret Service is running. Install gnome-keyring.');
  assert.deepEqual(backend.calls.map(([c]) => c).filter((c) => c !== 'ui_ready'), ['app_view'], 'one call, nothing loaded behind it');
});

test('demo and test-endpoint banners', () => {
  assert.equal($('demo-banner').hidden, false);
  assert.equal($('demo-banner').textContent, 'Demo: not connected to PlayStation');
  assert.equal($('overrides-banner').hidden, false);
  assert.equal($('overrides-banner').textContent, 'Using test endpoints: PSN_AUTH_AUTHORIZE_URL, PSN_AUTH_TOKEN_URL');
  assert.equal($('session-banner').hidden, true);
});

test('Try again that still fails stays put and says so', async () => {
  $('keychain-retry').click();
  await settle(50);
  assert.equal(visibleScreen(doc), 'keychain');
  assert.ok(allByTestId(doc, 'toast').some((t) => t.textContent === 'The keychain is still not available'));
});

test('Try again that works goes on to the wizard', async () => {
  backend.keychainError = null;
  $('keychain-retry').click();
  await settle(50);
  assert.equal(visibleScreen(doc), 'wizard');
  assert.equal($('session-banner').hidden, true);
});
