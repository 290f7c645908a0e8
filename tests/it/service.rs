//! The embedding example, started on a loopback port and called over real
//! HTTP: evaluate (JSON and YAML by their content type), malformed and
//! oversized requests, slow clients, a busy service, the policy serving,
//! and reloads that succeed, that are refused, and that meet a file being
//! rewritten.

#[path = "../../examples/service.rs"]
#[allow(dead_code)]
mod service;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;
use sha2::Digest as _;

/// One answer: the status, the headers (names lowercased) and the body,
/// as JSON (`Null` when it is not).
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    text: String,
    body: serde_json::Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one answer from a connection: the head, then `Content-Length`
/// bytes of body. `None` when the connection closes first.
fn read_answer(stream: &mut TcpStream) -> Option<Answer> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8(head).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    let text = String::from_utf8(body).unwrap();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    Some(Answer {
        status,
        headers,
        text,
        body,
    })
}

fn send(
    stream: &mut TcpStream,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
    close: bool,
) {
    let connection = if close { "Connection: close\r\n" } else { "" };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{connection}\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// One HTTP/1.1 request over a fresh connection.
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: impl AsRef<[u8]>,
) -> Answer {
    let mut stream = connect(addr);
    send(&mut stream, method, path, content_type, body.as_ref(), true);
    read_answer(&mut stream).expect("an answer")
}

/// The status and the JSON body of one request over a fresh connection.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: impl AsRef<[u8]>,
) -> (u16, serde_json::Value) {
    let answer = call(addr, method, path, content_type, body);
    (answer.status, answer.body)
}

/// Whether the server has closed the connection: a read ends (or is reset)
/// rather than timing out.
fn closed(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

/// Short timeouts and waits, so that the tests of slow clients, busy
/// workers and unsettled files take a fraction of a second.
fn quick() -> service::Config {
    service::Config {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        queue_wait: Duration::from_millis(100),
        settle: Duration::from_millis(100),
        reload_wait: Duration::from_secs(2),
        ..service::Config::default()
    }
}

fn start(state: service::AppState) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(service::serve(listener, state));
    (runtime, addr)
}

fn embedded() -> (tokio::runtime::Runtime, SocketAddr) {
    start(service::AppState::embedded(quick()).unwrap())
}

fn sha256(bytes: &[u8]) -> String {
    let digest = sha2::Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A fresh directory for one test's policy file.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qbm-service-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn evaluates_json_and_yaml_and_survives_a_malformed_request() {
    let (_runtime, addr) = embedded();
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
        "application/yaml",
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
fn json_is_read_as_strict_json_and_yaml_as_yaml() {
    let (_runtime, addr) = embedded();
    // YAML that is not JSON: fine as YAML, refused as JSON, with the place.
    let flow = "{assessment: {program: P}}";
    let (status, body) = request(addr, "POST", "/evaluate", "application/yaml", flow);
    assert_eq!(status, 200, "{body}");
    let (status, body) = request(addr, "POST", "/evaluate", "application/json", flow);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["kind"], "syntax");
    assert_eq!(
        body["errors"][0]["message"],
        "request body:1:2: the body is not JSON: key must be a string (hint: send YAML as `Content-Type: application/yaml`)"
    );
    for not_json in [
        "{\"assessment\": {\"program\": \"P\",}}",
        "# a comment\n{\"assessment\": {\"program\": \"P\"}}",
        "{\"assessment\": {\"program\": 'P'}}",
        "assessment:\n  program: P\n",
    ] {
        let (status, body) = request(addr, "POST", "/evaluate", "application/json", not_json);
        assert_eq!(status, 400, "{not_json}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("is not JSON"), "{message}");
    }

    // JSON the YAML reader alone would refuse or read otherwise: inside a
    // string, a next-line mark (U+0085, a line break to YAML 1.1, which
    // folds it into a space) and a delete (not printable in YAML), read as
    // JSON reads them; tabs between tokens.
    let json = "{\n\t\"assessment\": {\t\"program\": \"Line\u{85}Sep\u{7f}Mentors\"},\n\t\"facts\": {\"application_submitted\": true, \"direct_youth_mentoring\": true}\n}";
    let (status, body) = request(addr, "POST", "/evaluate", "application/json", json);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["level"]["id"], "affiliate");
    assert_eq!(body["program"], "Line\u{85}Sep\u{7f}Mentors");
    let (status, body) = request(addr, "POST", "/evaluate", "application/yaml", json);
    assert_eq!(status, 400, "{body}");
    // A character past U+FFFF escaped as JSON writes it, a surrogate pair.
    let json_pair = r#"{"assessment": {"program": "A\ud83d\ude00B"}}"#;
    let (status, body) = request(addr, "POST", "/evaluate", "application/json", json_pair);
    assert_eq!(
        (status, &body["program"]),
        (200, &json!("A\u{1f600}B")),
        "{body}"
    );
    let without_delete = json.replace('\u{7f}', " ");
    let (status, body) = request(
        addr,
        "POST",
        "/evaluate",
        "application/yaml",
        &without_delete,
    );
    assert_eq!(
        (status, &body["program"]),
        (200, &json!("Line Sep Mentors")),
        "YAML folds the mark"
    );

    // Parameters and suffixes: UTF-8 is the only charset.
    for content_type in [
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.qbm+json",
    ] {
        let (status, body) = request(
            addr,
            "POST",
            "/evaluate",
            content_type,
            flow.replace("assessment", "\"assessment\"")
                .replace("program", "\"program\"")
                .replace(": P", ": \"P\""),
        );
        assert_eq!(status, 200, "{content_type}: {body}");
    }
}

#[test]
fn an_unknown_content_type_is_a_415_in_json() {
    let (_runtime, addr) = embedded();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
        "",
    ] {
        let answer = call(
            addr,
            "POST",
            "/evaluate",
            content_type,
            "assessment: {program: P}\n",
        );
        assert_eq!(answer.status, 415, "{content_type}: {}", answer.text);
        assert_eq!(answer.body["errors"][0]["kind"], "unsupported_media_type");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        // The body was left unread: the connection cannot serve another.
        assert_eq!(answer.header("connection"), Some("close"));
    }
}

#[test]
fn bodies_that_are_not_utf8_or_too_big_are_refused_with_the_reason() {
    let mut config = quick();
    config.limits.max_input_bytes = 64;
    let (_runtime, addr) = start(service::AppState::embedded(config).unwrap());

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
    let over = format!("{at} ");
    let mut stream = connect(addr);
    send(
        &mut stream,
        "POST",
        "/evaluate",
        "application/yaml",
        over.as_bytes(),
        false,
    );
    let answer = read_answer(&mut stream).unwrap();
    assert_eq!(answer.status, 413, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["kind"], "limit", "{}", answer.text);
    assert_eq!(
        answer.body["errors"][0]["message"],
        "request body: the body is over the limit of 64 bytes (hint: split the assessment, or raise `Limits::max_input_bytes`)"
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(closed(&mut stream), "the connection is closed as it says");

    // A body sent in chunks with no length is cut off at the limit too.
    let mut stream = connect(addr);
    write!(
        stream,
        "POST /evaluate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n{}\r\n40\r\n{}\r\n0\r\n\r\n",
        "#".repeat(64),
        "#".repeat(64)
    )
    .unwrap();
    let answer = read_answer(&mut stream).unwrap();
    assert_eq!(answer.status, 413, "{}", answer.text);
    assert_eq!(answer.header("connection"), Some("close"));

    // An error after a whole body keeps the connection open for the next
    // request.
    let mut stream = connect(addr);
    send(
        &mut stream,
        "POST",
        "/evaluate",
        "application/yaml",
        latin1,
        false,
    );
    let answer = read_answer(&mut stream).unwrap();
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("connection"), None);
    send(&mut stream, "GET", "/policy", "text/plain", b"", false);
    assert_eq!(read_answer(&mut stream).unwrap().status, 200);
}

#[test]
fn request_paths_and_input_keys_are_never_echoed_raw() {
    let (_runtime, addr) = embedded();
    // A long path with a right-to-left override, percent-encoded and raw.
    let long = format!("/{}%E2%80%AE{}", "a".repeat(20_000), "b".repeat(100));
    for path in [long.as_str(), "/evaluate/%E2%80%AE/x"] {
        let answer = call(addr, "GET", path, "text/plain", "");
        assert_eq!(answer.status, 404, "{}", answer.text);
        assert_eq!(answer.body["errors"][0]["kind"], "not_found");
        assert!(answer.text.len() < 300, "{}", answer.text);
        assert!(!answer.text.contains("aaaa") && !answer.text.contains("%E2"));
    }
    // A 1 MB path is past hyper's limit on a request's head: refused
    // before the service sees it, with nothing echoed.
    let mut stream = connect(addr);
    let huge = format!("GET /{} HTTP/1.1\r\nHost: l\r\n\r\n", "a".repeat(1 << 20));
    let _ = stream.write_all(huge.as_bytes());
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
    assert!(!answer.contains("aaaa") && answer.len() < 300, "{answer}");
    assert_eq!(request(addr, "GET", "/policy", "text/plain", "").0, 200);

    let answer = call(addr, "PUT", "/policy", "text/plain", "x");
    assert_eq!(answer.status, 405, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["kind"], "method_not_allowed");
    assert_eq!(answer.header("connection"), Some("close"));

    // Keys with a right-to-left override, as deep as the limits allow:
    // every path and message in the answer is cut and escaped.
    let key = format!("k\u{202e}{}", "x".repeat(200));
    let mut yaml = String::from("assessment: {program: P}\nfacts:\n");
    for depth in 0..10 {
        yaml.push_str(&format!("{}\"{key}{depth}\":\n", "  ".repeat(depth + 1)));
    }
    yaml.push_str(&format!("{}x: 1\n", "  ".repeat(11)));
    let answer = call(addr, "POST", "/evaluate", "application/yaml", &yaml);
    assert!(matches!(answer.status, 400 | 422), "{}", answer.text);
    assert!(!answer.text.contains('\u{202e}'), "{}", answer.text);
    for error in answer.body["errors"].as_array().unwrap() {
        let path = error["path"].as_str().unwrap_or("");
        let message = error["message"].as_str().unwrap();
        assert!(path.chars().count() <= 121, "{path}");
        assert!(message.chars().count() < 1_000, "{message}");
    }
}

#[test]
fn at_most_a_hundred_errors_are_listed_and_the_rest_counted() {
    let (_runtime, addr) = embedded();
    let mut yaml = String::from("assessment: {program: P}\nanswers:\n");
    for i in 0..150 {
        yaml.push_str(&format!("  Z.{i}: met\n"));
    }
    let (status, body) = request(addr, "POST", "/evaluate", "application/yaml", &yaml);
    assert_eq!(status, 422, "{body}");
    // The library lists the first 100 problems and counts the rest in one
    // closing line; the service passes all of that on.
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), service::MAX_ERRORS, "{body}");
    let last = errors.last().unwrap()["message"].as_str().unwrap();
    assert!(last.contains("and 50 more problems"), "{last}");
    assert!(body.get("more").is_none(), "{body}");
}

#[test]
fn a_slow_client_is_cut_off() {
    let (_runtime, addr) = embedded();

    // Headers sent a byte at a time (slowloris): closed after the header
    // timeout (300 ms), though bytes keep coming.
    let mut stream = connect(addr);
    stream
        .write_all(b"GET /policy HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let mut sent = 0;
    while sent < 50 {
        std::thread::sleep(Duration::from_millis(50));
        if stream.write_all(b"X").is_err() {
            break;
        }
        sent += 1;
    }
    assert!(sent < 50, "still open after {sent} bytes over 2.5 s");
    assert!(closed(&mut stream));

    // Connections that send half a request, or nothing at all, are closed
    // too, and the service answers others meanwhile.
    let mut half: Vec<TcpStream> = (0..100)
        .map(|i| {
            let mut stream = connect(addr);
            if i % 2 == 0 {
                stream
                    .write_all(b"POST /evaluate HTTP/1.1\r\nHost: l")
                    .unwrap();
            }
            stream
        })
        .collect();
    let (status, _) = request(addr, "GET", "/policy", "text/plain", "");
    assert_eq!(status, 200);
    for stream in &mut half {
        assert!(closed(stream));
    }

    // A body that stops coming: a 408 in JSON, then the connection closes.
    let mut stream = connect(addr);
    stream
        .write_all(b"POST /evaluate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\nContent-Length: 100\r\n\r\nassessment:")
        .unwrap();
    let answer = read_answer(&mut stream).unwrap();
    assert_eq!(answer.status, 408, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["kind"], "timeout");
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(closed(&mut stream));

    // Meanwhile the service answers others.
    let (status, _) = request(addr, "GET", "/policy", "text/plain", "");
    assert_eq!(status, 200);
}

#[test]
fn a_client_that_does_not_read_its_answers_is_dropped() {
    let mut config = quick();
    config.max_connections = 1;
    config.header_timeout = Duration::from_secs(60);
    config.connection_lifetime = Duration::from_millis(300);
    let (_runtime, addr) = start(service::AppState::embedded(config).unwrap());

    // One connection, the only one served at once, sends 400 requests
    // for evaluations (megabytes of answers) and reads none of them.
    let yaml = std::fs::read_to_string("examples/assessments/partner.yaml").unwrap();
    let one = format!(
        "POST /evaluate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\n\r\n{yaml}",
        yaml.len()
    );
    let slow = connect(addr);
    let mut writer = slow.try_clone().unwrap();
    let pipelined = one.repeat(400);
    let writing = std::thread::spawn(move || {
        // Fails once the service drops the connection.
        let _ = writer.write_all(pipelined.as_bytes());
    });
    // The service drops it after its lifetime and the grace, and the slot
    // serves the next client, while the slow one still reads nothing.
    let (status, _) = request(addr, "GET", "/policy", "text/plain", "");
    assert_eq!(status, 200);
    drop(slow);
    writing.join().unwrap();
}

#[test]
fn a_busy_service_answers_503_with_retry_after() {
    let mut config = quick();
    config.workers = 1;
    let state = service::AppState::embedded(config).unwrap();
    let (_runtime, addr) = start(state.clone());
    let body = "assessment: {program: P}\n";

    let held = state.occupy_workers(1).unwrap();
    let answer = call(addr, "POST", "/evaluate", "application/yaml", body);
    assert_eq!(answer.status, 503, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["kind"], "busy");
    assert_eq!(answer.header("retry-after"), Some("1"));
    // GET /policy needs no worker.
    assert_eq!(request(addr, "GET", "/policy", "text/plain", "").0, 200);

    // A request waits for a worker freed within `queue_wait`.
    let waiting =
        std::thread::spawn(move || request(addr, "POST", "/evaluate", "application/yaml", body).0);
    std::thread::sleep(Duration::from_millis(20));
    drop(held);
    assert_eq!(waiting.join().unwrap(), 200);
}

#[test]
fn large_bodies_cannot_take_every_worker() {
    let mut config = quick();
    config.workers = 2;
    config.large_workers = 1;
    config.large_body = 1024;
    let state = service::AppState::embedded(config).unwrap();
    let (_runtime, addr) = start(state.clone());
    let small = "assessment: {program: P}\n";
    let large = format!("{small}#{}\n", "x".repeat(1024));

    // The large lane busy (a large upload, or a reload, at work): another
    // large body waits and is refused; a small one still finds a worker.
    let held = state.occupy_large_workers(1).unwrap();
    let answer = call(addr, "POST", "/evaluate", "application/yaml", &large);
    assert_eq!(answer.status, 503, "{}", answer.text);
    assert_eq!(answer.header("retry-after"), Some("1"));
    let answer = call(addr, "POST", "/evaluate", "application/yaml", small);
    assert_eq!(answer.status, 200, "{}", answer.text);
    drop(held);
    let answer = call(addr, "POST", "/evaluate", "application/yaml", &large);
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[test]
fn the_policy_is_named_by_its_hash_not_its_path() {
    let dir = scratch("hash");
    let path = dir.join("policy.yaml");
    std::fs::write(&path, qbm::EMBEDDED[1].yaml()).unwrap();
    let mut config = quick();
    config.settle = Duration::ZERO;
    let (_runtime, addr) = start(service::AppState::from_file(path, config).unwrap());
    let answer = call(addr, "GET", "/policy", "text/plain", "");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["name"], "mmp-qbm");
    assert_eq!(answer.body["version"], "2.0.0");
    assert_eq!(
        answer.body["hash"].as_str(),
        Some(sha256(qbm::EMBEDDED[1].yaml().as_bytes()).as_str())
    );
    let dir_name = dir.to_string_lossy();
    assert!(!answer.text.contains(dir_name.as_ref()), "{}", answer.text);
    assert!(answer.body.get("source").is_none());

    // The embedded policy's hash is that of its text.
    let (_runtime, addr) = embedded();
    let (_, body) = request(addr, "GET", "/policy", "text/plain", "");
    assert_eq!(
        body["hash"].as_str(),
        Some(sha256(qbm::EMBEDDED[1].yaml().as_bytes()).as_str())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reloads_a_good_policy_and_refuses_a_bad_one() {
    let dir = scratch("reload");
    let path = dir.join("policy.yaml");
    std::fs::write(&path, qbm::EMBEDDED[0].yaml()).unwrap();
    let state = service::AppState::from_file(path.clone(), quick()).unwrap();
    let (_runtime, addr) = start(state);
    let version = || {
        request(addr, "GET", "/policy", "text/plain", "").1["version"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(version(), "1.0.0");

    // A bad policy on disk: refused with its errors, naming the file but
    // not its directory; 1.0.0 keeps serving.
    std::fs::write(&path, "policy: {name: mmp-qbm, version: 1.1.0, title: T}\nlevels:\n  - {id: a, rank: 1, titel: A}\n").unwrap();
    let answer = call(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(answer.status, 422, "{}", answer.text);
    let message = answer.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("policy.yaml:"), "{message}");
    assert!(message.contains("unknown field `titel`"), "{message}");
    assert!(!answer.text.contains(dir.to_string_lossy().as_ref()));
    assert_eq!(version(), "1.0.0");
    let (status, _) = request(
        addr,
        "POST",
        "/evaluate",
        "application/yaml",
        "assessment: {program: P}\n",
    );
    assert_eq!(status, 200);

    // A good one, written beside and renamed into place: swapped in
    // without a restart.
    let temporary = dir.join("policy.yaml.new");
    std::fs::write(&temporary, qbm::EMBEDDED[1].yaml()).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
    let (status, body) = request(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(
        (status, body["version"].as_str()),
        (200, Some("2.0.0")),
        "{body}"
    );
    assert_eq!(
        body["hash"].as_str(),
        Some(sha256(qbm::EMBEDDED[1].yaml().as_bytes()).as_str())
    );
    assert_eq!(version(), "2.0.0");

    // A policy with another name is refused unless the request names it.
    let other = qbm::EMBEDDED[1]
        .yaml()
        .replacen("name: mmp-qbm", "name: other-qbm", 1);
    assert_ne!(other, qbm::EMBEDDED[1].yaml());
    std::fs::write(&temporary, &other).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
    let answer = call(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(answer.status, 409, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["kind"], "policy_name");
    let answer = call(addr, "POST", "/reload?name=third-qbm", "text/plain", "");
    assert_eq!(answer.status, 409, "{}", answer.text);
    assert_eq!(
        request(addr, "GET", "/policy", "text/plain", "").1["name"],
        "mmp-qbm"
    );
    let (status, body) = request(addr, "POST", "/reload?name=other-qbm", "text/plain", "");
    assert_eq!(
        (status, body["name"].as_str()),
        (200, Some("other-qbm")),
        "{body}"
    );

    // A file that is not a regular file is refused.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let answer = call(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["kind"], "read");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_policy_rewritten_in_place_is_never_served_torn() {
    let full = qbm::EMBEDDED[1].yaml();
    // The hazard is real: the first 534 lines of MMP 2.0.0 load on their
    // own, still named `mmp-qbm 2.0.0`, and differ from the whole.
    let cut = full
        .split_inclusive('\n')
        .take(534)
        .map(str::len)
        .sum::<usize>();
    let (head, tail) = full.split_at(cut);
    let torn = qbm::Loader::new().policy_str(head).unwrap();
    assert_eq!(torn.version().to_string(), "2.0.0");
    assert!(!tail.is_empty());

    let dir = scratch("torn");
    let path = dir.join("policy.yaml");
    std::fs::write(&path, qbm::EMBEDDED[0].yaml()).unwrap();
    let state = service::AppState::from_file(path.clone(), quick()).unwrap();
    let (_runtime, addr) = start(state);
    let whole = [
        sha256(qbm::EMBEDDED[0].yaml().as_bytes()),
        sha256(full.as_bytes()),
    ];

    // Rewrite the file in place, pausing 40 ms half-way (less than the
    // 100 ms the file must settle), then leave it whole for 150 ms.
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        for _ in 0..6 {
            let mut file = std::fs::File::create(&writer_path).unwrap();
            file.write_all(head.as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(40));
            file.write_all(tail.as_bytes()).unwrap();
            drop(file);
            std::thread::sleep(Duration::from_millis(150));
        }
    });
    let (mut served, mut refused) = (0, 0);
    while !writer.is_finished() {
        let answer = call(addr, "POST", "/reload", "text/plain", "");
        match answer.status {
            200 => {
                let hash = answer.body["hash"].as_str().unwrap();
                assert!(
                    whole.iter().any(|h| h == hash),
                    "a torn file was served: {}",
                    answer.text
                );
                served += 1;
            }
            503 => {
                assert_eq!(answer.body["errors"][0]["kind"], "unsettled");
                refused += 1;
            }
            // A torn file that does not load is refused with its errors.
            422 => refused += 1,
            other => panic!("{other}: {}", answer.text),
        }
        let (_, policy) = request(addr, "GET", "/policy", "text/plain", "");
        let hash = policy["hash"].as_str().unwrap();
        assert!(whole.iter().any(|h| h == hash), "a torn file is serving");
    }
    writer.join().unwrap();
    assert!(served > 0, "no reload succeeded ({refused} refused)");
    let (status, body) = request(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(
        (status, body["hash"].as_str()),
        (200, Some(whole[1].as_str()))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_shutdown_stops_accepting_and_closes_connections_after_their_request() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = quick();
    config.header_timeout = Duration::from_secs(60);
    let state = service::AppState::embedded(config).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(service::serve_until(listener, state, async {
        let _ = stopped.await;
    }));

    // A kept-alive connection, idle after one answer.
    let mut idle = connect(addr);
    send(&mut idle, "GET", "/policy", "text/plain", b"", false);
    assert_eq!(read_answer(&mut idle).unwrap().status, 200);

    stop.send(()).unwrap();
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), serving).await })
        .expect("serve_until returns")
        .unwrap();
    assert!(closed(&mut idle), "the idle connection is closed");
    assert!(TcpStream::connect(addr).is_err(), "no longer accepting");
}

#[test]
fn the_embedded_policy_cannot_be_reloaded() {
    let (_runtime, addr) = embedded();
    let answer = call(addr, "POST", "/reload", "text/plain", "");
    assert_eq!(answer.status, 409);
    assert_eq!(answer.body["errors"][0]["kind"], "no_file");
}
