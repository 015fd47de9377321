// Pure view models: backend payloads in, plain objects describing what to show out. No DOM.

import {
  expiryLevel, formatAgo, formatCountdown, formatDuration, formatExactTime, refreshNoticeText,
  refreshWarnAt, toMillis, SECOND,
} from './time.js';
import { REMINDER_LEADS_MS } from './contract.js';

/** Banners across the top, from app_info(). */
export function bannersFor(info) {
  if (!info) return [];
  const out = [];
  if (info.demo) {
    out.push({ id: 'demo', tone: 'info', text: 'Demo: not connected to PlayStation' });
  }
  const overrides = Array.isArray(info.overrides) ? info.overrides.filter((o) => o) : [];
  if (overrides.length > 0) {
    out.push({ id: 'overrides', tone: 'warn', text: `Using test endpoints: ${overrides.join(', ')}` });
  }
  if (info.extraCa) {
    const text = String(info.extraCa);
    out.push({ id: 'extraCa', tone: 'warn', text: text.charAt(0).toUpperCase() + text.slice(1) });
  }
  if (info.sessionOnly) {
    out.push({ id: 'session', tone: 'info', text: 'Session only: tokens are forgotten when PSN Auth quits' });
  }
  return out;
}

/**
 * Which screen element to show for the backend's screen (`{screen, data}`, see
 * src-tauri/src/view.rs) and the user's own navigation: "loading" before the first answer,
 * "wizard" for "welcome" or when the user opened it over the dashboard.
 */
export function screenToShow(screen, wizardOpen = false) {
  switch (screen ? screen.screen : null) {
    case null: return 'loading';
    case 'keychain': return 'keychain';
    case 'error': return 'error';
    case 'welcome': return 'wizard';
    case 'dashboard': return wizardOpen ? 'wizard' : 'dashboard';
    default: throw new Error(`unknown screen ${screen.screen}`);
  }
}

/** The dashboard's data (an Overview) when the screen is the dashboard, else null. */
export function overviewOf(screen) {
  return screen && screen.screen === 'dashboard' ? screen.data : null;
}

export function accountsOf(dashboard) {
  return dashboard && Array.isArray(dashboard.accounts) ? dashboard.accounts : [];
}

/** The avatar letter: first character of the label, upper-cased; "?" for an empty label. */
export function avatarInitial(label) {
  const text = typeof label === 'string' ? label.trim() : '';
  if (text === '') return '?';
  let first;
  if (typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function') {
    first = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)[Symbol.iterator]().next().value.segment;
  } else {
    first = Array.from(text)[0];
  }
  return first.toLocaleUpperCase();
}

/**
 * The Reminders card's lead: when the expiry reminders come (the library's leads) and that they
 * come with the window closed too.
 */
export function remindersLead(leads = REMINDER_LEADS_MS) {
  const spans = leads.map((ms) => formatDuration(ms / SECOND));
  const when = spans.length > 1 ? `${spans.slice(0, -1).join(', ')} and ${spans.at(-1)}` : spans[0];
  return `PSN Auth reminds you ${when} before an account must sign in again, also after you close `
    + 'this window: it keeps running in the tray. To quit it, choose Quit PSN Auth in its tray menu.';
}

/**
 * One token's expiry as shown: text, colour level (amber from `warnAt` on), machine time and
 * exact local time.
 */
export function expiryView(expiresAt, warnAt, now, timeOptions) {
  const ms = toMillis(expiresAt);
  return {
    text: formatCountdown(expiresAt, now),
    level: expiryLevel(expiresAt, now, warnAt),
    datetime: Number.isNaN(ms) ? '' : new Date(ms).toISOString(),
    title: Number.isNaN(ms) ? '' : formatExactTime(ms, timeOptions),
  };
}

/** "Obtained 3 min ago", or "" when unknown. */
export function obtainedText(obtainedAt, now) {
  const ms = toMillis(obtainedAt);
  if (Number.isNaN(ms)) return '';
  return `Obtained ${formatAgo((now - ms) / SECOND)}`;
}

/**
 * The dashboard from a dashboard() payload.
 *   hasAccounts   false means the wizard should show instead
 *   active        null when no account is active (the user picks one in the switcher)
 *   switcher      options for the account switcher; `placeholder` when nothing is active
 */
export function dashboardView(dashboard, now, timeOptions) {
  const accounts = accountsOf(dashboard);
  const activeEntry = dashboard && dashboard.active && dashboard.active.account ? dashboard.active : null;
  const activeId = activeEntry ? activeEntry.account.accountId : null;
  const switcher = {
    options: accounts.map((a) => ({
      value: a.accountId,
      // The backend's label: the online ID, else the account id, else "PSN account".
      label: a.label,
      selected: a.accountId === activeId,
    })),
    placeholder: activeId ? null : 'Choose an account…',
    disabled: accounts.length < 2 && activeId !== null,
  };
  let active = null;
  if (activeEntry) {
    const a = activeEntry.account;
    const { label } = a;
    active = {
      accountId: a.accountId,
      label,
      initial: avatarInitial(label),
      accessMasked: activeEntry.accessMasked || '',
      refreshMasked: activeEntry.refreshMasked || '',
      access: expiryView(a.accessExpiresAt, activeEntry.accessDueAt, now, timeOptions),
      refresh: expiryView(a.refreshExpiresAt, refreshWarnAt(a.refreshExpiresAt), now, timeOptions),
      obtained: obtainedText(a.obtainedAt, now),
      refreshNotice: refreshNoticeText(a.refreshExpiresAt, now),
    };
  }
  return {
    remindersLead: remindersLead(),
    hasAccounts: accounts.length > 0,
    accountCount: accounts.length,
    active,
    switcher,
  };
}
