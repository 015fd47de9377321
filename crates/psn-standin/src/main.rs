//! `psn-standin`: serves the stand-in until stopped, for benchmarks and manual runs.
//! Prints `URL <base>` and `NPSSO <value>` on stdout, one per line, then waits.
//! `PSN_STANDIN_ACCESS_TTL_SECS` sets how long its access tokens last (`bench/serve.py`'s
//! 2-minute tokens).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let mut config = psn_standin::Config::default();
    if let Some(secs) = std::env::var("PSN_STANDIN_ACCESS_TTL_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.access_ttl_secs = secs;
    }
    let standin = psn_standin::StandIn::start_on(&bind, config).await?;
    println!("URL {}", standin.url());
    println!("NPSSO {}", standin.npsso());
    println!("ACCOUNT {}", standin.account_id());
    use std::io::Write;
    std::io::stdout().flush()?;
    tokio::signal::ctrl_c().await?;
    Ok(())
}
