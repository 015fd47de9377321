// Guards for the static files: CSP-safe markup, required test IDs, resolvable imports.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const UI = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const html = readFileSync(join(UI, 'index.html'), 'utf8');
const css = readFileSync(join(UI, 'css', 'app.css'), 'utf8');
const jsFiles = readdirSync(join(UI, 'js')).filter((f) => f.endsWith('.js'));

const REQUIRED_TEST_IDS = [
  'open-signin', 'open-ssocookie', 'npsso-input', 'paste-npsso', 'sign-in', 'error-message',
  'account-name', 'account-switcher', 'add-account', 'sign-out',
  'access-token-masked', 'copy-access-token', 'access-expiry', 'refresh-now',
  'copy-refresh-token', 'refresh-expiry',
];

test('every required data-testid appears exactly once', () => {
  for (const id of REQUIRED_TEST_IDS) {
    const count = html.split(`data-testid="${id}"`).length - 1;
    assert.equal(count, 1, `data-testid="${id}" appears ${count} times`);
  }
});

test('no inline scripts, inline styles or remote resources (CSP default-src self)', () => {
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'style= attribute');
  assert.doesNotMatch(html, /<style/i, '<style> element');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'inline event handler');
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    assert.match(m[1], /\bsrc=/, 'script without src');
    assert.equal(m[2].trim(), '', 'inline script body');
  }
  assert.doesNotMatch(html + css, /(src|href)\s*=\s*"(https?:)?\/\//i, 'remote URL in markup');
  assert.doesNotMatch(css, /url\(\s*['"]?(https?:)?\/\//i, 'remote URL in CSS');
  assert.doesNotMatch(css, /@import/i, '@import');
});

test('scripts never set inline styles or raw HTML', () => {
  for (const f of jsFiles) {
    const src = readFileSync(join(UI, 'js', f), 'utf8');
    assert.doesNotMatch(src, /\.style\b|setAttribute\(\s*['"]style/, `${f} sets inline style`);
    assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, `${f} writes raw HTML`);
    assert.doesNotMatch(src, /\beval\(|new Function\(/, `${f} evaluates code`);
  }
});

test('only api.js touches Tauri', () => {
  for (const f of jsFiles) {
    const src = readFileSync(join(UI, 'js', f), 'utf8');
    if (f === 'api.js') assert.match(src, /__TAURI__/);
    else assert.doesNotMatch(src, /__TAURI__/, `${f} reaches Tauri directly`);
  }
});

test('relative imports resolve and referenced assets exist', () => {
  for (const f of jsFiles) {
    const src = readFileSync(join(UI, 'js', f), 'utf8');
    for (const m of src.matchAll(/from\s+'(\.[^']+)'/g)) {
      assert.ok(existsSync(join(UI, 'js', m[1])), `${f} imports missing ${m[1]}`);
    }
  }
  for (const m of html.matchAll(/(?:src|href)="([^"#][^"]*)"/g)) {
    assert.ok(existsSync(join(UI, m[1])), `index.html references missing ${m[1]}`);
  }
});

test('buttons have a type, labels point at real inputs, ids are unique', () => {
  for (const m of html.matchAll(/<button\b[^>]*>/g)) {
    assert.match(m[0], /\stype="(button|submit)"/, `button without type: ${m[0]}`);
  }
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'duplicate id');
  for (const m of html.matchAll(/<label\b[^>]*\sfor="([^"]+)"/g)) {
    assert.ok(ids.includes(m[1]), `label for missing #${m[1]}`);
  }
  const input = html.match(/<input\b[^>]*data-testid="npsso-input"[^>]*>/)[0];
  assert.match(input, /type="password"/);
  assert.match(input, /autocomplete="off"/);
  assert.match(input, /spellcheck="false"/);
  assert.match(html, /data-testid="error-message"[^>]*role="alert"|role="alert"[^>]*data-testid="error-message"/);
  assert.match(html, /aria-live="polite"/);
});

test('every element id used by the scripts exists in index.html', () => {
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  for (const f of jsFiles) {
    const src = readFileSync(join(UI, 'js', f), 'utf8');
    for (const m of src.matchAll(/byId\(\s*'([^']+)'\s*\)/g)) {
      assert.ok(ids.has(m[1]), `${f} uses #${m[1]}, which index.html lacks`);
    }
  }
});

test('light and dark themes and visible focus are defined', () => {
  assert.match(css, /@media \(prefers-color-scheme: dark\)/);
  assert.match(css, /:focus-visible\s*\{[^}]*outline:/);
  assert.match(css, /#0070d1/i);
});
