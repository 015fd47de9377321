// The window's one state object, and how it is drawn. The flows (wizard.js, dashboard.js,
// keychain.js) change `state` and call `render()`; no other module keeps screen state.
//
// What to show comes from the backend as one tagged value, `state.screen` ({screen, data}: see
// src-tauri/src/view.rs); the page adds only the user's own navigation (`wizardOpen`).

import { api } from './api.js';
import { normalizeError, offersSessionOnly } from './errors.js';
import { bannersFor, dashboardView, overviewOf, screenToShow } from './viewmodel.js';
import { initialWizard, wizardView } from './wizard-state.js';
import { visibleNotices } from './notices.js';
import { byId } from './dom.js';
import {
  currentScreenName, renderBanners, renderKeychainScreen, renderLoadError, renderVersion, showScreen,
} from './render-app.js';
import { renderWizard } from './render-wizard.js';
import { renderDashboard, renderDashboardTimes } from './render-dashboard.js';
import { showToast } from './toast-ui.js';

export const state = {
  info: null, // banners: {version, demo, overrides, sessionOnly, startAtLogin}
  screen: null, // the backend's {screen, data}; null until the first answer
  wizardOpen: false, // the user opened the wizard over the dashboard
  openWizardFor: null, // a clicked reminder opened this window for that account
  wizard: initialWizard(),
  notices: [], // failed refreshes: {accountId, kind, remedy, message}
  avatars: new Map(), // accountId -> data: URL, or null while unknown / when there is none
  busy: { refresh: false, switching: false, keychain: false, copy: { access: false, refresh: false } },
  readyReported: false,
  pageTimes: {}, // start-up milestones, ms since navigation, reported with ui_ready
};

/** Milliseconds since the page's navigation began (for the start-up milestones). */
export function pageNow() {
  return typeof performance !== 'undefined' ? Math.round(performance.now()) : null;
}

export const now = () => Date.now();

/** The overview (accounts, active account with masked tokens) when there is one. */
export function overview() {
  return overviewOf(state.screen);
}

export function accounts() {
  return overview()?.accounts ?? [];
}

export function activeAccount() {
  return overview()?.active?.account ?? null;
}

export function findAccount(accountId) {
  return accounts().find((a) => a.accountId === accountId) ?? null;
}

export function errorToast(err) {
  showToast(normalizeError(err).message, { tone: 'error' });
}

/** Focus `el` unless the user's focus is somewhere that still makes sense. */
export function focusIfLost(el) {
  const active = document.activeElement;
  if (!active || active === document.body || active.disabled || active.closest('[hidden]')) {
    if (el && !el.disabled && !el.closest('[hidden]')) el.focus();
  }
}

/** Takes an `AppView` ({info, screen}) from app_view, use_session_only or retry_keychain. */
export function applyView(view) {
  if (view && typeof view === 'object') {
    if (view.info) state.info = view.info;
    if (view.screen) state.screen = view.screen;
    if (view.openWizardFor) state.openWizardFor = view.openWizardFor;
  }
}

/** Asks the backend for the screen the data now calls for, and draws it. */
export async function loadScreen() {
  try {
    state.screen = await api.screen();
  } catch (err) {
    // On the dashboard a failed reload is a toast; anywhere else it is the error screen.
    if (overview()) errorToast(err);
    else state.screen = { screen: 'error', data: normalizeError(err) };
  }
  render();
}

export function renderWizardNow() {
  renderWizard(wizardView(state.wizard, now()), {
    forAccount: state.wizard.forAccount,
    canCancel: accounts().length > 0,
  });
  byId('wizard-cancel').disabled = state.wizard.busy;
}

/** Asks once per account for its avatar (downloaded in Rust), then draws it. */
function loadAvatar(accountId) {
  if (!accountId || state.avatars.has(accountId)) return;
  state.avatars.set(accountId, null);
  api.avatar(accountId).then((url) => {
    if (typeof url !== 'string' || !url.startsWith('data:image/')) return;
    state.avatars.set(accountId, url);
    if (currentScreenName() === 'dashboard') renderDashboardNow();
  }, () => {});
}

/** Set by main.js: what the notices' buttons do. */
export const noticeHandlers = { onNoticeAction() {}, onNoticeDismiss() {} };

export function renderDashboardNow() {
  const accountId = activeAccount()?.accountId ?? null;
  loadAvatar(accountId);
  renderDashboard(dashboardView(overview(), now()), {
    notices: visibleNotices(state.notices, accounts(), accountId),
    busy: state.busy,
    handlers: noticeHandlers,
    avatar: accountId ? state.avatars.get(accountId) ?? null : null,
  });
}

export function render() {
  renderBanners(bannersFor(state.info));
  renderVersion(state.info && state.info.version);
  const shown = screenToShow(state.screen, state.wizardOpen);
  const data = state.screen ? state.screen.data : null;
  if (shown === 'error') {
    renderLoadError({ message: data.message, offerSessionOnly: offersSessionOnly(data, state.info) });
  } else if (shown === 'keychain') {
    renderKeychainScreen({ message: data.message, busy: state.busy.keychain });
  } else if (shown === 'wizard') {
    renderWizardNow();
  } else if (shown === 'dashboard') {
    renderDashboardNow();
  }
  showScreen(shown);
  if (shown !== 'loading') reportReady();
}

/**
 * After the first real screen has painted (two frames later), tell the backend once, with the
 * page's start-up milestones (logged at debug level: see bench/notes.md).
 */
function reportReady() {
  if (state.readyReported) return;
  state.readyReported = true;
  const times = state.pageTimes;
  times.rendered = pageNow();
  requestAnimationFrame(() => {
    times.frame1 = pageNow();
    requestAnimationFrame(() => {
      times.painted = pageNow();
      api.uiReady(times).catch(() => {});
    });
  });
}

/** Once a second: countdowns on the dashboard, the rate-limit countdown in the wizard. */
export function tick() {
  const shown = currentScreenName();
  if (shown === 'dashboard' && overview()) {
    renderDashboardTimes(dashboardView(overview(), now()));
  } else if (shown === 'wizard' && state.wizard.retryAt != null) {
    if (state.wizard.retryAt <= now()) state.wizard = { ...state.wizard, retryAt: null };
    renderWizardNow();
  }
}
