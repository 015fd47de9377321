//! `psn-standin`: serves the stand-in until stopped, for benchmarks and manual runs.
//! Prints `URL <base>` and `NPSSO <value>` on stdout, one per line, then waits.
//! `PSN_STANDIN_ACCESS_TTL_SECS` sets how long its access tokens last (`bench/serve.py`'s
//! 2-minute tokens), `PSN_STANDIN_REFRESH_TTL_SECS` its refresh tokens' (`bench/soak`'s hours).
//!
//! It reads commands on stdin, one per line, and answers each with one line (`bench/soak`'s
//! fault schedule):
//! - `fault refresh STATUS [RETRY_AFTER]`: every refresh answers STATUS (429 with Retry-After);
//! - `clear`: no more faults; `slow SECS`: every answer waits SECS (0: none);
//! - `refuse SECS`: no connection is accepted for SECS;
//! - `account ID ONLINE_ID`: who the next sign-in is; `revoke ID`: ID's refresh tokens expire;
//! - `report`: one JSON line: `requests` (`[ms, endpoint]`), `refreshes` (`[ms, account]`) and
//!   `issued` (every secret handed out, for scanning logs).

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
    if let Some(secs) = std::env::var("PSN_STANDIN_REFRESH_TTL_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.refresh_ttl_secs = secs;
    }
    let standin = psn_standin::StandIn::start_on(&bind, config).await?;
    println!("URL {}", standin.url());
    println!("NPSSO {}", standin.npsso());
    println!("ACCOUNT {}", standin.account_id());
    use std::io::Write;
    std::io::stdout().flush()?;
    let standin = std::sync::Arc::new(standin);
    let control = standin.clone();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let answer = command(&control, &line);
            println!("{answer}");
            let _ = std::io::stdout().flush();
        }
    });
    tokio::signal::ctrl_c().await?;
    Ok(())
}

fn command(standin: &psn_standin::StandIn, line: &str) -> String {
    use psn_standin::{Endpoint, Fault};
    use std::time::Duration;
    let words: Vec<&str> = line.split_whitespace().collect();
    let secs = |i: usize| {
        words
            .get(i)
            .and_then(|w| w.parse::<u64>().ok())
            .map(Duration::from_secs)
    };
    match words.as_slice() {
        ["fault", "refresh", "429", ..] => {
            let wait = secs(3).unwrap_or(Duration::from_secs(60)).as_secs();
            standin.fail(Endpoint::TokenRefresh, Fault::rate_limited(wait));
        }
        ["fault", "refresh", status, ..] => match status.parse::<u16>() {
            Ok(503) => standin.fail(Endpoint::TokenRefresh, Fault::outage()),
            Ok(status) => standin.fail(
                Endpoint::TokenRefresh,
                Fault::status(status, "<html><body>Internal Server Error</body></html>")
                    .header("content-type", "text/html"),
            ),
            Err(_) => return format!("error: not a status: {status}"),
        },
        ["clear"] => standin.clear_faults(),
        ["slow", _] => {
            let latency = secs(1).unwrap_or_default();
            standin.configure(|c| c.latency = latency);
        }
        ["refuse", _] => standin.refuse_for(secs(1).unwrap_or_default()),
        ["account", id, online] => standin.configure(|c| {
            c.account_id = (*id).to_owned();
            c.online_id = (*online).to_owned();
        }),
        ["revoke", id] => standin.revoke_account(id),
        ["report"] => {
            let requests: Vec<(i64, String)> = standin
                .requests()
                .iter()
                .filter_map(|r| Some((r.at_ms, format!("{:?}", r.endpoint?))))
                .collect();
            return serde_json::json!({
                "requests": requests,
                "refreshes": standin.refreshes(),
                "issued": standin.issued_secrets(),
            })
            .to_string();
        }
        _ => return format!("error: unknown command: {line}"),
    }
    "ok".to_owned()
}
