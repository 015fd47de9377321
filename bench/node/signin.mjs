// The baseline for bench/run: what a user of the published psn-api package runs instead of
// PSN Auth, pointed at the loopback stand-in.
//
//   node signin.mjs login   < npsso.txt   NPSSO -> code -> tokens, saved to $PSN_BENCH_TOKENS
//   node signin.mjs refresh               stored refresh token -> new access token, printed
//
// psn-api has Sony's host fixed inside it, so fetch is wrapped to send those requests to
// $PSN_STANDIN_URL instead. Nothing else is changed.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  exchangeNpssoForAccessCode,
  exchangeAccessCodeForAuthTokens,
  exchangeRefreshTokenForAuthTokens,
} from 'psn-api';

const SONY = 'https://ca.account.sony.com';
const standin = process.env.PSN_STANDIN_URL;
const tokensFile = process.env.PSN_BENCH_TOKENS;
if (!standin || !tokensFile) {
  console.error('signin.mjs: set PSN_STANDIN_URL and PSN_BENCH_TOKENS');
  process.exit(2);
}

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith(SONY)) throw new Error(`signin.mjs: unexpected request to ${url}`);
  return realFetch(standin + url.slice(SONY.length), init);
};

const mode = process.argv[2];
if (mode === 'login') {
  const npsso = readFileSync(0, 'utf8').trim();
  const code = await exchangeNpssoForAccessCode(npsso);
  const tokens = await exchangeAccessCodeForAuthTokens(code);
  if (!tokens.accessToken || !tokens.refreshToken) throw new Error('signin.mjs: no tokens');
  writeFileSync(tokensFile, JSON.stringify(tokens), { mode: 0o600 });
} else if (mode === 'refresh') {
  const { refreshToken } = JSON.parse(readFileSync(tokensFile, 'utf8'));
  const tokens = await exchangeRefreshTokenForAuthTokens(refreshToken);
  if (!tokens.accessToken) throw new Error('signin.mjs: no access token');
  process.stdout.write(`${tokens.accessToken}\n`);
} else {
  console.error('usage: node signin.mjs login|refresh');
  process.exit(2);
}
