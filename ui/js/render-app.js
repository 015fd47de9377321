// DOM: banners, switching screens, the keychain and load-error screens.

import { byId, setButtonState, setHidden, setText } from './dom.js';

const SCREENS = ['loading', 'error', 'keychain', 'wizard', 'dashboard'];

/** Focus target when a screen appears: its main heading. */
const SCREEN_FOCUS = {
  loading: 'loading-title',
  error: 'error-title',
  keychain: 'keychain-title',
  wizard: 'wizard-title',
  dashboard: 'account-name',
};

let currentScreen = 'loading';

export function currentScreenName() {
  return currentScreen;
}

/**
 * Show one screen and hide the rest. When the screen actually changes, the new one starts at
 * its top (not where the last one was scrolled to: the wizard ends at its bottom), and focus
 * moves to its heading so keyboard and screen-reader users land there too.
 */
export function showScreen(name, { focus = true } = {}) {
  if (!SCREENS.includes(name)) throw new Error(`unknown screen ${name}`);
  const changed = name !== currentScreen;
  for (const s of SCREENS) setHidden(byId(`screen-${s}`), s !== name);
  currentScreen = name;
  if (changed) globalThis.scrollTo?.(0, 0);
  if (changed && focus) {
    const target = document.getElementById(SCREEN_FOCUS[name]);
    if (target) target.focus({ preventScroll: true });
  }
  return changed;
}

/** banners: output of viewmodel.bannersFor(), whose texts they show. */
export function renderBanners(banners) {
  const byKey = Object.fromEntries(banners.map((b) => [b.id, b]));
  for (const id of ['demo', 'overrides', 'extraCa', 'session']) {
    const element = byId(`banner-${id}`);
    setHidden(element, !byKey[id]);
    if (byKey[id]) setText(element, byKey[id].text);
  }
}

/** "PSN Auth 0.1.0" at the foot of the window and in its title: the version users report. */
export function renderVersion(version) {
  if (!version) return;
  const label = `PSN Auth ${version}`;
  setText(byId('app-version'), label);
  document.title = label;
}

export function renderKeychainScreen({ message, busy = false }) {
  setText(byId('keychain-message'), message);
  setButtonState(byId('keychain-retry'), { busy, label: busy ? 'Trying…' : 'Try again' });
  byId('keychain-session-only').disabled = busy;
}

export function renderLoadError({ message, offerSessionOnly = false }) {
  setText(byId('load-error-message'), message);
  setHidden(byId('load-session-only'), !offerSessionOnly);
}
