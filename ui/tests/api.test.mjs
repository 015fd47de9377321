import test from 'node:test';
import assert from 'node:assert/strict';
import { api, hasBackend, onEvent } from '../js/api.js';
import { backendError } from './kinds.mjs';

function fakeTauri(handler) {
  const calls = [];
  const listeners = {};
  globalThis.__TAURI__ = {
    core: {
      invoke: async (cmd, args) => {
        calls.push([cmd, args]);
        return handler(cmd, args);
      },
    },
    event: {
      listen: async (name, cb) => {
        listeners[name] = cb;
        return () => delete listeners[name];
      },
    },
  };
  return { calls, listeners };
}

test.afterEach(() => {
  delete globalThis.__TAURI__;
});

test('without Tauri every command rejects with a readable error', async () => {
  assert.equal(hasBackend(), false);
  await assert.rejects(api.screen(), (e) => e.kind === 'no_backend' && e.message.length > 0);
  const unlisten = await onEvent('accounts-changed', () => {});
  assert.equal(typeof unlisten, 'function');
});

test('commands use the backend names and camelCase arguments', async () => {
  const { calls } = fakeTauri(() => null);
  await api.copyToken('acc-1', 'refresh');
  await api.refreshNow('acc-1');
  await api.switchAccount('acc-2');
  await api.signOut('acc-2');
  await api.signIn('npsso-text');
  await api.validateNpsso('abc');
  await api.appView();
  await api.screen();
  await api.uiReady();
  assert.deepEqual(calls, [
    ['copy_token', { accountId: 'acc-1', which: 'refresh' }],
    ['refresh_now', { accountId: 'acc-1' }],
    ['switch_account', { accountId: 'acc-2' }],
    ['sign_out', { accountId: 'acc-2' }],
    ['sign_in', { input: 'npsso-text' }],
    ['validate_npsso', { input: 'abc' }],
    ['app_view', undefined],
    ['screen', undefined],
    ['ui_ready', { times: undefined }],
  ]);
});

test('rejections are normalised', async () => {
  fakeTauri((cmd) => {
    if (cmd === 'sign_in') throw backendError('rate_limited', 'Wait.', { retryAfterSecs: 60 });
    throw 'plain string failure';
  });
  await assert.rejects(api.signIn('x'), backendError('rate_limited', 'Wait.', { retryAfterSecs: 60 }));
  await assert.rejects(api.screen(), { kind: 'unknown', remedy: 'other', message: 'plain string failure' });
});

test('events deliver the payload only', async () => {
  const { listeners } = fakeTauri(() => null);
  let got;
  await onEvent('refresh-failed', (p) => { got = p; });
  listeners['refresh-failed']({ event: 'refresh-failed', id: 1, payload: { accountId: 'a', kind: 'network', message: 'm' } });
  assert.deepEqual(got, { accountId: 'a', kind: 'network', message: 'm' });
});
