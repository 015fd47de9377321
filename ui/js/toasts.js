// Pure toast texts. No DOM access.

/** After copy_token: "Copied, clears in 30 s" (the number comes from the backend). */
export function copiedToast(clearsInSecs) {
  const secs = Math.round(Number(clearsInSecs));
  if (!Number.isFinite(secs) || secs <= 0) return 'Copied';
  return `Copied, clears in ${secs} s`;
}

/**
 * After copy_token handed the current token out through a failed refresh (Sony down, rate
 * limited, offline): the backend's warning says what failed and how long the token still lasts.
 */
export function copiedWithWarningToast(clearsInSecs, warning) {
  return `${copiedToast(clearsInSecs)}. Note: ${warning}`;
}

export const REFRESHED_TOAST = 'Tokens refreshed';

export function switchedToast(label) {
  return label ? `Switched to ${label}` : 'Switched account';
}

export function signedInToast(label) {
  return label ? `Signed in as ${label}` : 'Signed in';
}

export function signedOutToast(label) {
  return label ? `Signed out of ${label}` : 'Signed out';
}

export function calendarSavedToast(path) {
  return `Calendar reminder saved: ${path}. Open it to add it to your calendar.`;
}

export function startAtLoginToast(enabled) {
  return enabled
    ? 'PSN Auth will start in the tray when you log in'
    : 'PSN Auth will no longer start when you log in';
}

export const SESSION_ONLY_TOAST = 'Tokens are kept in memory until PSN Auth quits';

export const KEYCHAIN_STILL_MISSING_TOAST = 'The keychain is still not available';

/** How long a toast stays up, in ms: errors linger longer than confirmations. */
export function toastDuration(tone) {
  return tone === 'error' || tone === 'warning' ? 8000 : 4000;
}
