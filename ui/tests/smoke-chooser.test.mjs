// Accounts exist but none is active: a chooser, not a blank dashboard.
import test from 'node:test';
import assert from 'node:assert/strict';
import { account, byTestId, change, fakeBackend, settle, startApp, visibleScreen } from './harness.mjs';

test('no active account: pick one from the switcher', async () => {
  const backend = fakeBackend();
  backend.accounts = [account('a', 'Alice'), account('b', 'Bob')];
  const doc = await startApp(backend);
  const $ = (id) => byTestId(doc, id);
  assert.equal(visibleScreen(doc), 'dashboard');
  assert.equal($('account-name').textContent, 'No account selected');
  assert.equal($('no-active-account').hidden, false);
  assert.equal(doc.getElementById('token-cards').hidden, true);
  assert.equal($('sign-out').disabled, true);
  const switcher = $('account-switcher');
  assert.deepEqual(switcher.children.map((o) => o.textContent), ['Choose an account…', 'Alice', 'Bob']);
  change(switcher, 'b');
  await settle(50);
  assert.equal($('account-name').textContent, 'Bob');
  assert.equal($('no-active-account').hidden, true);
  assert.equal(doc.getElementById('token-cards').hidden, false);
});
