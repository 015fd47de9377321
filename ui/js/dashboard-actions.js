// What the dashboard's buttons do: copy a token (in Rust), refresh, switch account, sign out,
// start at login, and the calendar reminder.

import { api } from './api.js';
import {
  activeAccount, errorToast, focusIfLost, loadScreen, render, renderDashboardNow, state,
} from './app-state.js';
import { withNotice, withoutNotice } from './notices.js';
import {
  calendarSavedToast, copiedToast, copiedWithWarningToast, REFRESHED_TOAST, signedOutToast, startAtLoginToast, switchedToast,
} from './toasts.js';
import { byId } from './dom.js';
import { showToast } from './toast-ui.js';
import { confirmSignOut } from './dialog.js';

export async function copyToken(which) {
  const account = activeAccount();
  if (!account || state.busy.copy[which]) return;
  state.busy.copy[which] = true;
  renderDashboardNow();
  try {
    const res = await api.copyToken(account.accountId, which);
    if (res && res.warning) {
      showToast(copiedWithWarningToast(res.clearsInSecs, res.warning), { tone: 'warning' });
    } else {
      showToast(copiedToast(res && res.clearsInSecs));
    }
  } catch (err) {
    errorToast(err);
  } finally {
    state.busy.copy[which] = false;
    render();
  }
}

export async function refreshAccount(accountId) {
  if (!accountId || state.busy.refresh) return;
  state.busy.refresh = true;
  render();
  try {
    await api.refreshNow(accountId);
    state.notices = withoutNotice(state.notices, accountId);
    showToast(REFRESHED_TOAST);
  } catch (err) {
    state.notices = withNotice(state.notices, accountId, err);
  } finally {
    state.busy.refresh = false;
  }
  await loadScreen();
  focusIfLost(byId('refresh-now'));
}

export async function switchTo(accountId) {
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
  await loadScreen();
  focusIfLost(byId('account-switcher'));
}

export async function signOut() {
  const account = activeAccount();
  if (!account) return;
  if (!(await confirmSignOut(account.label))) return;
  try {
    await api.signOut(account.accountId);
    state.notices = withoutNotice(state.notices, account.accountId);
    showToast(signedOutToast(account.label));
  } catch (err) {
    errorToast(err);
  }
  await loadScreen();
  focusIfLost(byId('account-switcher'));
}

/** Shows whether PSN Auth starts at login (from the first view: `null` where it cannot). */
export function showStartAtLogin(enabled) {
  const box = byId('start-at-login');
  box.checked = enabled === true;
  box.disabled = enabled == null;
}

/** The start-at-login check box changed. */
export async function setStartAtLogin(enabled) {
  const box = byId('start-at-login');
  box.disabled = true;
  try {
    const now = await api.setStartAtLogin(enabled);
    box.checked = Boolean(now);
    showToast(startAtLoginToast(Boolean(now)));
  } catch (err) {
    box.checked = !enabled;
    errorToast(err);
  } finally {
    box.disabled = false;
  }
}

/** "Add a reminder to my calendar": the .ics file is saved in Rust; the page shows where. */
export async function addCalendarReminder() {
  const account = activeAccount();
  const button = byId('add-calendar');
  if (!account || button.disabled) return;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const path = await api.saveCalendarReminder(account.accountId);
    const saved = byId('calendar-saved');
    saved.textContent = `Saved as ${path}`;
    saved.hidden = false;
    showToast(calendarSavedToast(path));
  } catch (err) {
    errorToast(err);
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
