// Loads index.html into the fake DOM, installs a fake Tauri backend and starts main.js.
// Used by the smoke tests; not a test file itself.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeEvent, parseHtml } from './fake-dom.mjs';

const UI = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const NPSSO = 'A'.repeat(64);

export function account(id, label, { minutes = 55, days = 50 } = {}) {
  const now = Date.now();
  return {
    accountId: id,
    label,
    onlineId: label,
    avatarUrl: null,
    active: false,
    obtainedAt: new Date(now - 5 * 60_000).toISOString(),
    accessExpiresAt: new Date(now + minutes * 60_000).toISOString(),
    refreshExpiresAt: new Date(now + days * 86_400_000).toISOString(),
  };
}

/**
 * A scriptable stand-in for the Rust commands, speaking their shapes (src-tauri/src/view.rs).
 * `handlers[cmd]` may be set by a test to override one command (return a value, or throw a
 * backend error). `keychainError` (a backend error) makes the keychain screen show until
 * `use_session_only` or a `retry_keychain` after `keychainError` was cleared.
 */
export function fakeBackend({ keychainError = null, ...info } = {}) {
  const b = {
    info: {
      version: '0.1.0', demo: false, overrides: [], sessionOnly: false, ...info,
    },
    keychainError,
    accounts: [],
    activeId: null,
    calls: [],
    handlers: {},
    listeners: {},
    emit(name, payload) {
      for (const cb of this.listeners[name] ?? []) cb({ event: name, id: 1, payload });
    },
    overview() {
      const accounts = b.accounts.map((a) => ({ ...a, active: a.accountId === b.activeId }));
      const act = accounts.find((a) => a.active);
      // Due 5 minutes before its end, as the library says of Sony's hour-long tokens.
      const accessDueAt = act && new Date(Date.parse(act.accessExpiresAt) - 5 * 60_000).toISOString();
      return { accounts, active: act ? { account: act, accessMasked: 'eyJh…Qz9x', refreshMasked: 'rt01…f00d', accessDueAt } : null };
    },
    screen() {
      if (b.keychainError && !b.info.sessionOnly) return { screen: 'keychain', data: b.keychainError };
      if (b.accounts.length === 0) return { screen: 'welcome' };
      return { screen: 'dashboard', data: b.overview() };
    },
    view() {
      return { info: { ...b.info }, screen: b.screen() };
    },
    async invoke(cmd, args) {
      b.calls.push([cmd, args]);
      if (b.handlers[cmd]) return b.handlers[cmd](args);
      switch (cmd) {
        case 'app_view': return b.view();
        case 'screen': return b.screen();
        case 'use_session_only': b.info = { ...b.info, sessionOnly: true }; return b.view();
        case 'retry_keychain': return b.view();
        case 'validate_npsso': {
          const value = (args.input.match(/"npsso"\s*:\s*"([^"]*)"/)?.[1] ?? args.input).trim();
          return value.length === 64
            ? { ok: true }
            : { ok: false, kind: 'wrong_length', message: `The NPSSO has ${value.length} characters; it should have 64.` };
        }
        case 'paste_npsso': {
          const value = (b.clipboard ?? `{"npsso":"${NPSSO}"}`).match(/"npsso"\s*:\s*"([^"]*)"/)?.[1] ?? b.clipboard;
          return value.length === 64
            ? { ok: true, preview: `${value.slice(0, 4)}…${value.slice(-4)}` }
            : { ok: false, kind: 'wrong_length', message: `The NPSSO has ${value.length} characters; it should have 64.` };
        }
        case 'sign_in': {
          const a = account('acc-alice', 'Alice');
          if (!b.accounts.some((x) => x.accountId === a.accountId)) b.accounts.push(a);
          b.activeId = a.accountId;
          return { account: { ...a, active: true }, screen: b.screen() };
        }
        case 'open_sign_in_page':
        case 'open_ssocookie_page':
        case 'ui_ready':
          return null;
        case 'avatar': return b.avatars?.[args.accountId] ?? null;
        case 'set_start_at_login': b.info.startAtLogin = args.enabled; return args.enabled;
        case 'save_calendar_reminder': {
          const a = b.accounts.find((x) => x.accountId === args.accountId);
          return `/home/user/Downloads/psn-auth-${a.label}.ics`;
        }
        case 'copy_token': return { clearsInSecs: b.clearsInSecs ?? 30 };
        case 'refresh_now': return b.accounts.find((a) => a.accountId === args.accountId);
        case 'switch_account': b.activeId = args.accountId; return b.accounts.find((a) => a.accountId === args.accountId);
        case 'sign_out':
          b.accounts = b.accounts.filter((a) => a.accountId !== args.accountId);
          if (b.activeId === args.accountId) b.activeId = b.accounts[0]?.accountId ?? null;
          return null;
        default:
          throw { kind: 'unknown_command', remedy: 'other', message: `no fake for ${cmd}` };
      }
    },
  };
  return b;
}

/** Install globals, then import main.js (once per process). */
export async function startApp(backend, { tauri = true } = {}) {
  const doc = parseHtml(readFileSync(join(UI, 'index.html'), 'utf8'));
  const realSetTimeout = globalThis.setTimeout;
  const realSetInterval = globalThis.setInterval;
  // The app's own timers must not keep the test process alive.
  globalThis.setTimeout = (fn, ms, ...rest) => {
    const t = realSetTimeout(fn, ms, ...rest);
    t.unref?.();
    return t;
  };
  globalThis.setInterval = (fn, ms, ...rest) => {
    const t = realSetInterval(fn, ms, ...rest);
    t.unref?.();
    return t;
  };
  globalThis.document = doc;
  globalThis.window = globalThis;
  globalThis.requestAnimationFrame = (cb) => globalThis.setTimeout(() => cb(Date.now()), 0);
  if (tauri) globalThis.__TAURI__ = {
    core: { invoke: (cmd, args) => backend.invoke(cmd, args) },
    event: {
      listen: async (name, cb) => {
        (backend.listeners[name] ??= []).push(cb);
        return () => {};
      },
    },
  };
  await import('../js/main.js');
  await settle();
  return doc;
}

/** Let pending promises and 0-ms timers run. */
export async function settle(ms = 20) {
  await sleep(ms);
}

export function byTestId(doc, id) {
  const found = doc.querySelectorAll('[data-testid]').filter((el) => el.getAttribute('data-testid') === id);
  if (found.length === 0) throw new Error(`no element with data-testid=${id}`);
  return found[0];
}

export function allByTestId(doc, id) {
  return doc.querySelectorAll('[data-testid]').filter((el) => el.getAttribute('data-testid') === id);
}

export function visibleScreen(doc) {
  const shown = ['loading', 'error', 'keychain', 'wizard', 'dashboard']
    .filter((s) => !doc.getElementById(`screen-${s}`).hidden);
  if (shown.length !== 1) throw new Error(`screens shown: ${shown.join(', ')}`);
  return shown[0];
}

export function type(el, text) {
  el.value = text;
  el.dispatchEvent(makeEvent('input', { bubbles: true }));
}

export function pressEnter(el) {
  el.dispatchEvent(makeEvent('keydown', { key: 'Enter', bubbles: true }));
}

export function change(el, value) {
  el.value = value;
  el.dispatchEvent(makeEvent('change', { bubbles: true }));
}

export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

export { sleep };
