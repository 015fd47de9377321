// The library's error kinds and their remedies, read from the README's table (generated from
// psn-core by the psn-auth-cli test `readme_lists_every_kind`), so these tests use the backend's
// real contract rather than a copy of it. Not a test file itself.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

const table = readme.slice(readme.indexOf('<!-- error-kinds:'), readme.indexOf('<!-- /error-kinds -->'));

/** kind -> remedy, for every kind psn-core has. */
export const REMEDY_OF = Object.freeze(Object.fromEntries(
  [...table.matchAll(/^\| `([a-z_]+)` \| .* \| `([a-z_]+)` \| \d+ \|$/gm)].map((m) => [m[1], m[2]]),
));

if (Object.keys(REMEDY_OF).length < 10) throw new Error('README error-kinds table not found');

/** The remedies the README's second table documents for the window. */
export const DOCUMENTED_REMEDIES = Object.freeze(
  [...readme.matchAll(/^\| `([a-z_]+)` \| [^|]+ \| [^|]+ \| [^|]+ \|$/gm)]
    .map((m) => m[1])
    .filter((r) => !(r in REMEDY_OF)),
);

/** An error as the backend sends it for `kind`. */
export function backendError(kind, message = `message for ${kind}`, extra = {}) {
  const remedy = REMEDY_OF[kind];
  if (!remedy) throw new Error(`psn-core has no kind ${kind}`);
  return { kind, remedy, message, ...extra };
}
