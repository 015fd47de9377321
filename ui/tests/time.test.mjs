import test from 'node:test';
import assert from 'node:assert/strict';
import {
  DAY, HOUR, MINUTE, SECOND,
  expiryLevel, formatAgo, formatCountdown, formatDuration, formatExactTime, refreshNoticeText, refreshWarnAt,
  toMillis,
} from '../js/time.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const at = (ms) => new Date(NOW + ms).toISOString();

test('formatDuration uses at most two units and drops a zero minor unit', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(59), '59 s');
  assert.equal(formatDuration(60), '1 min');
  assert.equal(formatDuration(61), '1 min 1 s');
  assert.equal(formatDuration(3599), '59 min 59 s');
  assert.equal(formatDuration(3600), '1 h');
  assert.equal(formatDuration(3660), '1 h 1 min');
  assert.equal(formatDuration(86399), '23 h 59 min');
  assert.equal(formatDuration(86400), '1 day');
  assert.equal(formatDuration(86400 + 3600), '1 day 1 h');
  assert.equal(formatDuration(2 * 86400), '2 days');
  assert.equal(formatDuration(60 * 86400 - 1), '59 days 23 h');
});

test('countdown text for access-token times', () => {
  assert.equal(formatCountdown(at(59 * MINUTE + 58 * SECOND), NOW), 'Expires in 59 min 58 s');
  assert.equal(formatCountdown(at(HOUR), NOW), 'Expires in 1 h');
  assert.equal(formatCountdown(at(45 * SECOND), NOW), 'Expires in 45 s');
  // Partial seconds round up, so the last second before expiry still reads "1 s".
  assert.equal(formatCountdown(at(400), NOW), 'Expires in 1 s');
  assert.equal(formatCountdown(at(59 * MINUTE + 58 * SECOND + 300), NOW), 'Expires in 59 min 59 s');
});

test('countdown text for refresh-token times', () => {
  assert.equal(formatCountdown(at(60 * DAY - HOUR), NOW), 'Expires in 59 days 23 h');
  assert.equal(formatCountdown(at(DAY), NOW), 'Expires in 1 day');
  assert.equal(formatCountdown(at(6 * DAY + 5 * HOUR), NOW), 'Expires in 6 days 5 h');
});

test('expired times read in the past tense with one unit', () => {
  assert.equal(formatCountdown(at(0), NOW), 'Expired just now');
  assert.equal(formatCountdown(at(-12 * SECOND), NOW), 'Expired 12 s ago');
  assert.equal(formatCountdown(at(-3 * MINUTE - 20 * SECOND), NOW), 'Expired 3 min ago');
  assert.equal(formatCountdown(at(-2 * HOUR - 59 * MINUTE), NOW), 'Expired 2 h ago');
  assert.equal(formatCountdown(at(-DAY), NOW), 'Expired 1 day ago');
  assert.equal(formatCountdown(at(-5 * DAY - HOUR), NOW), 'Expired 5 days ago');
  assert.equal(formatAgo(0.4), 'just now');
});

test('unknown or missing times do not throw', () => {
  assert.equal(formatCountdown(null, NOW), 'Expiry unknown');
  assert.equal(formatCountdown('not a date', NOW), 'Expiry unknown');
  assert.equal(expiryLevel(undefined, NOW, at(-5 * MINUTE)), 'unknown');
  assert.ok(Number.isNaN(toMillis('')));
  assert.equal(toMillis('2025-03-01T12:00:00Z'), NOW);
});

test('access token colour: ok, amber once due for a refresh, red once expired', () => {
  // Sony's hour-long token is due 5 minutes before its end (the library sends accessDueAt).
  const level = (left) => expiryLevel(at(left), NOW, at(left - 5 * MINUTE));
  assert.equal(level(HOUR), 'ok');
  // Between 10 and 5 minutes left the refresher has nothing to do yet: no warning then.
  assert.equal(level(10 * MINUTE - SECOND), 'ok');
  assert.equal(level(5 * MINUTE + SECOND), 'ok');
  assert.equal(level(5 * MINUTE), 'amber');
  assert.equal(level(SECOND), 'amber');
  assert.equal(level(0), 'red');
  assert.equal(level(-MINUTE), 'red');
  // Without a due time, only the expiry colours it.
  assert.equal(expiryLevel(at(MINUTE), NOW, undefined), 'ok');
});

test('refresh token colour: amber below 7 days, red once expired', () => {
  const level = (left) => expiryLevel(at(left), NOW, refreshWarnAt(at(left)));
  assert.equal(level(30 * DAY), 'ok');
  assert.equal(level(7 * DAY + SECOND), 'ok');
  assert.equal(level(7 * DAY - SECOND), 'amber');
  // 9 minutes is plenty for a refresh token... no: it is below 7 days, so amber.
  assert.equal(level(9 * MINUTE), 'amber');
  assert.equal(level(-SECOND), 'red');
});

test('refresh notice appears below 7 days and says how many days', () => {
  assert.equal(refreshNoticeText(at(30 * DAY), NOW), null);
  // The library's first reminder comes at 7 days left, and the notice with it.
  assert.equal(refreshNoticeText(at(7 * DAY + SECOND), NOW), null);
  assert.equal(refreshNoticeText(at(6 * DAY + 20 * HOUR), NOW),
    'Your refresh token expires in 6 days. After that a new NPSSO is needed.');
  assert.equal(refreshNoticeText(at(DAY + HOUR), NOW),
    'Your refresh token expires in 1 day. After that a new NPSSO is needed.');
  assert.equal(refreshNoticeText(at(5 * HOUR + 30 * MINUTE), NOW),
    'Your refresh token expires in 5 h. After that a new NPSSO is needed.');
  assert.equal(refreshNoticeText(at(-HOUR), NOW), 'Your refresh token has expired. A new NPSSO is needed.');
});

test('exact time is local, full and deterministic given a locale and zone', () => {
  const text = formatExactTime('2025-03-01T12:00:00Z', { locale: 'en-GB', timeZone: 'Europe/Berlin' });
  assert.match(text, /2025/);
  assert.match(text, /13:00:00/);
  assert.equal(formatExactTime(null), '');
});
