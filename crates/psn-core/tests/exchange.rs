//! The exchange against a real HTTP server on loopback (the stand-in), asserting what each
//! endpoint receives and how every failure is reported.

use std::time::Duration;

use chrono::Utc;
use psn_core::{parse_npsso, ClientConfig, Endpoints, Npsso, PsnClient};
use psn_standin::{Config, Endpoint, Fault, StandIn};

async fn standin() -> StandIn {
    StandIn::start(Config::default()).await.unwrap()
}

fn client(standin: &StandIn) -> PsnClient {
    client_with(&standin.url(), Duration::from_secs(10))
}

fn client_with(base: &str, timeout: Duration) -> PsnClient {
    let config = ClientConfig {
        connect_timeout: Duration::from_secs(2),
        timeout,
        ..ClientConfig::default()
    };
    PsnClient::with_config(Endpoints::single(base).unwrap(), config).unwrap()
}

fn npsso(standin: &StandIn) -> Npsso {
    parse_npsso(&standin.npsso()).unwrap()
}

#[tokio::test]
async fn sign_in_sends_exactly_what_sony_expects() {
    let s = standin().await;
    let c = client(&s);
    c.sign_in(&npsso(&s)).await.unwrap();

    let requests = s.requests();
    assert_eq!(requests.len(), 2);
    let auth = &requests[0];
    assert_eq!(auth.method, "GET");
    assert_eq!(auth.path, "/api/authz/v3/oauth/authorize");
    assert_eq!(auth.query("access_type"), Some("offline"));
    assert_eq!(
        auth.query("client_id"),
        Some("09515159-7237-4370-9b40-3806e67c0891")
    );
    assert_eq!(
        auth.query("redirect_uri"),
        Some("com.scee.psxandroid.scecompcall://redirect")
    );
    assert_eq!(auth.query("response_type"), Some("code"));
    assert_eq!(
        auth.query("scope"),
        Some("psn:mobile.v2.core psn:clientapp")
    );
    assert_eq!(auth.query.len(), 5, "no extra query parameters");
    assert_eq!(
        auth.header("cookie"),
        Some(format!("npsso={}", s.npsso()).as_str())
    );
    assert!(auth.header("user-agent").unwrap().starts_with("psn-auth/"));

    let token = &requests[1];
    assert_eq!(token.method, "POST");
    assert_eq!(token.path, "/api/authz/v3/oauth/token");
    assert_eq!(
        token.header("authorization"),
        Some("Basic MDk1MTUxNTktNzIzNy00MzcwLTliNDAtMzgwNmU2N2MwODkxOnVjUGprYTV0bnRCMktxc1A=")
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(token.form("code").unwrap().starts_with("v3."));
    assert_eq!(
        token.form("redirect_uri"),
        Some("com.scee.psxandroid.scecompcall://redirect")
    );
    assert_eq!(token.form("grant_type"), Some("authorization_code"));
    assert_eq!(token.form("token_format"), Some("jwt"));
    assert_eq!(token.form.len(), 4, "no extra form fields");
    assert_eq!(
        token.header("cookie"),
        None,
        "the NPSSO goes only to authorize"
    );
}

#[tokio::test]
async fn sign_in_computes_absolute_deadlines() {
    let s = standin().await;
    let before = Utc::now();
    let set = client(&s).sign_in(&npsso(&s)).await.unwrap();
    let after = Utc::now();
    assert_eq!(
        set.access_token.expose(),
        s.last_access_token().unwrap().as_str()
    );
    assert_eq!(
        set.refresh_token.expose(),
        s.last_refresh_token().unwrap().as_str()
    );
    assert!(set.access_token.expose().len() >= 1000);
    assert!(set.id_token.is_some());
    assert_eq!(set.token_type, "bearer");
    assert_eq!(set.scope, "psn:mobile.v2.core psn:clientapp");
    let access = chrono::Duration::seconds(3599);
    let refresh = chrono::Duration::seconds(5_183_999);
    assert!(set.access_expires_at >= before + access && set.access_expires_at <= after + access);
    assert!(
        set.refresh_expires_at >= before + refresh && set.refresh_expires_at <= after + refresh
    );
}

#[tokio::test]
async fn refresh_sends_the_refresh_form_and_keeps_the_refresh_token() {
    let s = standin().await;
    let c = client(&s);
    let first = c.sign_in(&npsso(&s)).await.unwrap();
    let next = c.refresh(&first).await.unwrap();

    let refresh = s.requests().pop().unwrap();
    assert_eq!(refresh.method, "POST");
    assert_eq!(refresh.path, "/api/authz/v3/oauth/token");
    assert_eq!(
        refresh.header("authorization"),
        Some("Basic MDk1MTUxNTktNzIzNy00MzcwLTliNDAtMzgwNmU2N2MwODkxOnVjUGprYTV0bnRCMktxc1A=")
    );
    assert_eq!(
        refresh.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        refresh.form("refresh_token"),
        Some(first.refresh_token.expose())
    );
    assert_eq!(refresh.form("grant_type"), Some("refresh_token"));
    assert_eq!(refresh.form("token_format"), Some("jwt"));
    assert_eq!(
        refresh.form("scope"),
        Some("psn:mobile.v2.core psn:clientapp")
    );
    assert_eq!(refresh.form.len(), 4);

    assert_ne!(next.access_token, first.access_token);
    assert_eq!(next.refresh_token, first.refresh_token);
    assert_eq!(next.refresh_expires_at, first.refresh_expires_at);
}

#[tokio::test]
async fn refresh_with_rotation_stores_the_new_refresh_token() {
    let s = standin().await;
    s.configure(|c| c.rotate_refresh_token = true);
    let c = client(&s);
    let first = c.sign_in(&npsso(&s)).await.unwrap();
    let next = c.refresh(&first).await.unwrap();
    assert_ne!(next.refresh_token, first.refresh_token);
    assert_eq!(
        next.refresh_token.expose(),
        s.last_refresh_token().unwrap().as_str()
    );
    // Sony's refresh deadline does not move; the stand-in reports what is left.
    let drift = (next.refresh_expires_at - first.refresh_expires_at)
        .num_seconds()
        .abs();
    assert!(drift <= 2, "deadline moved by {drift} s");
}

#[tokio::test]
async fn who_am_i_gives_account_id_and_profile() {
    let s = standin().await;
    let c = client(&s);
    let set = c.sign_in(&npsso(&s)).await.unwrap();
    let id = c.account_id(&set.access_token).await.unwrap();
    assert_eq!(id, s.account_id());
    let profile = c.profile(&set.access_token, &id).await.unwrap();
    assert_eq!(profile.online_id.as_deref(), Some(s.online_id().as_str()));
    let avatar_url = profile.avatar_url.unwrap();
    assert!(avatar_url.ends_with("/avatar.png?size=xl"), "{avatar_url}");
    let image = c.avatar(&avatar_url).await.unwrap();
    assert_eq!(image.content_type, "image/png");
    assert!(image.bytes.starts_with(b"\x89PNG"));
    let me = s
        .requests()
        .into_iter()
        .find(|r| r.endpoint == Some(Endpoint::Me))
        .unwrap();
    assert_eq!(
        me.header("authorization"),
        Some(format!("Bearer {}", set.access_token.expose()).as_str())
    );
}

#[tokio::test]
async fn unknown_npsso_redirects_to_sign_in_page_and_is_npsso_rejected() {
    let s = standin().await;
    let wrong = Npsso::new("A".repeat(64));
    let err = client(&s).sign_in(&wrong).await.unwrap_err();
    assert_eq!(err.kind(), "npsso_rejected");
    assert!(err.to_string().contains("copy the new NPSSO"));
    assert_eq!(s.count(Endpoint::TokenCode), 0);
}

#[tokio::test]
async fn location_on_sony_web_page_with_4165_is_npsso_rejected() {
    let s = standin().await;
    s.fail(
        Endpoint::Authorize,
        Fault::status(302, "").header(
            "location",
            "https://my.account.sony.com/central/signin/?error=login_required&error_code=4165&error_description=Login+required",
        ),
    );
    let err = client(&s).authorize(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "npsso_rejected");
}

#[tokio::test]
async fn code_is_taken_from_any_location_host_or_scheme() {
    let s = standin().await;
    s.fail(
        Endpoint::Authorize,
        Fault::status(302, "")
            .header(
                "location",
                "https://elsewhere.example/cb?cid=9&code=v3.FromHttps",
            )
            .times(1),
    );
    let code = client(&s).authorize(&npsso(&s)).await.unwrap();
    assert_eq!(code.expose(), "v3.FromHttps");
}

#[tokio::test]
async fn redirect_without_location_is_malformed() {
    let s = standin().await;
    s.fail(Endpoint::Authorize, Fault::status(302, ""));
    let err = client(&s).authorize(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "malformed_response");
    assert!(err.to_string().contains("Location"), "{err}");
}

#[tokio::test]
async fn ok_where_a_redirect_was_expected_is_unexpected() {
    let s = standin().await;
    s.fail(
        Endpoint::Authorize,
        Fault::status(
            200,
            r#"{"hello":"eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLWxpa2U.c2ln"}"#,
        ),
    );
    let err = client(&s).authorize(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "unexpected_response");
    let message = err.to_string();
    assert!(message.contains("HTTP 200"), "{message}");
    assert!(message.contains("[redacted]"), "{message}");
    assert!(!message.contains("c2VjcmV0"), "{message}");
}

#[tokio::test]
async fn token_body_that_is_not_json_is_malformed() {
    let s = standin().await;
    s.fail(
        Endpoint::TokenCode,
        Fault::status(200, "access_token=abc; not json"),
    );
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "malformed_response");
}

#[tokio::test]
async fn token_json_without_access_token_is_malformed() {
    let s = standin().await;
    s.fail(
        Endpoint::TokenCode,
        Fault::status(200, r#"{"token_type":"bearer","expires_in":3599}"#),
    );
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "malformed_response");
    assert!(err.to_string().contains("no access_token"), "{err}");
}

#[tokio::test]
async fn html_where_json_belongs_is_sony_unavailable() {
    let s = standin().await;
    s.fail(
        Endpoint::TokenCode,
        Fault::status(200, "<!DOCTYPE html><html><body>Maintenance</body></html>"),
    );
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "sony_unavailable");
}

#[tokio::test]
async fn outage_503_is_sony_unavailable() {
    let s = standin().await;
    s.fail(Endpoint::Authorize, Fault::outage());
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "sony_unavailable");
    assert!(err.to_string().contains("HTTP 503"));
    assert_eq!(err.remedy(), psn_core::Remedy::RetryLater);
}

#[tokio::test]
async fn server_error_500_on_token_is_sony_unavailable() {
    let s = standin().await;
    s.fail(Endpoint::TokenCode, Fault::status(500, "{}"));
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "sony_unavailable");
}

#[tokio::test]
async fn rate_limit_reports_retry_after_seconds() {
    let s = standin().await;
    s.fail(Endpoint::Authorize, Fault::rate_limited(120));
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "rate_limited");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(err.to_string().contains("Wait 2 minutes"), "{err}");
}

#[tokio::test]
async fn rate_limit_reports_retry_after_http_date() {
    let s = standin().await;
    let when = (Utc::now() + chrono::Duration::seconds(300)).to_rfc2822();
    s.fail(
        Endpoint::TokenRefresh,
        Fault::status(429, "").header("retry-after", &when.replace("+0000", "GMT")),
    );
    let c = client(&s);
    let set = c.sign_in(&npsso(&s)).await.unwrap();
    let err = c.refresh(&set).await.unwrap_err();
    assert_eq!(err.kind(), "rate_limited");
    let wait = err.retry_after().unwrap().as_secs();
    assert!((290..=300).contains(&wait), "{wait}");
}

#[tokio::test]
async fn rate_limit_without_retry_after_still_says_to_wait() {
    let s = standin().await;
    s.fail(Endpoint::TokenCode, Fault::status(429, ""));
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "rate_limited");
    assert_eq!(err.retry_after(), None);
    assert!(err.to_string().contains("few minutes"));
}

#[tokio::test]
async fn rejected_code_is_code_rejected() {
    let s = standin().await;
    s.fail(
        Endpoint::TokenCode,
        Fault::status(
            400,
            r#"{"error":"invalid_grant","error_description":"Invalid authorization code","error_code":4117}"#,
        ),
    );
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "code_rejected");
}

#[tokio::test]
async fn expired_refresh_token_is_refresh_rejected() {
    let s = standin().await;
    let c = client(&s);
    let set = c.sign_in(&npsso(&s)).await.unwrap();
    s.expire_refresh_tokens();
    let err = c.refresh(&set).await.unwrap_err();
    assert_eq!(err.kind(), "refresh_rejected");
    assert!(err.to_string().contains("new NPSSO"));
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let s = standin().await;
    s.fail(
        Endpoint::Authorize,
        Fault::status(302, "").delay(Duration::from_secs(30)),
    );
    let c = client_with(&s.url(), Duration::from_millis(300));
    let started = std::time::Instant::now();
    let err = c.sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "network");
    assert!(matches!(
        err,
        psn_core::Error::Network {
            failure: psn_core::NetworkFailure::Timeout
        }
    ));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn refused_connection_is_a_network_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = client_with(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5));
    let err = c.sign_in(&Npsso::new("A".repeat(64))).await.unwrap_err();
    assert!(
        matches!(
            err,
            psn_core::Error::Network {
                failure: psn_core::NetworkFailure::Refused
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("refused"));
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_error() {
    let s = standin().await;
    let c = client_with(
        &s.url().replace("http://", "https://"),
        Duration::from_secs(5),
    );
    let err = c.sign_in(&npsso(&s)).await.unwrap_err();
    assert!(
        matches!(
            err,
            psn_core::Error::Network {
                failure: psn_core::NetworkFailure::Tls
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn unexpected_status_keeps_status_and_redacted_excerpt() {
    let s = standin().await;
    s.fail(
        Endpoint::TokenCode,
        Fault::status(
            418,
            r#"{"teapot":true,"refresh_token":"dGhpcyBpcyBhIHNlY3JldCByZWZyZXNoIHRva2Vu"}"#,
        ),
    );
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "unexpected_response");
    let message = err.to_string();
    assert!(message.contains("HTTP 418"));
    assert!(message.contains("teapot"));
    assert!(!message.contains("dGhpcyBpcyBh"));
}

#[tokio::test]
async fn no_error_message_or_debug_output_contains_a_secret() {
    let s = standin().await;
    let c = client(&s);
    let n = npsso(&s);
    let set = c.sign_in(&n).await.unwrap();
    let debug = format!("{set:?} {n:?}");
    assert!(!debug.contains(set.access_token.expose()));
    assert!(!debug.contains(set.refresh_token.expose()));
    assert!(!debug.contains(n.expose()));
    s.expire_refresh_tokens();
    let err = c.refresh(&set).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(set.refresh_token.expose()));
}

#[tokio::test]
async fn avatar_from_a_plain_http_host_is_refused() {
    let s = standin().await;
    let err = client(&s)
        .avatar("http://images.example.com/avatar.png")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_endpoint");
    let err = client(&s)
        .avatar(&format!("{}/not-there.png", s.url()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "unexpected_response");
}

#[tokio::test]
async fn a_huge_token_answer_is_cut_off_not_read_whole() {
    let s = standin().await;
    let huge = format!("{{\"access_token\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    s.fail(Endpoint::TokenCode, Fault::status(200, &huge));
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "malformed_response");
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[tokio::test]
async fn a_token_answer_that_does_not_parse_is_never_quoted() {
    let s = standin().await;
    // A 200 from the token endpoint holds tokens even when it does not parse as expected.
    let body = "{\"access_token\": \"abc.def.ghi\", \"expires_in\": \"soon\"}";
    s.fail(Endpoint::TokenCode, Fault::status(200, body));
    let err = client(&s).sign_in(&npsso(&s)).await.unwrap_err();
    assert_eq!(err.kind(), "malformed_response");
    let text = err.to_string();
    assert!(
        !text.contains("access_token") && !text.contains("abc"),
        "{text}"
    );
}

/// Whatever the who-am-I and profile endpoints answer, sign-in ends in an account or a typed
/// error, never a panic; their odd answers only cost the name.
#[tokio::test]
async fn odd_who_am_i_and_profile_answers_never_panic() {
    let bodies = [
        "",
        "null",
        "[]",
        "{\"accountId\": null}",
        "{\"accountId\": 1e308}",
        "{\"accountId\": 123456789012345678901234567890}",
        "{\"accountId\": {\"nested\": [1, 2]}}",
        "{\"accountId\": \"\\u0000\\u001b[2J\"}",
        "{\"onlineId\": 42, \"avatars\": \"no\"}",
        "{\"onlineId\": \"x\", \"avatars\": [{\"size\": null, \"url\": 7}]}",
        "<html><body>Service Unavailable</body></html>",
    ];
    for body in bodies {
        for endpoint in [Endpoint::Me, Endpoint::Profile] {
            let s = standin().await;
            s.fail(
                endpoint,
                Fault::status(200, body).header("content-type", "application/json"),
            );
            let c = client(&s);
            let set = c.sign_in(&npsso(&s)).await.unwrap();
            match c.account_id(&set.access_token).await {
                Ok(id) => {
                    let _ = c.profile(&set.access_token, &id).await;
                }
                Err(e) => assert!(!e.to_string().is_empty(), "{body}"),
            }
        }
    }
}
