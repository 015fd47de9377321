//! `psn-standin`: serves the stand-in until stopped, for benchmarks and manual runs.
//! Prints `URL <base>` and `NPSSO <value>` on stdout, one per line, then waits.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let standin = psn_standin::StandIn::start_on(&bind, psn_standin::Config::default()).await?;
    println!("URL {}", standin.url());
    println!("NPSSO {}", standin.npsso());
    println!("ACCOUNT {}", standin.account_id());
    use std::io::Write;
    std::io::stdout().flush()?;
    tokio::signal::ctrl_c().await?;
    Ok(())
}
