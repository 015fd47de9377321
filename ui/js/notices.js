// Notices on the dashboard for failed refreshes, one per account. Pure: they take and return the
// list; app-state.js keeps it.

import { normalizeError, refreshFailureNotice } from './errors.js';

/** The list with `accountId`'s notice replaced by one for `error`. */
export function withNotice(notices, accountId, error) {
  const { kind, remedy, message } = normalizeError(error);
  return [...withoutNotice(notices, accountId), { accountId, kind, remedy, message }];
}

export function withoutNotice(notices, accountId) {
  return notices.filter((n) => n.accountId !== accountId);
}

/** Notices for accounts still on this computer, as the dashboard shows them. */
export function visibleNotices(notices, accounts, activeId) {
  return notices
    .filter((n) => accounts.some((a) => a.accountId === n.accountId))
    .map((n) => refreshFailureNotice(n, accounts, activeId));
}
