//! A membership service embedding the crate, with axum and hyper.
//!
//! ```text
//! cargo run --example service                                   # the embedded MMP policy
//! cargo run --example service -- --policy standards/mmp-qbm-2.0.0.yaml --addr 127.0.0.1:8080
//!
//! curl -s localhost:8080/policy
//! curl -s -X POST -H 'content-type: application/yaml' --data-binary @examples/assessments/partner.yaml localhost:8080/evaluate
//! curl -s -X POST localhost:8080/reload                        # reread --policy from disk
//! ```
//!
//! - `POST /evaluate` takes an assessment and returns the evaluation as
//!   JSON. The `Content-Type` says how the body is read: `application/json`
//!   (or `…+json`) as strict JSON, `application/yaml` (or `application/x-yaml`,
//!   `text/yaml`, `…+yaml`) as YAML; anything else, or none, is a 415. The
//!   body is loaded within the crate's `Limits`: one that is not an
//!   assessment is a 400 with the errors, one over `max_input_bytes` a 413
//!   before it is read whole, and an assessment the policy cannot use a 422.
//! - `GET /policy` says which policy, version and file content (its SHA-256)
//!   is serving; never where the file lives.
//! - `POST /reload` rereads the policy file and swaps it in when it is whole
//!   and valid: a bad new policy is refused with its errors (422) and the old
//!   one keeps serving. A file whose size or modification time changes while
//!   it is read, or that was modified less than `Config::settle` ago, is
//!   read again, and refused (503) if it does not settle within
//!   `Config::reload_wait`: replace the file by writing a temporary file and
//!   renaming it into place. A policy with another name than the one serving
//!   is refused (409) unless the request names it: `POST /reload?name=NEW`.
//!
//! Every error is JSON, `{"errors": [{"message", "kind", "path"}]}` (`path`
//! for problems found in a document, and at most [`MAX_ERRORS`] of them,
//! `"more": N` counting the rest). An error answered before the request
//! body was read whole says `Connection: close` and closes the connection;
//! after a whole body, the connection stays open. Only errors in the HTTP
//! framing itself, which hyper answers before the service sees a request (a
//! malformed request line, headers past hyper's size limits), are hyper's
//! bare 400 or 431.
//!
//! Work is bounded: loading and evaluation run on tokio's blocking pool, at
//! most `Config::workers` at a time (default: one per CPU), of which at most
//! `Config::large_workers` (default half) on bodies over
//! `Config::large_body` (64 KiB) or on reloads, so that the costliest
//! requests cannot take every worker; a request that finds no worker free
//! waits up to `Config::queue_wait` and is then refused with a 503 and
//! `Retry-After: 1`. At most `Config::max_connections` connections are
//! served at once (the next waits in the kernel's accept queue), each
//! holding at most one body of `max_input_bytes`. A connection must send a
//! request's headers within `Config::header_timeout` (counted from when the
//! service waits for them, idle keep-alive time included) or is closed, and
//! its body within `Config::body_timeout` or gets a 408. It is closed after
//! `Config::connection_lifetime` (once its request in progress is answered,
//! or `body_timeout` later), so that a client that stops reading its
//! answers cannot hold one for ever.
//!
//! `serve_until` stops when its shutdown future completes (`main` passes
//! SIGTERM or Ctrl-C): it stops accepting, lets each connection finish its
//! request in progress (for at most `body_timeout`) and returns.
//!
//! The policy is shared behind an `Arc`: a request takes the current one and
//! keeps it for its whole evaluation, while a reload swaps in the next.

// The shared error style and exit codes; the service writes no report, so
// `emit` goes unused. The tests include this file and `batch.rs`, each with
// its `common`: a second copy there, by design.
#[allow(dead_code, clippy::duplicate_mod)]
mod common;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt as _;
use qbm::{Diagnostic, Limits, Loader, Policy};
use serde_json::json;
use sha2::Digest as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Most errors listed in one answer; `"more"` counts the rest.
///
/// One more than the library's `Limits::max_diagnostics` (100), so that its
/// closing "and N more problems, not listed" line is listed too.
pub const MAX_ERRORS: usize = 101;

/// How the service bounds its work and its waiting.
#[derive(Clone, Debug)]
pub struct Config {
    /// Limits request bodies are loaded within (default: `Limits::default()`,
    /// 4 MiB a body). Policy files are loaded within `Limits::default()`.
    pub limits: Limits,
    /// Loads and evaluations running at once (default: the number of CPUs).
    pub workers: usize,
    /// A body over this many bytes is large (default 64 KiB; the sample
    /// assessments are 1 to 3 KB).
    pub large_body: usize,
    /// Of the workers, how many may work on large bodies and on reloads at
    /// once (default: half the workers, at least one), so that large
    /// uploads, which cost the most, cannot keep small ones waiting.
    pub large_workers: usize,
    /// How long a request waits for a free worker before a 503 (default 10 s).
    pub queue_wait: Duration,
    /// Connections served at once (default 256).
    pub max_connections: usize,
    /// Time to send a request's headers (default 10 s).
    pub header_timeout: Duration,
    /// How long a connection is kept (default 60 s): then it is asked to
    /// close after its request in progress, and dropped `body_timeout`
    /// later if it has not, so that a client that never reads its answers
    /// cannot hold a connection for ever. Clients reconnect.
    pub connection_lifetime: Duration,
    /// Time to send a request's body (default 30 s).
    pub body_timeout: Duration,
    /// How long a policy file must have gone unmodified before it is read
    /// (default 500 ms).
    pub settle: Duration,
    /// How long a reload waits for the policy file to settle (default 5 s).
    pub reload_wait: Duration,
}

impl Default for Config {
    fn default() -> Self {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            limits: Limits::default(),
            workers,
            large_body: 64 * 1024,
            large_workers: (workers / 2).max(1),
            queue_wait: Duration::from_secs(10),
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(60),
            body_timeout: Duration::from_secs(30),
            settle: Duration::from_millis(500),
            reload_wait: Duration::from_secs(5),
        }
    }
}

/// A policy with the SHA-256 of the text it was loaded from.
struct Serving {
    policy: Arc<Policy>,
    hash: String,
}

struct Shared {
    serving: RwLock<Arc<Serving>>,
    source: Option<PathBuf>,
    config: Config,
    work: Arc<Semaphore>,
    large: Arc<Semaphore>,
    reloading: tokio::sync::Mutex<()>,
}

/// What every request shares: the policy serving now, where to reload it
/// from, the configuration and the workers' permits.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// Why a policy file was not loaded.
#[derive(Debug)]
pub enum FileError {
    /// It could not be read, is not a regular file or is too big.
    Read(String),
    /// Its size or modification time kept changing.
    Unsettled(String),
    /// It was read whole but is not a valid policy.
    Invalid(qbm::LoadError),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Read(m) | FileError::Unsettled(m) => f.write_str(m),
            FileError::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FileError {}

fn sha256(bytes: &[u8]) -> String {
    let mut out = String::from("sha256:");
    for b in sha2::Sha256::digest(bytes) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

impl AppState {
    /// Serves the newest embedded policy; `/reload` is refused.
    pub fn embedded(config: Config) -> Result<Self, qbm::LoadError> {
        let yaml = qbm::EMBEDDED.last().map_or("", |e| e.yaml());
        let policy = Policy::builtin()?;
        Ok(Self::with(policy, sha256(yaml.as_bytes()), None, config))
    }

    /// Serves the policy in the file at `path`, read as `/reload` reads it.
    pub fn from_file(path: PathBuf, config: Config) -> Result<Self, FileError> {
        let (policy, hash) = load_file(&path, &config)?;
        Ok(Self::with(policy, hash, Some(path), config))
    }

    fn with(policy: Policy, hash: String, source: Option<PathBuf>, config: Config) -> Self {
        let serving = Serving {
            policy: Arc::new(policy),
            hash,
        };
        Self(Arc::new(Shared {
            serving: RwLock::new(Arc::new(serving)),
            source,
            work: Arc::new(Semaphore::new(config.workers.max(1))),
            large: Arc::new(Semaphore::new(config.large_workers.max(1))),
            config,
            reloading: tokio::sync::Mutex::new(()),
        }))
    }

    /// The configuration serving.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// Takes `n` workers' permits, as `n` running requests would: for tests
    /// of a busy service.
    #[doc(hidden)]
    pub fn occupy_workers(&self, n: u32) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.0.work).try_acquire_many_owned(n).ok()
    }

    /// Takes `n` of the large workers' permits: for tests.
    #[doc(hidden)]
    pub fn occupy_large_workers(&self, n: u32) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.0.large).try_acquire_many_owned(n).ok()
    }

    fn current(&self) -> Arc<Serving> {
        // A poisoned lock still holds the last policy swapped in whole.
        match self.0.serving.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace(&self, serving: Serving) {
        let mut slot = match self.0.serving.write() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        *slot = Arc::new(serving);
    }

    /// Runs `work` on the blocking pool once a worker is free (and, for
    /// `large` work, one of the `large_workers`), or answers 503 after
    /// `queue_wait`. The permits go with the work, so that a client that
    /// hangs up does not free a worker still busy for it.
    async fn run<T, F>(&self, large: bool, work: F) -> Result<T, Response>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permits = async {
            let lane = match large {
                true => Some(Arc::clone(&self.0.large).acquire_owned().await?),
                false => None,
            };
            let worker = Arc::clone(&self.0.work).acquire_owned().await?;
            Ok::<_, tokio::sync::AcquireError>((lane, worker))
        };
        let permit = match tokio::time::timeout(self.0.config.queue_wait, permits).await {
            Ok(Ok(permit)) => permit,
            _ => {
                let mut busy = error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "every worker is busy; retry later",
                    false,
                );
                busy.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return Err(busy);
            }
        };
        let task = tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        });
        task.await.map_err(|_| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the work failed; see the service's log",
                false,
            )
        })
    }
}

/// The service's routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/evaluate", post(evaluate))
        .route("/policy", get(policy_info))
        .route("/reload", post(reload))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// Serves `app(state)` on `listener`, one HTTP/1.1 connection per task, at
/// most `max_connections` at once, each with the configured timeouts.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) {
    serve_until(listener, state, std::future::pending()).await;
}

/// As [`serve`], until `shutdown` completes: then it stops accepting, asks
/// every connection to close after its request in progress, and returns
/// once they have, or `body_timeout` later.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let max_connections = state.config().max_connections.max(1);
    let connections = Arc::new(Semaphore::new(max_connections));
    let header_timeout = state.config().header_timeout;
    let lifetime = state.config().connection_lifetime;
    let grace = state.config().body_timeout;
    let router = app(state);
    let (stop, stopping) = tokio::sync::watch::channel(());
    tokio::pin!(shutdown);
    loop {
        // Wait for a free slot before accepting: past the limit, clients
        // wait in the kernel's accept queue.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = Arc::clone(&connections).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a little rather than spin.
                eprintln!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            // The timeout needs a timer: without one hyper sets none.
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout);
            let io = hyper_util::rt::TokioIo::new(stream);
            let connection = http.serve_connection(io, service);
            tokio::pin!(connection);
            // A connection that ends badly (reset, timed out) has nobody
            // left to answer.
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = async {
                    tokio::select! {
                        () = tokio::time::sleep(lifetime) => {}
                        _ = stopping.changed() => {}
                    }
                } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(grace, connection).await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    drop(stop);
    // Every connection gives its slot back when it ends.
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(grace, connections.acquire_many(all)).await;
}

/// One error, in the JSON shape of every error. `close` when the request's
/// body was not read whole, so that the connection cannot be reused.
fn error(status: StatusCode, kind: &str, message: &str, close: bool) -> Response {
    respond(
        status,
        json!({ "errors": [{ "message": message, "kind": kind }] }),
        close,
    )
}

/// The problems of a document: the message as the crate displays it, the
/// kind, and the path as the crate serializes it (cut and escaped: it holds
/// keys from the input), at most [`MAX_ERRORS`].
fn diagnostics(
    status: StatusCode,
    list: &[Diagnostic],
    fallback: &dyn std::fmt::Display,
) -> Response {
    // The whole error is displayed only when it has no diagnostics: with
    // thousands, it would be megabytes.
    if list.is_empty() {
        return error(status, "invalid", &fallback.to_string(), false);
    }
    let errors: Vec<serde_json::Value> = list
        .iter()
        .take(MAX_ERRORS)
        .map(|d| {
            let path = serde_json::to_value(d)
                .ok()
                .and_then(|v| v.get("path").cloned())
                .unwrap_or_default();
            json!({ "message": d.to_string(), "kind": d.kind, "path": path })
        })
        .collect();
    let body = if list.len() > MAX_ERRORS {
        json!({ "errors": errors, "more": list.len() - MAX_ERRORS })
    } else {
        json!({ "errors": errors })
    };
    respond(status, body, false)
}

fn respond(status: StatusCode, body: serde_json::Value, close: bool) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if close {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Whether a request says it has a body (which an early answer leaves
/// unread).
fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0")
}

async fn not_found(headers: HeaderMap) -> Response {
    // The request's path is not echoed: it is the client's text, of any
    // length and with any characters.
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such resource; the service has `POST /evaluate`, `GET /policy` and `POST /reload`",
        has_body(&headers),
    )
}

async fn method_not_allowed(headers: HeaderMap) -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this resource does not take that method; the service has `POST /evaluate`, `GET /policy` and `POST /reload`",
        has_body(&headers),
    )
}

/// How a request body is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
}

/// The format a `Content-Type` names, if it is one the service reads (with
/// no charset, or UTF-8).
fn format_of(headers: &HeaderMap) -> Option<Format> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    for param in parts {
        let (name, value) = param.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("charset") {
            let charset = value.trim().trim_matches('"');
            if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("utf8") {
                return None;
            }
        }
    }
    let (kind, subtype) = essence.split_once('/')?;
    match (kind, subtype) {
        ("application", "json") => Some(Format::Json),
        ("application", s) if s.ends_with("+json") => Some(Format::Json),
        ("application" | "text", "yaml" | "x-yaml") => Some(Format::Yaml),
        ("application", s) if s.ends_with("+yaml") => Some(Format::Yaml),
        _ => None,
    }
}

/// Why a body was not read.
enum BodyError {
    TooLarge,
    TimedOut,
    Broken,
}

/// Reads a body of at most `limit` bytes within `timeout`, refusing a
/// longer one as soon as it is past the limit.
async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Vec<u8>, BodyError> {
    let read = async move {
        let mut body = body;
        let mut bytes = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| BodyError::Broken)?;
            if let Ok(data) = frame.into_data() {
                if data.len() > limit.saturating_sub(bytes.len()) {
                    return Err(BodyError::TooLarge);
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(bytes)
    };
    tokio::time::timeout(timeout, read)
        .await
        .unwrap_or(Err(BodyError::TimedOut))
}

fn too_large(limit: usize) -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "limit",
        &format!(
            "request body: the body is over the limit of {limit} bytes (hint: split the assessment, or raise `Limits::max_input_bytes`)"
        ),
        true,
    )
}

/// What the blocking part of an evaluation gives back.
enum Outcome {
    Evaluated(Vec<u8>),
    NotJson(String),
    NotLoaded(qbm::LoadError),
    NotUsable(qbm::EvalError),
    NotSerialized,
}

async fn evaluate(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(format) = format_of(&parts.headers) else {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "request body: the content type is not JSON or YAML (hint: send `Content-Type: application/json` or `application/yaml`, in UTF-8)",
            has_body(&parts.headers),
        );
    };
    let limit = state.config().limits.max_input_bytes;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let bytes = match read_body(body, limit, state.config().body_timeout).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return too_large(limit),
        Err(BodyError::TimedOut) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "request body: the body did not arrive in time",
                true,
            );
        }
        Err(BodyError::Broken) => {
            return error(
                StatusCode::BAD_REQUEST,
                "syntax",
                "request body: the body ended before its length",
                true,
            );
        }
    };
    let serving = state.current();
    let loader = Loader::new()
        .origin("request body")
        .limits(state.config().limits.clone());
    let large = bytes.len() > state.config().large_body;
    let outcome = state
        .run(large, move || {
            let text = match format {
                Format::Yaml => Cow::Borrowed(bytes.as_slice()),
                Format::Json => match json_as_yaml(&bytes) {
                    Ok(text) => Cow::Owned(text.into_bytes()),
                    Err(message) => return Outcome::NotJson(message),
                },
            };
            let assessment = match loader.assessment_bytes(&text) {
                Ok(a) => a,
                Err(e) => return Outcome::NotLoaded(e),
            };
            match serving.policy.evaluate(&assessment) {
                Ok(evaluation) => serde_json::to_vec(&evaluation)
                    .map_or(Outcome::NotSerialized, Outcome::Evaluated),
                Err(e) => Outcome::NotUsable(e),
            }
        })
        .await;
    match outcome {
        Err(response) => response,
        Ok(Outcome::Evaluated(json)) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            json,
        )
            .into_response(),
        Ok(Outcome::NotJson(message)) => error(StatusCode::BAD_REQUEST, "syntax", &message, false),
        Ok(Outcome::NotLoaded(e)) => diagnostics(StatusCode::BAD_REQUEST, e.diagnostics(), &e),
        Ok(Outcome::NotUsable(e)) => {
            diagnostics(StatusCode::UNPROCESSABLE_ENTITY, e.diagnostics(), &e)
        }
        Ok(Outcome::NotSerialized) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the evaluation could not be written as JSON",
            false,
        ),
    }
}

/// The character a JSON escape `\uD83D\uDE00` (a UTF-16 surrogate pair)
/// stands for, given the `u` of the first and the ten characters after it.
fn surrogate_pair(u: char, rest: Option<&str>) -> Option<char> {
    let rest = rest.filter(|_| u == 'u')?;
    let high = u32::from_str_radix(rest.get(0..4)?, 16).ok()?;
    let low = u32::from_str_radix(rest.get(6..10)?, 16).ok()?;
    let pair = (0xD800..0xDC00).contains(&high)
        && rest.get(4..6) == Some("\\u")
        && (0xDC00..0xE000).contains(&low);
    pair.then(|| char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)))
        .flatten()
}

/// A body that is strict JSON, as YAML text that reads to the same values,
/// with the same lines and columns; or why it is not JSON.
///
/// JSON is YAML but for a few characters: a tab between tokens becomes a
/// space; inside strings the characters YAML reads as line breaks or does
/// not print (U+007F to U+009F, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF)
/// become `\uXXXX` escapes, which both read as the same character, and a
/// surrogate pair (`\uD83D\uDE00`, which YAML refuses) becomes the one
/// escape YAML reads (`\U0001f600`), two columns shorter.
fn json_as_yaml(bytes: &[u8]) -> Result<String, String> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        // serde_json's message is a fixed text followed by the position;
        // it never quotes the input.
        let full = e.to_string();
        let what = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(w, _)| w);
        return Err(format!(
            "request body:{}:{}: the body is not JSON: {what} (hint: send YAML as `Content-Type: application/yaml`)",
            e.line(),
            e.column()
        ));
    }
    // Strict JSON is UTF-8: its strings were checked, the rest is ASCII.
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "request body: the body is not UTF-8 text (hint: save it as UTF-8)".to_owned()
    })?;
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut skip_to) = (false, false, 0);
    for (i, c) in text.char_indices() {
        if i < skip_to {
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
                if let Some(c) = surrogate_pair(c, text.get(i + 1..i + 11)) {
                    let _ = write!(out, "U{:08x}", u32::from(c));
                    skip_to = i + 11;
                    continue;
                }
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if matches!(
                c,
                '\u{7f}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            ) {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
                continue;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '\t' {
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    Ok(out)
}

async fn policy_info(State(state): State<AppState>) -> Response {
    let serving = state.current();
    respond(
        StatusCode::OK,
        json!({
            "name": serving.policy.name(),
            "version": serving.policy.version().to_string(),
            "title": serving.policy.title(),
            "hash": serving.hash,
        }),
        false,
    )
}

/// Size, modification time and (on Unix) file identity: what must not
/// change while a file is read.
fn stamp(meta: &std::fs::Metadata) -> (u64, Option<SystemTime>, u64, u64) {
    #[cfg(unix)]
    let (dev, ino) = {
        use std::os::unix::fs::MetadataExt as _;
        (meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let (dev, ino) = (0, 0);
    (meta.len(), meta.modified().ok(), dev, ino)
}

/// The bytes of the policy file at `path`, read only once its size and
/// modification time stay the same from before opening to after reading,
/// and it was last modified at least `config.settle` ago; tried again
/// until `config.reload_wait` has passed.
fn read_settled(path: &Path, config: &Config) -> Result<Vec<u8>, FileError> {
    let limit = Limits::default().max_input_bytes;
    // The messages do not name the file: the operator knows it, and a
    // client of `/reload` has no business learning the server's layout.
    let cannot = |e: std::io::Error| FileError::Read(format!("cannot read the policy file: {e}"));
    let deadline = Instant::now() + config.reload_wait;
    let mut tries = 0u32;
    loop {
        tries += 1;
        let before = std::fs::metadata(path).map_err(cannot)?;
        if !before.is_file() {
            return Err(FileError::Read(
                "the policy file is not a regular file".to_owned(),
            ));
        }
        if before.len() > limit as u64 {
            return Err(FileError::Read(format!(
                "the policy file is {} bytes, over the limit of {limit}",
                before.len()
            )));
        }
        // A modification time in the future (set by hand, or by a clock
        // put back) cannot say how long the file has been quiet.
        let age = before
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or(config.settle);
        let mut wait = config.settle.saturating_sub(age);
        if wait.is_zero() {
            let mut file = std::fs::File::open(path).map_err(cannot)?;
            let opened = file.metadata().map_err(cannot)?;
            let mut bytes = Vec::new();
            (&mut file)
                .take(limit as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(cannot)?;
            let read = file.metadata().map_err(cannot)?;
            let after = std::fs::metadata(path).map_err(cannot)?;
            let same = stamp(&before);
            if bytes.len() as u64 == before.len()
                && stamp(&opened) == same
                && stamp(&read) == same
                && stamp(&after) == same
            {
                return Ok(bytes);
            }
            wait = (config.settle / 4).max(Duration::from_millis(10));
        }
        if Instant::now() + wait > deadline {
            return Err(FileError::Unsettled(format!(
                "the policy file kept changing while it was read ({tries} tries in {} ms) (hint: write the new policy to a temporary file in the same directory, then rename it over the old one)",
                config.reload_wait.as_millis()
            )));
        }
        std::thread::sleep(wait);
    }
}

/// Reads and loads the policy file at `path`, with the SHA-256 of the bytes
/// it was loaded from. Diagnostics name the file by its name alone, never
/// by its place on the server.
fn load_file(path: &Path, config: &Config) -> Result<(Policy, String), FileError> {
    let bytes = read_settled(path, config)?;
    let origin = path
        .file_name()
        .map_or_else(|| "policy".to_owned(), |n| n.to_string_lossy().into_owned());
    let policy = Loader::new()
        .origin(&origin)
        .policy_bytes(&bytes)
        .map_err(FileError::Invalid)?;
    Ok((policy, sha256(&bytes)))
}

/// The `name` parameter of a query string, if given.
fn name_param(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("name="))
}

async fn reload(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let unread = has_body(&parts.headers);
    let Some(source) = state.0.source.clone() else {
        return error(
            StatusCode::CONFLICT,
            "no_file",
            "the service serves the embedded policy; start it with --policy to reload",
            unread,
        );
    };
    let wanted = name_param(parts.uri.query()).map(str::to_owned);
    // One reload at a time: two reading files written at different times
    // could otherwise swap in the older last.
    let _reloading = state.0.reloading.lock().await;
    let config = state.config().clone();
    let loaded = state.run(true, move || load_file(&source, &config)).await;
    let (policy, hash) = match loaded {
        Err(response) => return response,
        Ok(Ok(loaded)) => loaded,
        Ok(Err(FileError::Invalid(e))) => {
            return diagnostics(StatusCode::UNPROCESSABLE_ENTITY, e.diagnostics(), &e);
        }
        Ok(Err(FileError::Read(message))) => {
            return error(StatusCode::UNPROCESSABLE_ENTITY, "read", &message, unread);
        }
        Ok(Err(FileError::Unsettled(message))) => {
            let mut response = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unsettled",
                &message,
                unread,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
    };
    let serving_name = state.current().policy.name().to_owned();
    let accepted = match &wanted {
        None => policy.name() == serving_name,
        Some(name) => policy.name() == name,
    };
    if !accepted {
        // The names shown are the policies' own, checked by the loader
        // (no hidden characters, within the text limit); the query's is
        // not echoed.
        let message = match wanted {
            None => format!(
                "the policy file holds policy `{}`, not `{serving_name}` that is serving (hint: to switch, reload with `?name={}`)",
                policy.name(),
                policy.name()
            ),
            Some(_) => format!(
                "the policy file holds policy `{}`, not the one the request names",
                policy.name()
            ),
        };
        return error(StatusCode::CONFLICT, "policy_name", &message, unread);
    }
    let body = json!({
        "name": policy.name(),
        "version": policy.version().to_string(),
        "hash": hash,
    });
    state.replace(Serving {
        policy: Arc::new(policy),
        hash,
    });
    respond(StatusCode::OK, body, unread)
}

/// Completes on Ctrl-C, or on SIGTERM (what a container runtime or
/// systemd sends to stop a service).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

const USAGE: &str = "usage: service [--policy PATH] [--addr HOST:PORT] [--workers N] \
[--large-workers N] [--max-connections N] [--max-body-bytes N] [--queue-wait SECS] \
[--header-timeout SECS] [--body-timeout SECS] [--connection-lifetime SECS]";

/// Exit codes as the other examples give them: 0 stopped, 2 an error
/// (bad usage, a policy that does not load, an address that cannot be
/// bound), reported on standard error as `error: ...`.
#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => common::fail(e),
    }
}

#[tokio::main]
#[allow(dead_code)]
async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut source = None;
    let mut addr: SocketAddr = "127.0.0.1:8080".parse()?;
    let mut config = Config::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut set = || -> Result<(), Box<dyn std::error::Error>> {
            let mut value = || args.next().ok_or("a value is missing");
            let secs = |v: &str| {
                Ok::<_, Box<dyn std::error::Error>>(Duration::try_from_secs_f64(v.parse()?)?)
            };
            match arg.as_str() {
                "--policy" => source = Some(PathBuf::from(value()?)),
                "--addr" => addr = value()?.parse()?,
                "--workers" => config.workers = value()?.parse()?,
                "--large-workers" => config.large_workers = value()?.parse()?,
                "--max-connections" => config.max_connections = value()?.parse()?,
                "--max-body-bytes" => config.limits.max_input_bytes = value()?.parse()?,
                "--queue-wait" => config.queue_wait = secs(&value()?)?,
                "--header-timeout" => config.header_timeout = secs(&value()?)?,
                "--body-timeout" => config.body_timeout = secs(&value()?)?,
                "--connection-lifetime" => config.connection_lifetime = secs(&value()?)?,
                _ => return Err("unknown argument".into()),
            }
            Ok(())
        };
        if let Err(e) = set() {
            return Err(format!("{arg}: {e}; {USAGE}").into());
        }
    }
    let state = match source {
        Some(path) => AppState::from_file(path, config)?,
        None => AppState::embedded(config)?,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let serving = state.current();
    eprintln!(
        "serving {} ({}) on http://{addr}",
        serving.policy, serving.hash
    );
    serve_until(listener, state, stop_signal()).await;
    eprintln!("stopped");
    Ok(())
}
