//! `psn-auth`: the command-line companion of the PSN Auth app. It signs in with an NPSSO and
//! hands scripts a fresh access token from the same keychain vault the app uses, so an account
//! signed in in one shows in the other.
//!
//! This file only parses the arguments and turns the outcome into an exit code; the commands
//! live in [`commands`], the exit codes in [`exit`].

#[macro_use]
mod exit;
mod cli;
mod commands;
mod context;
mod output;
mod present;

use clap::Parser;

fn main() -> std::process::ExitCode {
    // clap prints usage errors itself and exits with 2; `--help` and `--version` exit with 0.
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(exit) => exit.into(),
        Err(failure) => {
            failure.report();
            failure.exit().into()
        }
    }
}
