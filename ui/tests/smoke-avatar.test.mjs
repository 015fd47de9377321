// The avatar arrives from the backend as a data: URL and replaces the initial; anything else
// (a remote URL, nothing) keeps the initial: the page never loads remote images.
import test from 'node:test';
import assert from 'node:assert/strict';
import { account, byTestId, change, fakeBackend, settle, startApp, visibleScreen } from './harness.mjs';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

test('avatar picture for one account, initial for another', async () => {
  const backend = fakeBackend();
  backend.accounts = [account('a', 'Alice'), account('b', 'Bob')];
  backend.activeId = 'a';
  backend.avatars = { a: PNG, b: 'https://example.com/remote.png' };
  const doc = await startApp(backend);
  const $ = (id) => byTestId(doc, id);
  await settle(50);
  assert.equal(visibleScreen(doc), 'dashboard');
  const avatar = doc.getElementById('avatar');
  const img = avatar.querySelector('img');
  assert.ok(img, 'the picture is shown');
  assert.equal(img.getAttribute('src'), PNG);
  assert.equal(img.getAttribute('alt'), '');
  assert.ok(avatar.classList.contains('avatar-picture'));
  assert.equal(backend.calls.filter(([cmd]) => cmd === 'avatar').length, 1);

  change($('account-switcher'), 'b');
  await settle(50);
  assert.equal($('account-name').textContent, 'Bob');
  assert.equal(avatar.querySelector('img'), null, 'a remote URL is never put in the page');
  assert.equal(avatar.textContent, 'B');
  assert.ok(!avatar.classList.contains('avatar-picture'));
});
