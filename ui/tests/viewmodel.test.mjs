import test from 'node:test';
import assert from 'node:assert/strict';
import {
  avatarInitial, bannersFor, remindersLead, dashboardView, overviewOf, screenToShow,
} from '../js/viewmodel.js';
import { DAY, MINUTE } from '../js/time.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const iso = (ms) => new Date(NOW + ms).toISOString();

function account(id, label, extra = {}) {
  return {
    accountId: id,
    label,
    onlineId: null,
    avatarUrl: null,
    active: false,
    obtainedAt: iso(-5 * MINUTE),
    accessExpiresAt: iso(55 * MINUTE),
    refreshExpiresAt: iso(50 * DAY),
    ...extra,
  };
}

const INFO = { version: '0.1.0', demo: false, overrides: [], sessionOnly: false };

test('banners follow app_info', () => {
  assert.deepEqual(bannersFor(INFO), []);
  assert.deepEqual(bannersFor({ ...INFO, demo: true }).map((b) => b.text), ['Demo: not connected to PlayStation']);
  const over = bannersFor({ ...INFO, overrides: ['PSN_AUTH_URL', 'PSN_TOKEN_URL'] });
  assert.equal(over[0].text, 'Using test endpoints: PSN_AUTH_URL, PSN_TOKEN_URL');
  const session = bannersFor({ ...INFO, sessionOnly: true });
  assert.equal(session[0].text, 'Session only: tokens are forgotten when PSN Auth quits');
  assert.equal(bannersFor({ ...INFO, demo: true, overrides: ['X'], sessionOnly: true }).length, 3);
  // PSN_AUTH_EXTRA_CA is shown like an override: the backend's warning, as a sentence.
  const ca = bannersFor({ ...INFO, extraCa: 'trusting the extra certificate authority in PSN_AUTH_EXTRA_CA=/x.pem' });
  assert.equal(ca[0].id, 'extraCa');
  assert.equal(ca[0].tone, 'warn');
  assert.equal(ca[0].text, 'Trusting the extra certificate authority in PSN_AUTH_EXTRA_CA=/x.pem');
});

test('the backend\'s screen decides; the user may open the wizard over the dashboard only', () => {
  const kcError = { kind: 'keychain_unavailable', remedy: 'fix_keychain', message: 'No keychain' };
  assert.equal(screenToShow(null), 'loading');
  assert.equal(screenToShow({ screen: 'keychain', data: kcError }), 'keychain');
  assert.equal(screenToShow({ screen: 'keychain', data: kcError }, true), 'keychain');
  assert.equal(screenToShow({ screen: 'error', data: kcError }), 'error');
  assert.equal(screenToShow({ screen: 'welcome' }), 'wizard');
  const dash = { screen: 'dashboard', data: { accounts: [account('a', 'Alice', { active: true })], active: null } };
  assert.equal(screenToShow(dash), 'dashboard');
  assert.equal(screenToShow(dash, true), 'wizard');
  assert.throws(() => screenToShow({ screen: 'made_up' }), /unknown screen/);
  assert.equal(overviewOf(dash), dash.data);
  assert.equal(overviewOf({ screen: 'welcome' }), null);
});

test('empty dashboard view has no active account', () => {
  const v = dashboardView({ accounts: [], active: null }, NOW);
  assert.equal(v.hasAccounts, false);
  assert.equal(v.active, null);
  assert.deepEqual(v.switcher.options, []);
});

test('active account dashboard view', () => {
  const alice = account('a', 'alice_psn', { active: true, onlineId: 'alice_psn' });
  const bob = account('b', 'bob123', { onlineId: 'bob123' });
  const v = dashboardView({
    accounts: [alice, bob],
    active: { account: alice, accessMasked: 'eyJh…Qz', refreshMasked: 'a1b2…9f' },
  }, NOW);
  assert.equal(v.hasAccounts, true);
  assert.equal(v.active.label, 'alice_psn');
  assert.equal('onlineId' in v.active, false, 'the label is the online ID: not repeated');
  assert.equal(v.active.initial, 'A');
  assert.equal(v.active.accessMasked, 'eyJh…Qz');
  assert.equal(v.active.access.text, 'Expires in 55 min');
  assert.equal(v.active.access.level, 'ok');
  assert.equal(v.active.access.datetime, iso(55 * MINUTE));
  assert.ok(v.active.access.title.length > 0);
  assert.equal(v.active.refresh.text, 'Expires in 50 days');
  assert.equal(v.active.refreshNotice, null);
  assert.equal(v.active.obtained, 'Obtained 5 min ago');
  assert.deepEqual(v.switcher.options.map((o) => [o.value, o.label, o.selected]),
    [['a', 'alice_psn', true], ['b', 'bob123', false]]);
  assert.equal(v.switcher.placeholder, null);
  assert.equal(v.switcher.disabled, false);
});

test('an access token warns only once the library calls it due, not 10 minutes ahead', () => {
  const a = account('a', 'Alice', { accessExpiresAt: iso(8 * MINUTE) });
  const due = iso(3 * MINUTE);
  const view = (now) => dashboardView({
    accounts: [a],
    active: { account: a, accessMasked: 'x', refreshMasked: 'y', accessDueAt: due },
  }, now);
  // 8 minutes left, refreshed at 5: nothing for the user to worry about yet.
  assert.equal(view(NOW).active.access.level, 'ok');
  // Past its due time and still not refreshed: now it is worth a look.
  assert.equal(view(NOW + 4 * MINUTE).active.access.level, 'amber');
});

test('expiring and expired tokens in the view', () => {
  const a = account('a', 'Alice', {
    accessExpiresAt: iso(-3 * MINUTE),
    refreshExpiresAt: iso(3 * DAY + MINUTE),
  });
  const v = dashboardView({ accounts: [a], active: { account: a, accessMasked: 'x', refreshMasked: 'y' } }, NOW);
  assert.equal(v.active.access.text, 'Expired 3 min ago');
  assert.equal(v.active.access.level, 'red');
  assert.equal(v.active.refresh.level, 'amber');
  assert.equal(v.active.refreshNotice, 'Your refresh token expires in 3 days. After that a new NPSSO is needed.');
  assert.equal(v.switcher.disabled, true, 'nothing to switch to with one account');
});

test('accounts but none active: a chooser, not a blank page', () => {
  const v = dashboardView({ accounts: [account('a', 'Alice'), account('b', 'Bob')], active: null }, NOW);
  assert.equal(v.active, null);
  assert.equal(v.hasAccounts, true);
  assert.equal(v.switcher.placeholder, 'Choose an account…');
  assert.equal(v.switcher.disabled, false);
  assert.ok(v.switcher.options.every((o) => !o.selected));
});

test('avatar initial and switcher labels', () => {
  assert.equal(avatarInitial('alice'), 'A');
  assert.equal(avatarInitial('  émile'), 'É');
  assert.equal(avatarInitial(''), '?');
  assert.equal(avatarInitial(null), '?');
  // The label is the backend's (online ID, else account id, else "PSN account"): used as is.
  const v = dashboardView({ accounts: [account('x', 'PSN account')], active: null }, NOW);
  assert.equal(v.switcher.options[0].label, 'PSN account');
});

test('the Reminders card says when the library reminds', () => {
  assert.match(remindersLead(), /^PSN Auth reminds you 7 days and 1 day before an account must sign in again/);
  assert.match(remindersLead([3 * DAY]), /reminds you 3 days before/);
});
