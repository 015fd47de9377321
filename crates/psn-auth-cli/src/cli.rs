//! The command line as clap sees it: every command, its options, and the help texts with their
//! examples and the exit-code table.

use clap::{Parser, Subcommand, ValueEnum};

use crate::help::*;

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

    /// Describe this setup for a bug report: versions, vault, proxies, trusted CAs (no secret).
    #[command(after_help = DOCTOR_HELP)]
    Doctor {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
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
    use crate::help::ROOT_HELP;

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
