//! The stand-in's own fault modes that bench/soak schedules: refusing connections for a while,
//! and revoking one account's refresh tokens.

use std::time::{Duration, Instant};

use psn_standin::{Config, StandIn};

#[tokio::test]
async fn refusing_connections_lasts_as_long_as_asked_then_the_same_port_listens_again() {
    let s = StandIn::start(Config::default()).await.unwrap();
    assert!(tokio::net::TcpStream::connect(s.addr()).await.is_ok());
    s.refuse_for(Duration::from_secs(1));
    let started = Instant::now();
    // Refused within a moment of the ask.
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if tokio::net::TcpStream::connect(s.addr()).await.is_err() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_millis(800),
            "still accepting"
        );
    }
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if tokio::net::TcpStream::connect(s.addr()).await.is_ok() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "never listened again"
        );
    }
    assert!(started.elapsed() >= Duration::from_millis(900));
}
