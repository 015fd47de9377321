// Drives main.js against index.html in a fake DOM with a fake backend: first run, wizard errors,
// sign-in, dashboard, copy, refresh, notices, switching and sign-out. Tests run in order and
// share one app instance.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  NPSSO, account, allByTestId, byTestId, change, deferred, fakeBackend, pressEnter, settle, sleep, startApp, type,
  visibleScreen,
} from './harness.mjs';
import { backendError } from './kinds.mjs';

const backend = fakeBackend();
let doc;
const $ = (id) => byTestId(doc, id);
const count = (cmd) => backend.calls.filter(([c]) => c === cmd).length;
const toasts = () => allByTestId(doc, 'toast').map((t) => t.textContent);

test('first run opens the wizard on step 1 with Sign in disabled', async () => {
  doc = await startApp(backend);
  assert.equal(visibleScreen(doc), 'wizard');
  assert.equal(doc.getElementById('step-1').getAttribute('data-status'), 'current');
  assert.equal($('sign-in').disabled, true);
  assert.equal($('cancel-wizard').hidden, true, 'no dashboard to cancel back to');
  assert.equal($('npsso-input').type, 'password');
  assert.equal($('error-message').textContent, '');
  assert.equal(doc.getElementById('banner-demo').hidden, true);
  await sleep(30);
  assert.equal(count('ui_ready'), 1);
});

test('opening the pages ticks steps 1 and 2', async () => {
  $('open-signin').click();
  await settle();
  assert.equal(doc.getElementById('step-1').getAttribute('data-status'), 'done');
  assert.equal(doc.getElementById('step-2').getAttribute('aria-current'), 'step');
  $('open-ssocookie').click();
  await settle();
  assert.equal(doc.getElementById('step-3').getAttribute('data-status'), 'current');
  assert.equal(count('open_sign_in_page'), 1);
  assert.equal(count('open_ssocookie_page'), 1);
});

test('live validation is debounced and shows the message under the field', async () => {
  const before = count('validate_npsso');
  type($('npsso-input'), 'a');
  type($('npsso-input'), 'ab');
  type($('npsso-input'), 'abc');
  await sleep(250);
  assert.equal(count('validate_npsso') - before, 1, 'one call for three quick keystrokes');
  assert.match($('error-message').textContent, /3 characters/);
  assert.equal($('npsso-input').getAttribute('aria-invalid'), 'true');
  assert.equal($('sign-in').disabled, true);
});

test('show/hide toggles the field type', () => {
  $('toggle-npsso-visibility').click();
  assert.equal($('npsso-input').type, 'text');
  assert.equal($('toggle-npsso-visibility').textContent, 'Hide');
  $('toggle-npsso-visibility').click();
  assert.equal($('npsso-input').type, 'password');
});

test('Paste happens in Rust: the page shows a masked preview and Sign in uses the kept NPSSO', async () => {
  $('paste-npsso').click();
  await settle(50);
  assert.equal(count('paste_npsso'), 1);
  assert.equal($('npsso-input').value, '', 'the NPSSO never enters the page');
  assert.equal($('npsso-input').getAttribute('placeholder'), 'Pasted: AAAA…AAAA');
  assert.equal($('error-message').textContent, '');
  assert.equal($('sign-in').disabled, false);
});

test('a clipboard that holds no NPSSO (say, a copied token) is refused with its reason', async () => {
  backend.clipboard = 'eyJhbGciOiJSUzI1NiJ9.not-an-npsso';
  $('paste-npsso').click();
  await settle(50);
  assert.match($('error-message').textContent, /should have 64/);
  assert.equal($('sign-in').disabled, true);
  assert.equal($('npsso-input').getAttribute('placeholder'), null);
  delete backend.clipboard;
  $('paste-npsso').click();
  await settle(50);
  assert.equal($('sign-in').disabled, false);
});

test('npsso_rejected sends the user back to step 2 with the message there', async () => {
  backend.handlers.sign_in = () => { throw backendError('npsso_rejected', 'Sony did not accept this NPSSO.'); };
  pressEnter($('npsso-input'));
  await settle(50);
  const msg = $('error-message');
  assert.equal(msg.textContent, 'Sony did not accept this NPSSO.');
  assert.equal(msg.parentElement.parentElement.id, 'error-slot-2');
  assert.equal(doc.getElementById('step-2').getAttribute('data-status'), 'current');
  assert.equal($('npsso-input').value, '', 'the rejected NPSSO is cleared');
  assert.equal($('retry-sign-in').isShown, false);
});

test('rate_limited disables Retry with a countdown, then allows it', async () => {
  type($('npsso-input'), NPSSO);
  await sleep(250);
  assert.equal($('error-message').parentElement.parentElement.id, 'error-slot-3', 'message moved back to step 3');
  backend.handlers.sign_in = () => { throw backendError('rate_limited', 'Sony is limiting requests.', { retryAfterSecs: 1 }); };
  $('sign-in').click();
  await settle(50);
  assert.equal($('error-message').textContent, 'Sony is limiting requests.');
  assert.equal($('retry-sign-in').isShown, true);
  assert.equal($('retry-sign-in').disabled, true);
  assert.equal($('retry-sign-in').textContent, 'Retry in 1 s');
  assert.equal($('sign-in').disabled, true);
  await sleep(1100);
  assert.equal($('retry-sign-in').disabled, false);
  assert.equal($('retry-sign-in').textContent, 'Retry');
});

test('while signing in, a second press or Enter does nothing', async () => {
  const pending = deferred();
  backend.handlers.sign_in = () => pending.promise;
  const before = count('sign_in');
  $('retry-sign-in').click();
  await settle();
  assert.equal($('sign-in').disabled, true);
  assert.equal($('sign-in').textContent.trim(), 'Signing in…');
  assert.equal($('sign-in').querySelector('.spinner').hidden, false);
  $('sign-in').click();
  pressEnter($('npsso-input'));
  await settle();
  assert.equal(count('sign_in') - before, 1);
  pending.reject(backendError('network', 'Could not reach Sony.'));
  await settle(50);
  assert.equal($('error-message').textContent, 'Could not reach Sony.');
  assert.equal($('retry-sign-in').disabled, false);
  assert.equal($('sign-in').textContent.trim(), 'Sign in');
});

test('keychain errors offer memory-only storage, which retries the sign-in', async () => {
  backend.handlers.sign_in = () => { throw backendError('keychain_locked', 'Unlock the keychain.'); };
  $('retry-sign-in').click();
  await settle(50);
  assert.equal($('use-session-only').isShown, true);
  assert.equal($('retry-sign-in').isShown, false);
  delete backend.handlers.sign_in;
  $('use-session-only').click();
  await settle(80);
  assert.equal(count('use_session_only'), 1);
  assert.equal(doc.getElementById('banner-session').hidden, false);
  assert.equal($('wizard-result').isShown, true, 'sign-in was retried and succeeded');
  assert.equal(doc.getElementById('wizard-result-title').textContent, 'Signed in as Alice');
  assert.equal($('npsso-input').value, '', 'the NPSSO does not linger in the page');
});

test('Continue opens the dashboard for the new account', async () => {
  $('wizard-continue').click();
  await settle(50);
  assert.equal(visibleScreen(doc), 'dashboard');
  assert.equal($('account-name').textContent, 'Alice');
  assert.equal(doc.getElementById('avatar').textContent, 'A');
  assert.equal($('access-token-masked').textContent, 'eyJh…Qz9x');
  assert.match($('access-expiry').textContent, /^Expires in 5\d min( \d+ s)?$/);
  assert.ok($('access-expiry').getAttribute('title').length > 0);
  assert.ok(!Number.isNaN(Date.parse($('access-expiry').getAttribute('datetime'))));
  assert.match($('refresh-expiry').textContent, /^Expires in (50 days|49 days 23 h)$/);
  assert.equal($('refresh-notice').hidden, true);
  assert.equal($('account-switcher').disabled, true, 'only one account');
  assert.ok(toasts().includes('Signed in as Alice'));
  assert.equal(doc.activeElement, $('account-name'), 'focus moved to the new screen');
});

test('Copy shows the clearing toast and never receives the token', async () => {
  $('copy-access-token').click();
  await settle(50);
  assert.ok(toasts().includes('Copied, clears in 30 s'));
  assert.deepEqual(backend.calls.at(-1), ['copy_token', { accountId: 'acc-alice', which: 'access' }]);
  $('copy-refresh-token').click();
  await settle(50);
  assert.deepEqual(backend.calls.filter(([c]) => c === 'copy_token').at(-1), ['copy_token', { accountId: 'acc-alice', which: 'refresh' }]);
});

test('Refresh now shows a spinner, then a toast', async () => {
  const pending = deferred();
  backend.handlers.refresh_now = () => pending.promise;
  $('refresh-now').click();
  await settle();
  assert.equal($('refresh-now').disabled, true);
  assert.equal($('refresh-now').querySelector('.spinner').hidden, false);
  pending.resolve(backend.accounts[0]);
  await settle(50);
  delete backend.handlers.refresh_now;
  assert.equal($('refresh-now').disabled, false);
  assert.ok(toasts().includes('Tokens refreshed'));
});

test('refresh-failed (refresh_rejected) shows a notice that starts the wizard', async () => {
  backend.emit('refresh-failed', { accountId: 'acc-alice', ...backendError('refresh_rejected', 'The refresh token was rejected.'), stopped: true });
  await settle();
  const notice = $('refresh-failed-notice');
  assert.match(notice.textContent, /A new NPSSO is needed/);
  assert.match(notice.textContent, /The refresh token was rejected\./);
  $('notice-sign-in-again').click();
  await settle();
  assert.equal(visibleScreen(doc), 'wizard');
  assert.equal(doc.getElementById('wizard-title').textContent, 'Sign in again');
  assert.equal($('cancel-wizard').hidden, false);
  $('cancel-wizard').click();
  await settle();
  assert.equal(visibleScreen(doc), 'dashboard');
  $('notice-dismiss').click();
  await settle();
  assert.equal(allByTestId(doc, 'refresh-failed-notice').length, 0);
});

test('accounts-changed re-renders; expiring refresh token shows the notice', async () => {
  backend.accounts[0] = account('acc-alice', 'Alice', { minutes: 5, days: 3.5 });
  backend.emit('accounts-changed', null);
  await settle(50);
  assert.equal($('access-expiry').getAttribute('data-level'), 'amber');
  assert.equal($('refresh-expiry').getAttribute('data-level'), 'amber');
  assert.equal($('refresh-notice').hidden, false);
  assert.match($('refresh-notice').textContent, /Your refresh token expires in 3 days\. After that a new NPSSO is needed\./);
  $('sign-in-again').click();
  await settle();
  assert.equal(visibleScreen(doc), 'wizard');
  $('cancel-wizard').click();
  await settle();
});

test('countdowns tick every second', async () => {
  const first = $('access-expiry').textContent;
  // The one-second timer runs at an arbitrary phase; within two seconds the text must change.
  let changed = false;
  for (let i = 0; i < 22 && !changed; i += 1) {
    await sleep(100);
    changed = $('access-expiry').textContent !== first;
  }
  assert.ok(changed, `still "${first}" after 2.2 s`);
  assert.match($('access-expiry').textContent, /^Expires in 4 min 5\d s$/);
});

test('Add account, then switching accounts', async () => {
  $('add-account').click();
  await settle();
  assert.equal(visibleScreen(doc), 'wizard');
  assert.equal(doc.getElementById('wizard-title').textContent, 'Add an account');
  backend.handlers.sign_in = () => {
    const bob = account('acc-bob', 'Bob');
    backend.accounts.push(bob);
    backend.activeId = bob.accountId;
    return { account: { ...bob, active: true }, screen: backend.screen() };
  };
  type($('npsso-input'), NPSSO);
  await sleep(250);
  pressEnter($('npsso-input'));
  await settle(50);
  $('wizard-continue').click();
  await settle(50);
  assert.equal($('account-name').textContent, 'Bob');
  const switcher = $('account-switcher');
  assert.equal(switcher.disabled, false);
  assert.deepEqual(switcher.children.map((o) => o.textContent), ['Alice', 'Bob']);
  change(switcher, 'acc-alice');
  await settle(50);
  assert.equal($('account-name').textContent, 'Alice');
  assert.ok(toasts().includes('Switched to Alice'));
});

test('Sign out asks first; Cancel keeps the account', async () => {
  $('sign-out').click();
  await settle();
  const dialog = doc.getElementById('sign-out-dialog');
  assert.equal(dialog.hasAttribute('open'), true);
  assert.match(dialog.textContent, /Sony offers no way to revoke tokens, so copies you pasted elsewhere stay valid until they expire\./);
  assert.equal(doc.getElementById('sign-out-title').textContent, 'Sign out of Alice?');
  $('cancel-sign-out').click();
  await settle();
  assert.equal(count('sign_out'), 0);
});

test('confirmed sign-out of every account returns to the wizard', async () => {
  $('sign-out').click();
  await settle();
  $('confirm-sign-out').click();
  await settle(50);
  assert.equal(count('sign_out'), 1);
  assert.equal($('account-name').textContent, 'Bob');
  $('sign-out').click();
  await settle();
  $('confirm-sign-out').click();
  await settle(50);
  assert.equal(visibleScreen(doc), 'wizard');
  assert.equal($('cancel-wizard').hidden, true);
});
