// DOM: toasts in the polite live region. Error toasts also carry role=alert.

import { byId, h } from './dom.js';
import { toastDuration } from './toasts.js';

const MAX_TOASTS = 3;

/** Show `text` for a few seconds. tone: "success" | "info" | "error". */
export function showToast(text, { tone = 'success' } = {}) {
  const region = byId('toasts');
  const toast = h('div', {
    className: `toast toast-${tone}`,
    role: tone === 'error' || tone === 'warning' ? 'alert' : null,
    'data-testid': 'toast',
  }, h('span', { className: 'toast-icon', 'aria-hidden': 'true' }), h('span', { className: 'toast-text', text }));
  region.append(toast);
  while (region.children.length > MAX_TOASTS) region.firstElementChild.remove();
  const remove = () => {
    toast.classList.add('toast-leaving');
    setTimeout(() => toast.remove(), 200);
  };
  setTimeout(remove, toastDuration(tone));
  return toast;
}
