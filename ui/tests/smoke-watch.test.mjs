// The dashboard's Reminders card: start at login and the calendar file; and a window opened
// by a clicked reminder going straight to that account's wizard.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  account, byTestId, change, fakeBackend, settle, startApp, visibleScreen,
} from './harness.mjs';

test('start at login, the calendar reminder, and a reminder that opens the wizard', async () => {
  const backend = fakeBackend();
  backend.accounts = [account('a', 'Alice', { days: 3 })];
  backend.activeId = 'a';
  backend.info.startAtLogin = false;
  const view = backend.view.bind(backend);
  backend.view = () => ({ ...view(), openWizardFor: 'a' });
  const doc = await startApp(backend);
  const $ = (id) => byTestId(doc, id);

  // Opened by a clicked reminder: the wizard, for Alice.
  assert.equal(visibleScreen(doc), 'wizard');
  assert.match(doc.getElementById('wizard-subtitle').textContent, /Sign in as Alice again/);
  doc.getElementById('wizard-cancel').click();
  await settle(20);
  assert.equal(visibleScreen(doc), 'dashboard');

  // Start at login: shown off, turned on through Rust.
  const box = $('start-at-login');
  assert.equal(box.checked, false);
  assert.equal(box.disabled, false);
  box.checked = true;
  change(box, 'on');
  await settle(20);
  assert.deepEqual(backend.calls.filter(([c]) => c === 'set_start_at_login').map(([, a]) => a), [{ enabled: true }]);
  assert.equal(backend.info.startAtLogin, true);
  assert.equal(box.checked, true);

  // The calendar file: saved in Rust, its path shown.
  $('add-calendar-reminder').click();
  await settle(20);
  assert.deepEqual(backend.calls.filter(([c]) => c === 'save_calendar_reminder').map(([, a]) => a), [{ accountId: 'a' }]);
  const saved = $('calendar-saved');
  assert.equal(saved.hidden, false);
  assert.match(saved.textContent, /psn-auth-Alice\.ics/);
  assert.match(doc.getElementById('toasts').textContent, /Calendar reminder saved/);

  // A reminder clicked while the window is open.
  backend.emit('open-wizard', 'a');
  await settle(20);
  assert.equal(visibleScreen(doc), 'wizard');
  assert.match(doc.getElementById('wizard-subtitle').textContent, /Sign in as Alice again/);
});
