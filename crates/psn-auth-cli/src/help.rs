//! The help texts every command ends with: examples first, then what it does and its exit
//! codes. Rules and addresses come from the library's constants, never written here again.

use psn_core::endpoints::{SIGN_IN_PAGE, SSOCOOKIE_PAGE};
use psn_core::RefreshPolicy;

/// `psn-auth --help`'s closing text: examples, then the exit codes.
pub const ROOT_HELP: &str = concat!(
    "Examples:
  psn-auth login < npsso.txt          sign in (or paste at the hidden prompt: psn-auth login)
  psn-auth exec -- ./my-script.sh     run a program with a valid token in PSN_ACCESS_TOKEN
  TOKEN=$(psn-auth token)             a valid access token for a script
  psn-auth status                     accounts, deadlines, which one is active
  psn-auth export --format json       the whole set, with psn-api's field names

Data goes to stdout, messages to stderr. Tokens are kept in the OS keychain shared with the PSN
Auth app; PSN_AUTH_BASE_URL and PSN_API_BASE_URL point both at another server (https://, or
http:// on loopback only).

",
    exit_table!()
);

pub fn login_help() -> String {
    format!(
        "\
Examples:
  psn-auth login                      prompts for the NPSSO without echoing it
  psn-auth login < npsso.txt          reads it from standard input (a file or a pipe)
  pbpaste | psn-auth login            the copied ssocookie line works as is

Get the NPSSO: sign in on {SIGN_IN_PAGE} in a browser, then open
{SSOCOOKIE_PAGE} and copy what it shows (the whole line
{{\"npsso\":\"…\"}} or just the value). The NPSSO is never taken from the command line, where
other users could see it. Exit codes: 5 malformed or rejected NPSSO, 6 retry later, 7 keychain."
    )
}

pub fn token_help() -> String {
    format!(
        "\
Examples:
  TOKEN=$(psn-auth token)
  curl -H \"Authorization: Bearer $(psn-auth token)\" https://m.np.playstation.com/…
  psn-auth token --account MyOnlineId
  psn-auth token --json | jq -r .expiresAt

Prints the access token and a newline, nothing else. When it is due for a refresh ({rule}: the
app's rule) it is refreshed first (once, even when many processes ask at the same moment) and the
new set is saved. Exit codes: 3 no such account, 4 a new NPSSO is needed, 6 retry later, 7
keychain.",
        rule = RefreshPolicy::default().due_rule()
    )
}

pub const EXEC_HELP: &str = "\
Examples:
  psn-auth exec -- node trophies.mjs
  psn-auth exec --account MyOnlineId -- python3 bot.py --verbose
  psn-auth exec -- sh -c 'curl -H \"Authorization: Bearer $PSN_ACCESS_TOKEN\" https://m.np.playstation.com/…'

Runs CMD with a valid access token in its environment: PSN_ACCESS_TOKEN, PSN_ACCESS_EXPIRES_AT
(RFC 3339), PSN_ACCOUNT_ID and PSN_ONLINE_ID; PSN_REFRESH_TOKEN only with --with-refresh-token.
The token is refreshed first when it is due, as for `token`. On Unix CMD replaces psn-auth (signals
reach it directly) and its exit status is psn-auth's; a CMD that is not found exits 127, one that
cannot be run 126. Failures before CMD starts use the exit codes below (3, 4, 6, 7).";

pub const COMPLETIONS_HELP: &str = "\
Examples:
  psn-auth completions bash > ~/.local/share/bash-completion/completions/psn-auth
  psn-auth completions zsh > \"${fpath[1]}/_psn-auth\"
  psn-auth completions fish > ~/.config/fish/completions/psn-auth.fish
  psn-auth completions powershell >> $PROFILE
  psn-auth completions elvish >> ~/.config/elvish/rc.elv

Prints the completion script for SHELL on standard output; open a new shell afterwards.";

pub const MAN_HELP: &str = "\
Examples:
  psn-auth man > psn-auth.1 && man -l psn-auth.1
  psn-auth man | gzip > /usr/share/man/man1/psn-auth.1.gz

Prints the psn-auth(1) manual page (roff), generated from the same definitions as --help; for
packages to install.";

pub const STATUS_HELP: &str = "\
Examples:
  psn-auth status
  psn-auth status --json | jq '.accounts[] | {label, refreshExpiresAt}'
  psn-auth status >/dev/null || echo 'sign in again'
  psn-auth status --warn-days 7 >/dev/null; [ $? -eq 8 ] && notify-send 'PSN: new NPSSO soon'

Reads only the settings file, never the keychain, and shows no secret. Exits 0 when the active
account's refresh token is still valid, 4 when it has expired, 3 when no account is signed in;
with --warn-days N, 8 when any account's refresh token expires within N days.";

pub const REMINDER_HELP: &str = "\
Examples:
  psn-auth reminder --ics > psn-renew.ics        then open the file with your calendar
  psn-auth reminder --ics --account MyOnlineId > psn-renew.ics

Prints an iCalendar file with one event three days before the account's refresh token expires
(an hour from now if that is already past), with an alarm, naming the account and how to sign
in again. Its UID stays the same until the next sign-in, so importing it again updates the
event. Reads only the settings file, never the keychain; the file holds no token.";

pub const REFRESH_HELP: &str = "\
Examples:
  psn-auth refresh
  psn-auth refresh --account MyOnlineId

Trades the refresh token for a new access token now, even if the current one is still valid.
If another process refreshed meanwhile, its result is used instead of a second request.";

pub const LOGOUT_HELP: &str = "\
Examples:
  psn-auth logout
  psn-auth logout --account 1234567890123456789

Removes the account's tokens from this computer's keychain. Sony offers no way to revoke tokens,
so copies made elsewhere (exports, environment variables) stay valid until they expire.";

pub const USE_HELP: &str = "\
Examples:
  psn-auth use MyOnlineId
  psn-auth use 1234567890123456789

Makes an account the active one: `token`, `export`, `refresh` and `logout` use it when no
--account is given. ID is an account id or an online ID (any case).";

pub const EXPORT_HELP: &str = "\
Examples:
  psn-auth export --format env > psn.env          PSN_ACCESS_TOKEN=… lines (dotenv)
  set -a; eval \"$(psn-auth export)\"; set +a       the same, into this shell's environment
  psn-auth export --format json                   {\"accessToken\": …} as psn-api names it
  psn-auth export --format header                 Authorization: Bearer …
  psn-auth export --format psnawp > tokens.json   psnawp's token_response

Like `token`, refreshes first when the access token is due. The output holds secrets: keep it out
of logs and shared files. `--format psnawp` restores a psnawp session without a new sign-in:
PSNAWP(npsso, token_response=json.load(open(\"tokens.json\"))).";

pub const IMPORT_HELP: &str = "\
Examples:
  psn-auth export --format json | ssh pi psn-auth import
  PSN_AUTH_VAULT=file psn-auth import < tokens.json

Reads psn-api's JSON (what `export --format json` prints) or psnawp's token_response from standard
input (never from the command line), asks Sony who the tokens belong to (refreshing first when the
access token is stale), and saves them under that account in this machine's vault. Both machines
then refresh the same set: Sony hands back the same refresh token without extending it, so each
keeps working until it expires. Exit codes: 4 expired or rejected set, 5 not a token set, 6 retry
later, 7 keychain or vault.";

pub const SERVE_HELP: &str = "\
Examples:
  psn-auth serve                                   keep $XDG_RUNTIME_DIR/psn-auth fresh
  psn-auth serve --dir /run/psn --group bots       for programs of the bots group
  psn-auth serve --on-change 'docker kill -s HUP bot'
  psn-auth serve --once --dir /srv/psn             once, from cron

Keeps, for every account (or --account), DIR/<account id>/access_token (the token alone) and
DIR/<account id>/token.json ({accessToken, expiresAt, accountId, onlineId}), plus DIR/access_token
and DIR/token.json for the active account, each replaced atomically. Tokens are refreshed ahead of
their end by the app's rule. When only a new sign-in helps, the account's files go once they expire
and DIR/<account id>/error.json says why ({kind, remedy, message}). One serve per folder. SIGTERM or
SIGINT end it (exit 0) and remove its files, unless --keep.";

pub const VAULT_HELP: &str = "\
Examples:
  psn-auth vault init && export PSN_AUTH_VAULT=file    then `psn-auth login` as usual
  psn-auth vault status

On a server or in a container there is no keychain: the file vault keeps the tokens in one file
encrypted with age, unlocked by a key file (unattended) or a passphrase.";

pub const VAULT_INIT_HELP: &str = "\
Examples:
  PSN_AUTH_VAULT=file psn-auth vault init                 a key file beside the vault
  psn-auth vault init --key-file /etc/psn-auth/vault.key  a key file of your choice
  psn-auth vault init --passphrase                        a passphrase, asked without echo

Creates vault.age in the data folder ($XDG_DATA_HOME/psn-auth; PSN_AUTH_VAULT_FILE overrides it),
encrypted with age. Then run psn-auth with PSN_AUTH_VAULT=file; it finds the key in
PSN_AUTH_KEY_FILE, $CREDENTIALS_DIRECTORY/psn-auth.key (systemd LoadCredential=) or beside the
vault, and a passphrase in PSN_AUTH_PASSPHRASE_FILE or at a prompt. An existing vault or key file
is never replaced.";

pub const VAULT_STATUS_HELP: &str = "\
Examples:
  psn-auth vault status
  PSN_AUTH_VAULT=file psn-auth vault status --json

Says which vault is in use (the keychain or the file vault), where it is and how it is unlocked;
never a secret. Exit codes: 7 when the file vault chosen cannot be opened.";

pub const DOCTOR_HELP: &str = "\
Examples:
  psn-auth doctor
  psn-auth doctor --json

Shows what a bug report needs and nothing secret: versions, the namespace and any override,
whether the keychain or file vault answers, how many accounts, proxies (without credentials),
whom TLS trusts (Mozilla's roots and the OS store; PSN_AUTH_EXTRA_CA if set; SSL_CERT_FILE and
SSL_CERT_DIR are never trusted), the log folder, and whether the watcher runs.";
