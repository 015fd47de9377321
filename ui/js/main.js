// The controller: holds state, calls the backend through api.js, and hands pure view models to
// the render modules. Loaded as the page's only script (type=module, so it runs after parsing).

import { api, onEvent } from './api.js';
import { KEYCHAIN_KINDS, normalizeError, refreshFailureNotice } from './errors.js';
import { accountsOf, bannersFor, dashboardView, needsKeychainScreen, screenFor } from './viewmodel.js';
import { canSubmit, initialWizard, wizardReducer, wizardView } from './wizard-state.js';
import {
  copiedToast, KEYCHAIN_STILL_MISSING_TOAST, REFRESHED_TOAST, SESSION_ONLY_TOAST,
  signedInToast, signedOutToast, switchedToast,
} from './toasts.js';
import { byId } from './dom.js';
import {
  currentScreenName, renderBanners, renderKeychainScreen, renderLoadError, showScreen,
} from './render-app.js';
import { clearNpssoField, renderWizard, setNpssoVisible } from './render-wizard.js';
import { renderDashboard, renderDashboardTimes } from './render-dashboard.js';
import { showToast } from './toast-ui.js';
import { confirmSignOut } from './dialog.js';

// On Linux (WebKitGTK) generic font families resolve without fontconfig walking a list of
// names first (~40 ms on the first layout, see BENCHMARKS.md); app.css keys on this.
if (typeof navigator !== 'undefined' && /Linux/.test(navigator.userAgent ?? '')) {
  document.documentElement.dataset.os = 'linux';
}

const VALIDATE_DEBOUNCE_MS = 150;
const RESULT_PAUSE_MS = 1500;

const state = {
  info: null,
  dashboard: null,
  loadError: null,
  wizardOpen: false,
  wizard: initialWizard(),
  notices: [], // raw {accountId, kind, message} from refresh-failed or a failed Refresh now
  busy: { refresh: false, switching: false, keychain: false, copy: { access: false, refresh: false } },
};

let validateTimer = null;
let validateSeq = 0;
let submitInFlight = false;
let resultTimer = null;
let afterSignIn = Promise.resolve();
let retryWakeTimer = null;

const now = () => Date.now();

function errorToast(err) {
  showToast(normalizeError(err).message, { tone: 'error' });
}

// ---------------------------------------------------------------------------------------------
// Rendering

function activeAccount() {
  return state.dashboard && state.dashboard.active ? state.dashboard.active.account : null;
}

function findAccount(accountId) {
  return accountsOf(state.dashboard).find((a) => a.accountId === accountId) ?? null;
}

function visibleNotices() {
  const accounts = accountsOf(state.dashboard);
  const activeId = activeAccount()?.accountId ?? null;
  return state.notices
    .filter((n) => accounts.some((a) => a.accountId === n.accountId))
    .map((n) => refreshFailureNotice(n, accounts, activeId));
}

const noticeHandlers = {
  onNoticeAction(notice) {
    if (notice.action === 'sign_in_again') openWizard(findAccount(notice.accountId));
    else refreshAccount(notice.accountId);
  },
  onNoticeDismiss(notice) {
    state.notices = state.notices.filter((n) => n.accountId !== notice.accountId);
    render();
    byId('main').focus();
  },
};

function renderWizardNow() {
  renderWizard(wizardView(state.wizard, now()), {
    forAccount: state.wizard.forAccount,
    canCancel: accountsOf(state.dashboard).length > 0,
  });
  byId('wizard-cancel').disabled = state.wizard.busy;
}

// Avatars as data: URLs by account id; null while unknown or when there is none.
const avatars = new Map();

/** Asks the backend once per account for its avatar (downloaded in Rust), then re-renders. */
function loadAvatar(accountId) {
  if (!accountId || avatars.has(accountId)) return;
  avatars.set(accountId, null);
  api.avatar(accountId).then((url) => {
    if (typeof url !== 'string' || !url.startsWith('data:image/')) return;
    avatars.set(accountId, url);
    if (currentScreenName() === 'dashboard') renderDashboardNow();
  }, () => {});
}

function renderDashboardNow() {
  const accountId = activeAccount()?.accountId ?? null;
  loadAvatar(accountId);
  renderDashboard(dashboardView(state.dashboard, now()), {
    notices: visibleNotices(),
    busy: state.busy,
    handlers: noticeHandlers,
    avatar: accountId ? avatars.get(accountId) ?? null : null,
  });
}

function render() {
  renderBanners(bannersFor(state.info));
  const screen = screenFor({
    info: state.info,
    dashboard: state.dashboard,
    wizardOpen: state.wizardOpen,
    loadError: state.loadError,
  });
  if (screen === 'error') {
    renderLoadError({
      message: state.loadError.message,
      offerSessionOnly: KEYCHAIN_KINDS.includes(state.loadError.kind) && !(state.info && state.info.sessionOnly),
    });
  } else if (screen === 'keychain') {
    renderKeychainScreen({ message: state.info.keychainError.message, busy: state.busy.keychain });
  } else if (screen === 'wizard') {
    renderWizardNow();
  } else if (screen === 'dashboard') {
    renderDashboardNow();
  }
  showScreen(screen);
  if (screen !== 'loading') reportReady();
}

let readyReported = false;

/** After the first real screen has painted (two frames later), tell the backend once. */
function reportReady() {
  if (readyReported) return;
  readyReported = true;
  requestAnimationFrame(() => requestAnimationFrame(() => {
    api.uiReady().catch(() => {});
  }));
}

/** Once a second: countdown texts on the dashboard, the rate-limit countdown in the wizard. */
function tick() {
  const screen = currentScreenName();
  if (screen === 'dashboard' && state.dashboard) {
    renderDashboardTimes(dashboardView(state.dashboard, now()));
  } else if (screen === 'wizard' && state.wizard.retryAt != null) {
    if (state.wizard.retryAt <= now()) state.wizard = { ...state.wizard, retryAt: null };
    renderWizardNow();
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

async function loadAppInfo() {
  state.loadError = null;
  render();
  try {
    state.info = await api.appInfo();
  } catch (err) {
    state.loadError = normalizeError(err);
    render();
    return;
  }
  if (needsKeychainScreen(state.info)) {
    render();
    return;
  }
  await loadDashboard();
}

async function loadDashboard() {
  try {
    state.dashboard = await api.dashboard();
    state.loadError = null;
  } catch (err) {
    if (state.dashboard) errorToast(err);
    else state.loadError = normalizeError(err);
  }
  render();
}

function applyInfo(info) {
  if (info && typeof info === 'object') state.info = info;
}

// ---------------------------------------------------------------------------------------------
// Wizard

function dispatchWizard(action) {
  state.wizard = wizardReducer(state.wizard, action);
  if (currentScreenName() === 'wizard') renderWizardNow();
}

function resetWizard(forAccount = null) {
  clearTimeout(validateTimer);
  validateTimer = null;
  validateSeq += 1;
  clearTimeout(resultTimer);
  resultTimer = null;
  state.wizard = initialWizard({ forAccount });
  clearNpssoField();
}

function openWizard(forAccount = null) {
  resetWizard(forAccount);
  state.wizardOpen = true;
  render();
}

function closeWizard() {
  resetWizard();
  state.wizardOpen = false;
  render();
}

function npssoInput() {
  return byId('npsso-input');
}

function onNpssoChanged() {
  const value = npssoInput().value;
  dispatchWizard({ type: 'input', empty: value.trim() === '', now: now() });
  clearTimeout(validateTimer);
  validateTimer = null;
  if (value.trim() === '') {
    validateSeq += 1; // drop any answer still on its way
    return;
  }
  validateTimer = setTimeout(runValidation, VALIDATE_DEBOUNCE_MS);
}

async function runValidation() {
  clearTimeout(validateTimer);
  validateTimer = null;
  const value = npssoInput().value;
  const seq = ++validateSeq;
  if (value.trim() === '') return;
  let result;
  try {
    result = await api.validateNpsso(value);
  } catch (err) {
    result = { ok: false, ...normalizeError(err) };
  }
  if (seq !== validateSeq) return; // the text changed meanwhile
  dispatchWizard({ type: 'validated', ok: Boolean(result && result.ok), message: result && result.message });
}

function focusIfLost(el) {
  const active = document.activeElement;
  if (!active || active === document.body || active.disabled || active.closest('[hidden]')) {
    if (el && !el.disabled && !el.closest('[hidden]')) el.focus();
  }
}

/** Enable Retry exactly when the rate-limit wait ends, not at the next once-a-second tick. */
function wakeAtRetryTime() {
  clearTimeout(retryWakeTimer);
  const { retryAt } = state.wizard;
  if (retryAt == null) return;
  retryWakeTimer = setTimeout(() => {
    if (state.wizard.retryAt !== retryAt) return;
    state.wizard = { ...state.wizard, retryAt: null };
    if (currentScreenName() === 'wizard') renderWizardNow();
  }, Math.max(0, retryAt - now()));
}

async function trySubmit() {
  if (submitInFlight || state.wizard.busy || state.wizard.result) return;
  submitInFlight = true;
  try {
    if (validateTimer !== null || state.wizard.validation.status === 'pending') await runValidation();
    if (!canSubmit(state.wizard, now())) return;
    const input = npssoInput().value;
    dispatchWizard({ type: 'submit', now: now() });
    let account;
    try {
      account = await api.signIn(input);
    } catch (err) {
      dispatchWizard({ type: 'failed', error: normalizeError(err), now: now() });
      wakeAtRetryTime();
      const action = state.wizard.error;
      if (action.clearInput) clearNpssoField();
      if (action.step === 2) focusIfLost(byId('open-ssocookie'));
      else if (action.retry) focusIfLost(byId('retry-sign-in'));
      else if (action.offerSessionOnly) focusIfLost(byId('wizard-session-only'));
      focusIfLost(npssoInput());
      return;
    }
    await signedIn(account);
  } finally {
    submitInFlight = false;
  }
}

async function signedIn(account) {
  clearNpssoField(); // the NPSSO is not needed in the page any more
  state.wizardOpen = true; // keep the wizard up for the result, even on first run
  dispatchWizard({ type: 'succeeded', account });
  state.notices = state.notices.filter((n) => n.accountId !== account.accountId);
  byId('wizard-continue').focus();
  afterSignIn = api.dashboard().then((dashboard) => { state.dashboard = dashboard; }, errorToast);
  clearTimeout(resultTimer);
  resultTimer = setTimeout(finishWizard, RESULT_PAUSE_MS);
}

/** Leave the result (Continue, or automatically after a moment) for the dashboard. */
async function finishWizard() {
  clearTimeout(resultTimer);
  resultTimer = null;
  const account = state.wizard.result;
  if (!account) return;
  await afterSignIn;
  if (state.wizard.result !== account) return; // already finished by the other path
  closeWizard();
  showToast(signedInToast(account.label || account.onlineId));
}

async function wizardSessionOnly() {
  try {
    applyInfo(await api.useSessionOnly());
  } catch (err) {
    errorToast(err);
    return;
  }
  renderBanners(bannersFor(state.info));
  dispatchWizard({ type: 'session_only' });
  showToast(SESSION_ONLY_TOAST, { tone: 'info' });
  await trySubmit();
}

async function openPage(step) {
  try {
    if (step === 1) await api.openSignInPage();
    else await api.openSsocookiePage();
  } catch (err) {
    errorToast(err);
    return;
  }
  dispatchWizard({ type: 'opened', step });
}

async function pasteFromClipboard() {
  let text;
  try {
    text = await api.readClipboard();
  } catch (err) {
    errorToast(err);
    return;
  }
  const input = npssoInput();
  input.value = typeof text === 'string' ? text : '';
  dispatchWizard({ type: 'input', empty: input.value.trim() === '', now: now() });
  input.focus();
  await runValidation();
}

// ---------------------------------------------------------------------------------------------
// Dashboard

async function copyToken(which) {
  const account = activeAccount();
  if (!account || state.busy.copy[which]) return;
  state.busy.copy[which] = true;
  renderDashboardNow();
  try {
    const res = await api.copyToken(account.accountId, which);
    showToast(copiedToast(res && res.clearsInSecs));
  } catch (err) {
    errorToast(err);
  } finally {
    state.busy.copy[which] = false;
    render();
  }
}

async function refreshAccount(accountId) {
  if (!accountId || state.busy.refresh) return;
  state.busy.refresh = true;
  render();
  try {
    await api.refreshNow(accountId);
    state.notices = state.notices.filter((n) => n.accountId !== accountId);
    showToast(REFRESHED_TOAST);
  } catch (err) {
    const e = normalizeError(err);
    state.notices = [...state.notices.filter((n) => n.accountId !== accountId), { accountId, kind: e.kind, message: e.message }];
  } finally {
    state.busy.refresh = false;
  }
  await loadDashboard();
  focusIfLost(byId('refresh-now'));
}

async function switchTo(accountId) {
  const current = activeAccount();
  if (!accountId || (current && current.accountId === accountId) || state.busy.switching) return;
  state.busy.switching = true;
  render();
  try {
    const account = await api.switchAccount(accountId);
    showToast(switchedToast(account && account.label));
  } catch (err) {
    errorToast(err);
  } finally {
    state.busy.switching = false;
  }
  await loadDashboard();
  focusIfLost(byId('account-switcher'));
}

async function signOut() {
  const account = activeAccount();
  if (!account) return;
  if (!(await confirmSignOut(account.label))) return;
  try {
    await api.signOut(account.accountId);
    state.notices = state.notices.filter((n) => n.accountId !== account.accountId);
    showToast(signedOutToast(account.label));
  } catch (err) {
    errorToast(err);
  }
  await loadDashboard();
  focusIfLost(byId('account-switcher'));
}

// ---------------------------------------------------------------------------------------------
// Keychain screen and load errors

async function keychainAction(call) {
  if (state.busy.keychain) return;
  state.busy.keychain = true;
  render();
  let info = null;
  try {
    info = await call();
  } catch (err) {
    errorToast(err);
  } finally {
    state.busy.keychain = false;
  }
  applyInfo(info);
  if (needsKeychainScreen(state.info)) {
    if (info) showToast(KEYCHAIN_STILL_MISSING_TOAST, { tone: 'error' });
    render();
    return;
  }
  if (info && info.sessionOnly) showToast(SESSION_ONLY_TOAST, { tone: 'info' });
  await loadDashboard();
}

async function retryLoad() {
  if (!state.info) await loadAppInfo();
  else {
    state.loadError = null;
    state.dashboard = null;
    render();
    await loadDashboard();
  }
}

async function loadErrorSessionOnly() {
  try {
    applyInfo(await api.useSessionOnly());
  } catch (err) {
    errorToast(err);
    return;
  }
  showToast(SESSION_ONLY_TOAST, { tone: 'info' });
  await retryLoad();
}

// ---------------------------------------------------------------------------------------------
// Wiring

function wire() {
  // Wizard
  byId('open-signin').addEventListener('click', () => openPage(1));
  byId('open-ssocookie').addEventListener('click', () => openPage(2));
  const input = npssoInput();
  input.addEventListener('input', onNpssoChanged);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      trySubmit();
    }
  });
  byId('npsso-form').addEventListener('submit', (event) => {
    event.preventDefault();
    trySubmit();
  });
  byId('toggle-npsso').addEventListener('click', () => setNpssoVisible(input.type === 'password'));
  byId('paste-npsso').addEventListener('click', pasteFromClipboard);
  byId('retry-sign-in').addEventListener('click', trySubmit);
  byId('wizard-session-only').addEventListener('click', wizardSessionOnly);
  byId('wizard-cancel').addEventListener('click', closeWizard);
  byId('wizard-continue').addEventListener('click', finishWizard);

  // Dashboard
  byId('account-switcher').addEventListener('change', (event) => switchTo(event.target.value));
  byId('add-account').addEventListener('click', () => openWizard(null));
  byId('sign-out').addEventListener('click', signOut);
  byId('copy-access').addEventListener('click', () => copyToken('access'));
  byId('copy-refresh').addEventListener('click', () => copyToken('refresh'));
  byId('refresh-now').addEventListener('click', () => refreshAccount(activeAccount()?.accountId));
  byId('sign-in-again').addEventListener('click', () => openWizard(activeAccount()));

  // Keychain screen and load errors
  byId('keychain-session-only').addEventListener('click', () => keychainAction(api.useSessionOnly));
  byId('keychain-retry').addEventListener('click', () => keychainAction(api.retryKeychain));
  byId('load-retry').addEventListener('click', retryLoad);
  byId('load-session-only').addEventListener('click', loadErrorSessionOnly);
}

async function listenToBackend() {
  try {
    await onEvent('accounts-changed', () => {
      if (state.info && !needsKeychainScreen(state.info)) loadDashboard();
    });
    await onEvent('refresh-failed', (payload) => {
      if (!payload || !payload.accountId) return;
      const e = normalizeError(payload);
      state.notices = [
        ...state.notices.filter((n) => n.accountId !== payload.accountId),
        { accountId: payload.accountId, kind: e.kind, message: e.message },
      ];
      render();
    });
  } catch (err) {
    errorToast(err);
  }
}

function start() {
  wire();
  setInterval(tick, 1000);
  listenToBackend();
  loadAppInfo();
}

start();
