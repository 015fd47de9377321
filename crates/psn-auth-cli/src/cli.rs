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

Like `token`, refreshes first when the access token is due. The output holds secrets: keep it out
of logs and shared files.";

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

    /// Print the whole token set as env lines, JSON, or an HTTP header.
    #[command(after_help = EXPORT_HELP)]
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Env)]
        format: Format,
        #[command(flatten)]
        account: AccountArg,
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
