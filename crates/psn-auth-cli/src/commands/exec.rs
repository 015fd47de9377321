//! `psn-auth exec [--account A] [--with-refresh-token] -- CMD [ARGS…]`: runs CMD with a valid
//! access token in its environment, the way `aws-vault exec` and `op run` hand credentials to a
//! program: the token never passes through a shell variable, a file or the command line.
//!
//! On Unix CMD replaces this process (`execvp`), so signals reach it directly and its exit
//! status is ours; elsewhere it runs as a child whose status is passed on. A CMD that is not
//! found exits 127 and one that cannot be run 126, as a shell does.

use std::ffi::OsString;
use std::process::Command;

use psn_core::Accounts;

use crate::exit::{Exit, Failure};
use crate::present::{handed_out, rfc3339};

/// What `exec` ended with when CMD did not replace the process.
pub enum Outcome {
    /// psn-auth's own exit code.
    Exit(Exit),
    /// CMD's exit code, whole (on Windows it may be any 32-bit value, such as 0xC0000005 for a
    /// crash), or 126/127 when it could not start.
    Status(i32),
}

pub async fn run(
    accounts: &Accounts,
    account: Option<&str>,
    with_refresh_token: bool,
    argv: &[OsString],
) -> Result<Outcome, Failure> {
    let (id, set) = handed_out(accounts.fresh_tokens(account).await?);
    let online_id = accounts.summary(&id).await?.online_id;
    let Some((program, args)) = argv.split_first() else {
        return Ok(Outcome::Exit(Exit::Usage));
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .env("PSN_ACCESS_TOKEN", set.access_token.expose())
        .env("PSN_ACCESS_EXPIRES_AT", rfc3339(set.access_expires_at))
        .env("PSN_ACCOUNT_ID", &id)
        .env_remove("PSN_REFRESH_TOKEN");
    match &online_id {
        Some(online) => command.env("PSN_ONLINE_ID", online),
        None => command.env_remove("PSN_ONLINE_ID"),
    };
    if with_refresh_token {
        command.env("PSN_REFRESH_TOKEN", set.refresh_token.expose());
    }
    tracing::info!(account = %id, program = ?program, with_refresh_token, "exec");
    Ok(Outcome::Status(start(command, program)))
}

#[cfg(unix)]
fn start(mut command: Command, program: &OsString) -> i32 {
    use std::os::unix::process::CommandExt;
    // Only returns when the program could not be started.
    let error = command.exec();
    not_started(program, &error)
}

#[cfg(not(unix))]
fn start(mut command: Command, program: &OsString) -> i32 {
    match command.status() {
        Ok(status) => status.code().unwrap_or(1),
        Err(error) => not_started(program, &error),
    }
}

fn not_started(program: &OsString, error: &std::io::Error) -> i32 {
    let name = program.to_string_lossy();
    if error.kind() == std::io::ErrorKind::NotFound {
        eprintln!("psn-auth: {name}: command not found");
        127
    } else {
        eprintln!("psn-auth: {name}: could not be run ({error})");
        126
    }
}
