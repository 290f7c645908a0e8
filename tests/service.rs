//! The embedding example, started on a loopback port and called over real
//! HTTP: evaluate, a malformed request, the policy serving, and reloads that
//! succeed and that are refused.

// Tests fail by panicking; the library-code lints do not apply here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../examples/service.rs"]
#[allow(dead_code)]
mod service;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One HTTP/1.1 request over a fresh connection; the status and the body.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: impl AsRef<[u8]>,
) -> (u16, serde_json::Value) {
    let body = body.as_ref();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status: u16 = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

fn start(
    policy: qbm::Policy,
    source: Option<std::path::PathBuf>,
) -> (tokio::runtime::Runtime, SocketAddr) {
    start_with(service::AppState::new(policy, source))
}

fn start_with(state: service::AppState) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = service::app(state);
    runtime.spawn(async move { axum::serve(listener, app).await });
    (runtime, addr)
}

#[test]
fn evaluates_json_and_yaml_and_survives_a_malformed_request() {
    let (_runtime, addr) = start(qbm::Policy::builtin().unwrap(), None);
    let yaml = std::fs::read_to_string("examples/assessments/partner.yaml").unwrap();
    let (status, body) = request(addr, "POST", "/evaluate", "application/yaml", &yaml);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["level"]["id"], "partner");
    assert_eq!(body["membership"]["state"], "due_for_renewal");

    let json = r#"{"assessment": {"program": "JSON Mentors"}, "facts": {"application_submitted": true, "direct_youth_mentoring": true}}"#;
    let (status, body) = request(addr, "POST", "/evaluate", "application/json", json);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["level"]["id"], "affiliate");

    // Malformed: not an assessment at all, then one the policy cannot use.
    let (status, body) = request(
        addr,
        "POST",
        "/evaluate",
        "application/json",
        "{\"assessment\": [1, 2",
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("request body"),
        "{body}"
    );
    let (status, body) = request(
        addr,
        "POST",
        "/evaluate",
        "application/yaml",
        "assessment: {program: P}\nanswers: {B.9.9: met}\n",
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["kind"], "unknown_reference");
    assert_eq!(body["errors"][0]["path"], "answers.B.9.9");

    // And the service still answers.
    let (status, body) = request(addr, "GET", "/policy", "text/plain", "");
    assert_eq!(
        (status, body["name"].as_str(), body["version"].as_str()),
        (200, Some("mmp-qbm"), Some("2.0.0"))
    );
}

#[test]
fn reloads_a_good_policy_and_refuses_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("qbm-service-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policy.yaml");
    std::fs::write(&path, qbm::EMBEDDED[0].yaml).unwrap();
    let (_runtime, addr) = start(qbm::Policy::from_path(&path).unwrap(), Some(path.clone()));
    let version = || {
        request(addr, "GET", "/policy", "text/plain", "").1["version"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(version(), "1.0.0");

    // A bad policy on disk: refused with its errors; 1.0.0 keeps serving.
    std::fs::write(&path, "policy: {name: mmp-qbm, version: 1.1.0, title: T}\nlevels:\n  - {id: a, rank: 1, titel: A}\n").unwrap();
    let (status, body) = request(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `titel`"),
        "{body}"
    );
    assert_eq!(version(), "1.0.0");
    let (status, _) = request(
        addr,
        "POST",
        "/evaluate",
        "application/yaml",
        "assessment: {program: P}\n",
    );
    assert_eq!(status, 200);

    // A good one: swapped in without a restart.
    std::fs::write(&path, qbm::EMBEDDED[1].yaml).unwrap();
    let (status, body) = request(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(
        (status, body["version"].as_str()),
        (200, Some("2.0.0")),
        "{body}"
    );
    assert_eq!(version(), "2.0.0");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_embedded_policy_cannot_be_reloaded() {
    let (_runtime, addr) = start(qbm::Policy::builtin().unwrap(), None);
    let (status, _) = request(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(status, 409);
}

#[test]
fn bodies_that_are_not_utf8_or_too_big_are_refused_with_the_reason() {
    let mut limits = qbm::Limits::default();
    limits.max_input_bytes = 64;
    let state = service::AppState::new(qbm::Policy::builtin().unwrap(), None).with_limits(limits);
    let (_runtime, addr) = start_with(state);

    let latin1: &[u8] = b"assessment: {program: Caf\xe9 Mentors}\n";
    let (status, body) = request(addr, "POST", "/evaluate", "application/yaml", latin1);
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["errors"][0]["message"],
        "request body:1:26: the document is not UTF-8 text (hint: save it as UTF-8)"
    );
    assert_eq!(body["errors"][0]["kind"], "syntax");

    // At the limit the body is read; one byte past it is refused unread.
    let at = format!("assessment: {{program: P}}\n#{}\n", "x".repeat(37));
    assert_eq!(at.len(), 64);
    let (status, body) = request(addr, "POST", "/evaluate", "application/yaml", &at);
    assert_eq!(status, 200, "{body}");
    let (status, _) = request(
        addr,
        "POST",
        "/evaluate",
        "application/yaml",
        format!("{at} "),
    );
    assert_eq!(status, 413);

    // And the service still answers.
    let (status, _) = request(addr, "GET", "/policy", "text/plain", "");
    assert_eq!(status, 200);
}
