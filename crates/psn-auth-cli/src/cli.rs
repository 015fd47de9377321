//! The command line as clap sees it: every command, its options, and the help texts with their
//! examples and the exit-code table.

use clap::{Parser, Subcommand, ValueEnum};
use psn_core::endpoints::{SIGN_IN_PAGE, SSOCOOKIE_PAGE};
use psn_core::RefreshPolicy;

/// `psn-auth --help`'s closing text: examples, then the exit codes.
const ROOT_HELP: &str = concat!(
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

fn login_help() -> String {
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

fn token_help() -> String {
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

const EXEC_HELP: &str = "\
Examples:
  psn-auth exec -- node trophies.mjs
  psn-auth exec --account MyOnlineId -- python3 bot.py --verbose
  psn-auth exec -- sh -c 'curl -H \"Authorization: Bearer $PSN_ACCESS_TOKEN\" https://m.np.playstation.com/…'

Runs CMD with a valid access token in its environment: PSN_ACCESS_TOKEN, PSN_ACCESS_EXPIRES_AT
(RFC 3339), PSN_ACCOUNT_ID and PSN_ONLINE_ID; PSN_REFRESH_TOKEN only with --with-refresh-token.
The token is refreshed first when it is due, as for `token`. On Unix CMD replaces psn-auth (signals
reach it directly) and its exit status is psn-auth's; a CMD that is not found exits 127, one that
cannot be run 126. Failures before CMD starts use the exit codes below (3, 4, 6, 7).";

const COMPLETIONS_HELP: &str = "\
Examples:
  psn-auth completions bash > ~/.local/share/bash-completion/completions/psn-auth
  psn-auth completions zsh > \"${fpath[1]}/_psn-auth\"
  psn-auth completions fish > ~/.config/fish/completions/psn-auth.fish
  psn-auth completions powershell >> $PROFILE
  psn-auth completions elvish >> ~/.config/elvish/rc.elv

Prints the completion script for SHELL on standard output; open a new shell afterwards.";

const MAN_HELP: &str = "\
Examples:
  psn-auth man > psn-auth.1 && man -l psn-auth.1
  psn-auth man | gzip > /usr/share/man/man1/psn-auth.1.gz

Prints the psn-auth(1) manual page (roff), generated from the same definitions as --help; for
packages to install.";

const STATUS_HELP: &str = "\
Examples:
  psn-auth status
  psn-auth status --json | jq '.accounts[] | {label, refreshExpiresAt}'
  psn-auth status >/dev/null || echo 'sign in again'
  psn-auth status --warn-days 7 >/dev/null; [ $? -eq 8 ] && notify-send 'PSN: new NPSSO soon'

Reads only the settings file, never the keychain, and shows no secret. Exits 0 when the active
account's refresh token is still valid, 4 when it has expired, 3 when no account is signed in;
with --warn-days N, 8 when any account's refresh token expires within N days.";

const REMINDER_HELP: &str = "\
Examples:
  psn-auth reminder --ics > psn-renew.ics        then open the file with your calendar
  psn-auth reminder --ics --account MyOnlineId > psn-renew.ics

Prints an iCalendar file with one event three days before the account's refresh token expires
(an hour from now if that is already past), with an alarm, naming the account and how to sign
in again. Its UID stays the same until the next sign-in, so importing it again updates the
event. Reads only the settings file, never the keychain; the file holds no token.";

const REFRESH_HELP: &str = "\
Examples:
  psn-auth refresh
  psn-auth refresh --account MyOnlineId

Trades the refresh token for a new access token now, even if the current one is still valid.
If another process refreshed meanwhile, its result is used instead of a second request.";

const LOGOUT_HELP: &str = "\
Examples:
  psn-auth logout
  psn-auth logout --account 1234567890123456789

Removes the account's tokens from this computer's keychain. Sony offers no way to revoke tokens,
so copies made elsewhere (exports, environment variables) stay valid until they expire.";

const USE_HELP: &str = "\
Examples:
  psn-auth use MyOnlineId
  psn-auth use 1234567890123456789

Makes an account the active one: `token`, `export`, `refresh` and `logout` use it when no
--account is given. ID is an account id or an online ID (any case).";

const EXPORT_HELP: &str = "\
Examples:
  psn-auth export --format env > psn.env          PSN_ACCESS_TOKEN=… lines (dotenv)
  set -a; eval \"$(psn-auth export)\"; set +a       the same, into this shell's environment
  psn-auth export --format json                   {\"accessToken\": …} as psn-api names it
  psn-auth export --format header                 Authorization: Bearer …
  psn-auth export --format psnawp > tokens.json   psnawp's token_response

Like `token`, refreshes first when the access token is due. The output holds secrets: keep it out
of logs and shared files. `--format psnawp` restores a psnawp session without a new sign-in:
PSNAWP(npsso, token_response=json.load(open(\"tokens.json\"))).";

const IMPORT_HELP: &str = "\
Examples:
  psn-auth export --format json | ssh pi psn-auth import
  PSN_AUTH_VAULT=file psn-auth import < tokens.json

Reads psn-api's JSON (what `export --format json` prints) or psnawp's token_response from standard
input (never from the command line), asks Sony who the tokens belong to (refreshing first when the
access token is stale), and saves them under that account in this machine's vault. Both machines
then refresh the same set: Sony hands back the same refresh token without extending it, so each
keeps working until it expires. Exit codes: 4 expired or rejected set, 5 not a token set, 6 retry
later, 7 keychain or vault.";

const SERVE_HELP: &str = "\
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

const VAULT_HELP: &str = "\
Examples:
  psn-auth vault init && export PSN_AUTH_VAULT=file    then `psn-auth login` as usual
  psn-auth vault status

On a server or in a container there is no keychain: the file vault keeps the tokens in one file
encrypted with age, unlocked by a key file (unattended) or a passphrase.";

const VAULT_INIT_HELP: &str = "\
Examples:
  PSN_AUTH_VAULT=file psn-auth vault init                 a key file beside the vault
  psn-auth vault init --key-file /etc/psn-auth/vault.key  a key file of your choice
  psn-auth vault init --passphrase                        a passphrase, asked without echo

Creates vault.age in the data folder ($XDG_DATA_HOME/psn-auth; PSN_AUTH_VAULT_FILE overrides it),
encrypted with age. Then run psn-auth with PSN_AUTH_VAULT=file; it finds the key in
PSN_AUTH_KEY_FILE, $CREDENTIALS_DIRECTORY/psn-auth.key (systemd LoadCredential=) or beside the
vault, and a passphrase in PSN_AUTH_PASSPHRASE_FILE or at a prompt. An existing vault or key file
is never replaced.";

const VAULT_STATUS_HELP: &str = "\
Examples:
  psn-auth vault status
  PSN_AUTH_VAULT=file psn-auth vault status --json

Says which vault is in use (the keychain or the file vault), where it is and how it is unlocked;
never a secret. Exit codes: 7 when the file vault chosen cannot be opened.";

/// Fresh PlayStation Network tokens for scripts, from the PSN Auth keychain.
#[derive(Debug, Parser)]
#[command(name = "psn-auth", version, after_help = ROOT_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Log what happens to stderr: -v steps, -vv details, -vvv everything (no secret is ever
    /// logged). PSN_AUTH_LOG=<filter> does the same without the flag.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in with an NPSSO (from standard input, or typed at a hidden prompt).
    #[command(after_help = login_help())]
    Login {
        /// Print the result as JSON on stdout (field names in the README).
        #[arg(long)]
        json: bool,
    },

    /// Print a valid access token (refreshed first when it is due).
    #[command(after_help = token_help())]
    Token {
        #[command(flatten)]
        account: AccountArg,
        /// Print the result as JSON on stdout (field names in the README).
        #[arg(long)]
        json: bool,
    },

    /// Run a program with a valid access token in its environment.
    #[command(after_help = EXEC_HELP)]
    Exec {
        #[command(flatten)]
        account: AccountArg,
        /// Also pass the refresh token (as PSN_REFRESH_TOKEN). Only for programs that refresh
        /// tokens themselves.
        #[arg(long)]
        with_refresh_token: bool,
        /// The program and its arguments, after `--`.
        #[arg(
            value_name = "CMD",
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        command: Vec<std::ffi::OsString>,
    },

    /// Show every account, when its tokens expire, and which one is active.
    #[command(after_help = STATUS_HELP)]
    Status {
        /// Exit with 8 when any account's refresh token expires within DAYS days (4 when the
        /// active one has expired), for cron jobs and monitoring.
        #[arg(long, value_name = "DAYS")]
        warn_days: Option<u32>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Refresh the access token now.
    #[command(after_help = REFRESH_HELP)]
    Refresh {
        #[command(flatten)]
        account: AccountArg,
        /// Print the result as JSON on stdout (field names in the README).
        #[arg(long)]
        json: bool,
    },

    /// Print a calendar reminder for the day an account must sign in again.
    #[command(after_help = REMINDER_HELP)]
    Reminder {
        /// As an iCalendar (.ics) file, for any calendar app (the one format so far).
        #[arg(long, required = true)]
        ics: bool,
        #[command(flatten)]
        account: AccountArg,
    },

    /// Remove an account's tokens from this computer.
    #[command(after_help = LOGOUT_HELP)]
    Logout {
        #[command(flatten)]
        account: AccountArg,
        /// Print the result as JSON on stdout (field names in the README).
        #[arg(long)]
        json: bool,
    },

    /// Make an account the active one.
    #[command(after_help = USE_HELP)]
    Use {
        /// Account id or online ID.
        #[arg(value_name = "ID")]
        account: String,
        /// Print the result as JSON on stdout (field names in the README).
        #[arg(long)]
        json: bool,
    },

    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the psn-auth(1) manual page (roff).
    #[command(after_help = MAN_HELP)]
    Man,

    /// Print the whole token set as env lines, JSON, psnawp's token_response, or a header.
    #[command(after_help = EXPORT_HELP)]
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Env)]
        format: Format,
        #[command(flatten)]
        account: AccountArg,
    },

    /// Save a token set exported on another machine (JSON on standard input).
    #[command(after_help = IMPORT_HELP)]
    Import {
        /// Print the result as JSON on stdout.
        #[arg(long)]
        json: bool,
    },

    /// Keep token files fresh for other programs (systemd units, containers, cron).
    #[command(after_help = SERVE_HELP)]
    Serve {
        /// The folder to keep the files in (default: $XDG_RUNTIME_DIR/psn-auth).
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
        #[command(flatten)]
        account: AccountArg,
        /// Make the files readable by this group too.
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
        /// Run CMD (with sh -c) after each new token, with PSN_ACCESS_TOKEN_FILE, PSN_ACCOUNT_ID
        /// and PSN_ONLINE_ID in its environment.
        #[arg(long, value_name = "CMD")]
        on_change: Option<String>,
        /// Write the files once and exit (cron).
        #[arg(long)]
        once: bool,
        /// Leave the files in place when stopped.
        #[arg(long)]
        keep: bool,
    },

    /// The encrypted file vault, for machines without a keychain (PSN_AUTH_VAULT=file).
    #[command(subcommand, after_help = VAULT_HELP)]
    Vault(VaultAction),
}

/// What `psn-auth vault` does.
#[derive(Debug, Subcommand)]
pub enum VaultAction {
    /// Create the encrypted file vault (and its key file, unless --passphrase).
    #[command(after_help = VAULT_INIT_HELP)]
    Init {
        /// Lock it with an X25519 key in this file (made now, owner-only; an existing file is
        /// never replaced). Default: vault.key beside the vault.
        #[arg(long, value_name = "PATH", conflicts_with = "passphrase")]
        key_file: Option<std::path::PathBuf>,
        /// Lock it with a passphrase instead (PSN_AUTH_PASSPHRASE_FILE, or asked without echo).
        #[arg(long)]
        passphrase: bool,
    },
    /// Say which vault is in use, where, and how it is unlocked (no secret).
    #[command(after_help = VAULT_STATUS_HELP)]
    Status {
        /// Print the result as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

/// `--account ID` (or `PSN_AUTH_ACCOUNT`), shared by the commands that act on one account.
#[derive(Debug, clap::Args)]
pub struct AccountArg {
    /// Account id or online ID (any case); the active account when left out. The flag wins over
    /// PSN_AUTH_ACCOUNT.
    #[arg(long, value_name = "ID", env = "PSN_AUTH_ACCOUNT")]
    pub account: Option<String>,
}

impl AccountArg {
    pub fn get(&self) -> Option<&str> {
        self.account.as_deref()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// PSN_ACCESS_TOKEN=…, PSN_REFRESH_TOKEN=…, PSN_ACCESS_EXPIRES_AT=…, PSN_REFRESH_EXPIRES_AT=…
    Env,
    /// accessToken, refreshToken, expiresIn, refreshTokenExpiresIn, idToken, scope, tokenType
    Json,
    /// Authorization: Bearer …
    Header,
    /// psnawp's token_response: PSNAWP(npsso, token_response=json.load(f)) restores it
    Psnawp,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::exit;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn root_help_ends_with_the_exit_code_table() {
        assert!(ROOT_HELP.ends_with(exit::TABLE));
    }

    #[test]
    fn every_command_has_an_example() {
        let mut root = Cli::command();
        for sub in root.get_subcommands_mut() {
            let help = sub.render_help().to_string();
            assert!(help.contains("Examples:"), "{}", sub.get_name());
        }
    }

    #[test]
    fn the_npsso_is_never_an_argument() {
        assert!(Cli::try_parse_from(["psn-auth", "login", "abc"]).is_err());
        assert!(Cli::try_parse_from(["psn-auth", "login", "--npsso", "abc"]).is_err());
    }
}
