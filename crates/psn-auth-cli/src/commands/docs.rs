//! `psn-auth completions SHELL` and `psn-auth man`: the shell completion scripts (clap_complete)
//! and the psn-auth(1) manual page (clap_mangen), generated from the same definitions as
//! `--help`, so they can never disagree with it.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit::{Exit, Failure};
use crate::output;

pub fn completions(shell: clap_complete::Shell) -> Result<Exit, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "psn-auth", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Bash {
        // clap_complete's bash script spells a hyphenated binary's state two ways (the loop
        // builds `psn__auth__subcmd__exec`, the case arms expect `psn__subcmd__auth__subcmd__exec`),
        // so nothing after a subcommand completed: clap-rs/clap issues 6421 and 6529, open.
        // Spell the arms the loop's way; the test that completes `psn-auth exec --with` shows it.
        script = script.replace("psn__subcmd__auth", "psn__auth");
    }
    output::stdout(&script)?;
    Ok(Exit::Ok)
}

pub fn man() -> Result<Exit, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(Failure::io("render the manual page"))?;
    output::stdout(&String::from_utf8_lossy(&page))?;
    Ok(Exit::Ok)
}
