// Opened outside Tauri: an explanation and Try again, never a blank page.
import test from 'node:test';
import assert from 'node:assert/strict';
import { byTestId, fakeBackend, startApp, visibleScreen } from './harness.mjs';

test('without a backend the error screen explains itself', async () => {
  const doc = await startApp(fakeBackend(), { tauri: false });
  assert.equal(visibleScreen(doc), 'error');
  assert.match(byTestId(doc, 'load-error-message').textContent, /backend/);
  assert.equal(byTestId(doc, 'load-retry').hidden, false);
  assert.equal(byTestId(doc, 'load-session-only').hidden, true);
});
