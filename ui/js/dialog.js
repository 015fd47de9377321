// DOM: the sign-out confirmation <dialog>. Escape closes it (native "cancel").

import { byId, setText } from './dom.js';

/** Resolves true when the user confirms signing out of `label`, false otherwise. */
export function confirmSignOut(label) {
  const dialog = byId('sign-out-dialog');
  setText(byId('sign-out-title'), label ? `Sign out of ${label}?` : 'Sign out?');
  return new Promise((resolve) => {
    const opener = document.activeElement;
    dialog.returnValue = '';
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      if (opener && typeof opener.focus === 'function' && document.contains(opener)) opener.focus();
    }, { once: true });
    if (typeof dialog.showModal === 'function') {
      dialog.showModal();
      byId('cancel-sign-out').focus();
    } else {
      // Very old webviews without <dialog>: fall back to the native confirm.
      // eslint-disable-next-line no-alert
      resolve(window.confirm(`${byId('sign-out-title').textContent}\n\n${byId('sign-out-text').textContent}`));
    }
  });
}
