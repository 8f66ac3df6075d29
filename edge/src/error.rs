//! The edge's error type. Refusals carry a [`Problem`] meant for the client;
//! everything else is an internal failure whose detail goes to the log while
//! the client gets a generic sentence.

use charla_shared::protocol::{ErrorCode, Problem};

/// Anything that stops a request or a frame from being served.
#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    /// The client's request was refused; the problem says why.
    #[error("refused: {0}")]
    Refused(#[from] Problem),
    /// The Workers runtime failed (storage, D1, a stub, a socket).
    #[error("runtime: {0}")]
    Runtime(#[from] worker::Error),
    /// Stored data could not be read back.
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
}

/// Results inside the edge.
pub type EdgeResult<T> = Result<T, EdgeError>;

impl EdgeError {
    /// A refusal with this code and sentence.
    pub fn refuse(code: ErrorCode, message: impl Into<String>) -> Self {
        EdgeError::Refused(Problem::new(code, message))
    }

    /// What the client is told. Internal failures are logged here, once, at
    /// the boundary where they turn into a response or a frame.
    pub fn to_problem(&self) -> Problem {
        match self {
            EdgeError::Refused(problem) => problem.clone(),
            EdgeError::Runtime(_) | EdgeError::Corrupt(_) => {
                worker::console_error!("internal error: {self}");
                Problem::new(
                    ErrorCode::Internal,
                    "Something went wrong on our side. Please try again.",
                )
            }
        }
    }
}

impl From<serde_json::Error> for EdgeError {
    fn from(e: serde_json::Error) -> Self {
        EdgeError::Corrupt(e.to_string())
    }
}

impl From<wasm_bindgen::JsValue> for EdgeError {
    fn from(e: wasm_bindgen::JsValue) -> Self {
        EdgeError::Runtime(worker::Error::from(e))
    }
}
