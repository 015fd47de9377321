// DOM: the dashboard. Takes the pure dashboardView() output and applies it.

import { byId, h, setAttr, setButtonState, setHidden, setText } from './dom.js';

/**
 * Full render (after dashboard() or a state change).
 *   view      dashboardView()
 *   notices   refreshFailureNotice() objects to show
 *   busy      {refresh, switching, copy: {access, refresh}}
 *   handlers  {onNoticeAction(notice), onNoticeDismiss(notice)}
 */
export function renderDashboard(view, { notices = [], busy = {}, handlers = {}, avatar = null } = {}) {
  const active = view.active;
  renderAvatar(byId('avatar'), active ? active.initial : '?', avatar);
  setText(byId('account-name'), active ? active.label : 'No account selected');

  setText(byId('reminders-lead'), view.remindersLead);
  renderSwitcher(view.switcher, Boolean(busy.switching));
  byId('sign-out').disabled = !active;

  setHidden(byId('no-active'), Boolean(active));
  setHidden(byId('token-cards'), !active);

  if (active) {
    setText(byId('access-masked'), active.accessMasked || '—');
    setText(byId('refresh-masked'), active.refreshMasked || '—');
    const copy = busy.copy ?? {};
    byId('copy-access').disabled = Boolean(copy.access) || !active.accessMasked;
    byId('copy-refresh').disabled = Boolean(copy.refresh) || !active.refreshMasked;
    setButtonState(byId('refresh-now'), {
      busy: Boolean(busy.refresh),
      label: busy.refresh ? 'Refreshing…' : 'Refresh now',
    });
    renderDashboardTimes(view);
  }

  renderNotices(notices, handlers);
}

/** The avatar picture when the backend found one (a data: URL), else the label's initial. */
function renderAvatar(el, initial, url) {
  const img = el.querySelector('img');
  if (url) {
    if (img && img.getAttribute('src') === url) return;
    el.replaceChildren(h('img', { src: url, alt: '', width: 48, height: 48 }));
    el.classList.add('avatar-picture');
  } else {
    el.classList.remove('avatar-picture');
    if (img || el.textContent !== initial) el.replaceChildren(document.createTextNode(initial));
  }
}

/** The once-a-second update: countdown texts, colours and the expiry notice only. */
export function renderDashboardTimes(view) {
  const active = view.active;
  if (!active) return;
  renderExpiry(byId('access-expiry'), active.access);
  renderExpiry(byId('refresh-expiry'), active.refresh);
  setText(byId('access-obtained'), active.obtained);
  byId('access-card').dataset.level = active.access.level;
  byId('refresh-card').dataset.level = active.refresh.level;
  const notice = byId('refresh-notice');
  setHidden(notice, !active.refreshNotice);
  setAttr(notice, 'data-level', active.refresh.level);
  setText(byId('refresh-notice-text'), active.refreshNotice ?? '');
}

function renderExpiry(el, expiry) {
  setText(el, expiry.text);
  setAttr(el, 'datetime', expiry.datetime || null);
  setAttr(el, 'title', expiry.title || null);
  setAttr(el, 'data-level', expiry.level);
}

function renderSwitcher(switcher, switching) {
  const select = byId('account-switcher');
  const key = JSON.stringify([switcher.placeholder, switcher.options.map((o) => [o.value, o.label])]);
  if (select.dataset.key !== key) {
    const options = switcher.options.map((o) => h('option', { value: o.value, text: o.label }));
    if (switcher.placeholder) {
      options.unshift(h('option', { value: '', disabled: true, text: switcher.placeholder }));
    }
    select.replaceChildren(...options);
    select.dataset.key = key;
  }
  const selected = switcher.options.find((o) => o.selected);
  select.value = selected ? selected.value : '';
  select.disabled = switching || switcher.disabled;
  setAttr(select, 'title', switcher.disabled ? 'Add another account to switch between accounts' : null);
}

function noticeKey(n) {
  return `${n.accountId}\u0000${n.kind}\u0000${n.message}`;
}

function renderNotices(notices, handlers) {
  const container = byId('dashboard-notices');
  const key = notices.map(noticeKey).join('\u0001');
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  // Keep notices that are already shown (no repeated announcement); add new ones.
  const existing = new Map([...container.children].map((el) => [el.dataset.key, el]));
  const nodes = notices.map((n) => existing.get(noticeKey(n)) ?? buildNotice(n, handlers));
  container.replaceChildren(...nodes);
}

function buildNotice(notice, handlers) {
  const el = h('div', {
    className: `notice ${notice.kind === 'refresh_rejected' ? 'notice-warn' : 'notice-error'}`,
    role: 'alert',
    'data-testid': 'refresh-failed-notice',
    'data-kind': notice.kind,
    'data-account-id': notice.accountId,
  },
  h('div', { className: 'notice-body' },
    h('p', { className: 'notice-title', text: notice.title }),
    h('p', { className: 'notice-text', text: notice.message })),
  h('div', { className: 'notice-actions' },
    h('button', {
      type: 'button',
      className: 'button',
      'data-testid': notice.action === 'sign_in_again' ? 'notice-sign-in-again' : 'notice-retry',
      text: notice.actionLabel,
      onclick: () => handlers.onNoticeAction?.(notice),
    }),
    h('button', {
      type: 'button',
      className: 'button button-quiet',
      'data-testid': 'notice-dismiss',
      'aria-label': `Dismiss: ${notice.title}`,
      text: 'Dismiss',
      onclick: () => handlers.onNoticeDismiss?.(notice),
    })));
  el.dataset.key = noticeKey(notice);
  return el;
}
