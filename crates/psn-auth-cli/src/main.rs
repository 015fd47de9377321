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
mod help;
mod output;
mod present;

use clap::Parser;

fn main() -> std::process::ExitCode {
    // clap prints usage errors itself and exits with 2; `--help` and `--version` exit with 0.
    let cli = cli::Cli::parse();
    init_logging(cli.verbose);
    let started = std::time::Instant::now();
    let result = commands::run(cli.command);
    let code = match &result {
        Ok(code) => *code,
        Err(failure) => failure.exit().code(),
    };
    tracing::debug!(
        exit = code,
        elapsed_ms = psn_core::log::elapsed_ms(started),
        "done"
    );
    if let Err(failure) = result {
        failure.report();
    }
    std::process::ExitCode::from(code)
}

/// Log lines go to stderr (never stdout, which carries tokens): warnings by default, more with
/// `-v`/`-vv`/`-vvv` or `PSN_AUTH_LOG` (a level such as `debug`, or levels by target such as
/// `psn_core=trace,warn`).
fn init_logging(verbosity: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let directives = psn_core::log::directives(verbosity, "warn");
    let filter = directives.parse::<Targets>().unwrap_or_else(|e| {
        eprintln!("psn-auth: warning: ignoring PSN_AUTH_LOG ({e})");
        Targets::new().with_default(LevelFilter::WARN)
    });
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_target(true)
                .with_filter(filter),
        )
        .init();
}
