//! One module per command; [`run`] sets up the account service and an async runtime and calls
//! the right one. Each command returns the [`Exit`] it ends with, or the [`Failure`] that
//! stopped it.

mod account;
mod docs;
mod doctor;
mod exec;
mod import;
mod login;
mod serve;
mod status;
mod tokens;
mod vault;

use crate::cli::{Command, VaultAction};
use crate::context::{self, Check};
use crate::exit::{Exit, Failure};

/// Runs `command`; the exit code it ends with (psn-auth's own, or `exec`'s program's).
pub fn run(command: Command) -> Result<u8, Failure> {
    // These two need no keychain and no network: they describe the command line itself.
    match command {
        Command::Completions { shell } => return docs::completions(shell).map(|e| e.code()),
        Command::Man => return docs::man().map(|e| e.code()),
        Command::Doctor { json } => return doctor::run(json).map(|e| e.code()),
        Command::Vault(VaultAction::Init {
            key_file,
            passphrase,
        }) => return vault::init(&context::namespace()?, key_file, passphrase).map(|e| e.code()),
        Command::Vault(VaultAction::Status { json }) => {
            return vault::status(&context::namespace()?, json).map(|e| e.code())
        }
        _ => {}
    }
    // Only `login` checks the keychain up front: it is about to save, and a person should not
    // paste an NPSSO into a command that cannot keep the tokens.
    let check = match command {
        Command::Login { .. } | Command::Import { .. } => Check::Now,
        _ => Check::AtFirstSave,
    };
    let accounts = context::accounts(check)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::io("start the async runtime"))?;
    runtime.block_on(async {
        let exit = match &command {
            Command::Exec {
                account,
                with_refresh_token,
                command,
            } => {
                return match exec::run(&accounts, account.get(), *with_refresh_token, command)
                    .await?
                {
                    exec::Outcome::Exit(exit) => Ok(exit.code()),
                    exec::Outcome::Status(code) => match u8::try_from(code) {
                        Ok(code) => Ok(code),
                        // Outside 0..=255 (Windows: a crash's NTSTATUS): passed on whole, which
                        // `ExitCode` cannot carry. Nothing is left to write or wipe by now.
                        Err(_) => {
                            use std::io::Write;
                            let _ = std::io::stderr().flush();
                            std::process::exit(code)
                        }
                    },
                };
            }
            Command::Login { json } => login::run(&accounts, *json).await,
            Command::Token { account, json } => {
                tokens::token(&accounts, account.get(), *json).await
            }
            Command::Export { format, account } => {
                tokens::export(&accounts, *format, account.get()).await
            }
            Command::Status { json, warn_days } => status::run(&accounts, *json, *warn_days).await,
            Command::Reminder { ics: _, account } => {
                status::reminder(&accounts, account.get()).await
            }
            Command::Refresh { account, json } => {
                account::refresh(&accounts, account.get(), *json).await
            }
            Command::Logout { account, json } => {
                account::logout(&accounts, account.get(), *json).await
            }
            Command::Use { account, json } => account::switch(&accounts, account, *json).await,
            Command::Import { json } => import::run(&accounts, *json).await,
            Command::Serve {
                dir,
                account,
                group,
                on_change,
                once,
                keep,
            } => {
                let options = serve::Options {
                    dir: dir.clone(),
                    account: account.get().map(str::to_owned),
                    group: group.clone(),
                    on_change: on_change.clone(),
                    once: *once,
                    keep: *keep,
                };
                serve::run(&accounts, options).await
            }
            Command::Completions { .. }
            | Command::Man
            | Command::Doctor { .. }
            | Command::Vault(_) => {
                unreachable!("handled above")
            }
        };
        exit.map(Exit::code)
    })
}
