//! A membership service embedding the crate, with axum.
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
//! - `POST /evaluate` takes an assessment as JSON or YAML (the body is read as
//!   YAML, which JSON is a subset of) and returns the evaluation as JSON. The
//!   body is loaded from its bytes within the crate's `Limits`: one that is
//!   not an assessment (not UTF-8, not YAML, past a limit) is a 400 with the
//!   errors, one over `max_input_bytes` a 413 before it is read whole, and an
//!   assessment the policy cannot use a 422.
//! - `GET /policy` says which policy and version is serving.
//! - `POST /reload` rereads the policy file: a bad new policy is refused
//!   with its errors (422) and the old one keeps serving.
//!
//! The policy is shared behind an `Arc`: a request takes the current one and
//! keeps it for its whole evaluation, while a reload swaps in the next.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use qbm::{Assessment, Diagnostic, Limits, Policy};
use serde_json::json;

/// What every request shares: the policy serving now, where to reload it
/// from, and the limits request bodies are loaded within.
#[derive(Clone)]
pub struct AppState {
    policy: Arc<RwLock<Arc<Policy>>>,
    source: Option<PathBuf>,
    limits: Limits,
}

impl AppState {
    /// Serves `policy` within the default limits; `/reload` rereads `source`
    /// when one is given.
    pub fn new(policy: Policy, source: Option<PathBuf>) -> Self {
        Self {
            policy: Arc::new(RwLock::new(Arc::new(policy))),
            source,
            limits: Limits::default(),
        }
    }

    /// Loads request bodies within `limits` instead.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn current(&self) -> Arc<Policy> {
        // A poisoned lock still holds the last policy swapped in whole.
        match self.policy.read() {
            Ok(p) => Arc::clone(&p),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace(&self, policy: Policy) {
        let mut slot = match self.policy.write() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        *slot = Arc::new(policy);
    }
}

/// The service's routes.
pub fn app(state: AppState) -> Router {
    // A body past the limit is refused (413) before it is read whole.
    let body_limit = DefaultBodyLimit::max(state.limits.max_input_bytes);
    Router::new()
        .route("/evaluate", post(evaluate))
        .route("/policy", get(policy_info))
        .route("/reload", post(reload))
        .layer(body_limit)
        .with_state(state)
}

fn errors(status: StatusCode, diagnostics: &[Diagnostic], fallback: String) -> Response {
    let list: Vec<serde_json::Value> = if diagnostics.is_empty() {
        vec![json!({ "message": fallback })]
    } else {
        diagnostics
            .iter()
            .map(|d| json!({ "message": d.to_string(), "kind": d.kind, "path": d.path }))
            .collect()
    };
    (status, Json(json!({ "errors": list }))).into_response()
}

async fn evaluate(State(state): State<AppState>, body: Bytes) -> Response {
    let assessment = match Assessment::from_yaml_bytes(&body, "request body", &state.limits) {
        Ok(a) => a,
        Err(e) => return errors(StatusCode::BAD_REQUEST, e.diagnostics(), e.to_string()),
    };
    let policy = state.current();
    match policy.evaluate(&assessment) {
        Ok(evaluation) => Json(evaluation).into_response(),
        Err(e) => errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.diagnostics(),
            e.to_string(),
        ),
    }
}

async fn policy_info(State(state): State<AppState>) -> Response {
    let policy = state.current();
    Json(json!({
        "name": policy.name(),
        "version": policy.version().to_string(),
        "title": policy.title(),
        "source": policy.origin(),
    }))
    .into_response()
}

async fn reload(State(state): State<AppState>) -> Response {
    let Some(source) = state.source.clone() else {
        return errors(
            StatusCode::CONFLICT,
            &[],
            "the service serves the embedded policy; start it with --policy to reload".into(),
        );
    };
    match Policy::from_path(&source) {
        Ok(policy) => {
            let body = json!({ "name": policy.name(), "version": policy.version().to_string() });
            state.replace(policy);
            Json(body).into_response()
        }
        Err(e) => errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.diagnostics(),
            e.to_string(),
        ),
    }
}

#[tokio::main]
#[allow(dead_code)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut source = None;
    let mut addr: SocketAddr = "127.0.0.1:8080".parse()?;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--policy" => source = Some(PathBuf::from(args.next().ok_or("--policy needs a path")?)),
            "--addr" => addr = args.next().ok_or("--addr needs an address")?.parse()?,
            other => {
                return Err(format!(
                    "unknown argument `{other}`; usage: service [--policy PATH] [--addr HOST:PORT]"
                )
                .into());
            }
        }
    }
    let policy = match &source {
        Some(path) => Policy::from_path(path)?,
        None => Policy::builtin()?,
    };
    eprintln!("serving {policy} on http://{addr}");
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app(AppState::new(policy, source))).await?;
    Ok(())
}
