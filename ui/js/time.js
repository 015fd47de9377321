// Pure time helpers: countdown text, expiry colour levels, exact local time.
// No DOM access: imported by node tests as well as by the UI.

import { REFRESH_WARN_MS } from './contract.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// Refresh tokens turn amber (and the "sign in again" notice appears) below REFRESH_WARN_MS: the
// library's first reminder, generated into contract.js.

/**
 * Milliseconds since the epoch for an RFC 3339 string, a Date or a number.
 * Returns NaN for anything missing or unparsable.
 */
export function toMillis(value) {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string' && value.trim() !== '') return Date.parse(value);
  return NaN;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A duration in whole seconds as at most two units, largest first, dropping a zero minor unit:
 * "45 s", "1 min 5 s", "2 min", "3 h 12 min", "59 days 23 h", "1 day".
 */
export function formatDuration(totalSecs) {
  const secs = Math.max(0, Math.floor(totalSecs));
  const days = Math.floor(secs / 86400);
  const hours = Math.floor((secs % 86400) / 3600);
  const mins = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  if (days > 0) return hours > 0 ? `${plural(days, 'day', 'days')} ${hours} h` : plural(days, 'day', 'days');
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  if (mins > 0) return s > 0 ? `${mins} min ${s} s` : `${mins} min`;
  return `${s} s`;
}

/**
 * How long ago, in one (largest, rounded down) unit: "just now", "12 s ago", "3 min ago",
 * "2 h ago", "1 day ago", "5 days ago".
 */
export function formatAgo(elapsedSecs) {
  const secs = Math.max(0, Math.floor(elapsedSecs));
  if (secs < 1) return 'just now';
  if (secs < 60) return `${secs} s ago`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago`;
  return `${plural(Math.floor(secs / 86400), 'day', 'days')} ago`;
}

/**
 * Countdown text for an expiry time.
 * Future: "Expires in 59 min 58 s" (seconds rounded up, so the last second shown is "1 s").
 * Past or now: "Expired 3 min ago" / "Expired just now". Unknown: "Expiry unknown".
 */
export function formatCountdown(expiresAt, now) {
  const target = toMillis(expiresAt);
  const nowMs = toMillis(now);
  if (Number.isNaN(target) || Number.isNaN(nowMs)) return 'Expiry unknown';
  const remaining = target - nowMs;
  if (remaining > 0) return `Expires in ${formatDuration(Math.ceil(remaining / SECOND))}`;
  return `Expired ${formatAgo(-remaining / SECOND)}`;
}

/**
 * Colour level for a token's expiry: "ok", "amber" (from `warnAt` on, as the library counts), "red" (expired) or
 * "unknown". The access token warns once the library calls it due for a refresh
 * (`accessDueAt`: a running refresher has replaced it by then); the refresh token from
 * [`refreshWarnAt`].
 */
export function expiryLevel(expiresAt, now, warnAt) {
  const target = toMillis(expiresAt);
  const nowMs = toMillis(now);
  if (Number.isNaN(target) || Number.isNaN(nowMs)) return 'unknown';
  if (target - nowMs <= 0) return 'red';
  return nowMs >= toMillis(warnAt) ? 'amber' : 'ok';
}

/** When a refresh token turns amber: the library's first reminder before its end. */
export function refreshWarnAt(expiresAt) {
  return toMillis(expiresAt) - REFRESH_WARN_MS;
}

/**
 * The notice shown on the refresh-token card when it is close to expiry or expired; null while
 * there is plenty of time (or the time is unknown).
 */
export function refreshNoticeText(expiresAt, now) {
  const level = expiryLevel(expiresAt, now, refreshWarnAt(expiresAt));
  if (level === 'red') return 'Your refresh token has expired. A new NPSSO is needed.';
  if (level !== 'amber') return null;
  const remaining = toMillis(expiresAt) - toMillis(now);
  const days = Math.floor(remaining / DAY);
  const span = days >= 1
    ? plural(days, 'day', 'days')
    : formatDuration(remaining >= HOUR ? Math.floor(remaining / HOUR) * 3600
      : remaining >= MINUTE ? Math.floor(remaining / MINUTE) * 60
        : Math.ceil(remaining / SECOND));
  return `Your refresh token expires in ${span}. After that a new NPSSO is needed.`;
}

/**
 * Exact local date and time, for the `title` of a countdown. `locale` and `timeZone` exist for
 * tests; the UI passes neither and gets the user's own.
 */
export function formatExactTime(value, { locale, timeZone } = {}) {
  const ms = toMillis(value);
  if (Number.isNaN(ms)) return '';
  const options = { dateStyle: 'full', timeStyle: 'long' };
  if (timeZone) options.timeZone = timeZone;
  try {
    return new Intl.DateTimeFormat(locale, options).format(new Date(ms));
  } catch {
    return new Date(ms).toString();
  }
}
