//! The real Charla edge, started locally for tests and for `cargo xtask dev`,
//! and the clients the tests drive it with.
//!
//! Nothing here mocks the edge: [`edge::LocalEdge`] runs the built worker on
//! workerd through `wrangler dev`, with its Durable Objects and D1 persisted
//! in a directory, and [`browser`] drives Debian's Chromium through
//! chromedriver.
//!
//! Architecture Invariant: tests reach the edge only over HTTP and
//! WebSockets, as browsers do.

pub mod browser;
pub mod chaos;
pub mod client;
pub mod edge;
pub mod http;
pub mod mail;
pub mod model;
pub mod paths;
pub mod seed;
pub mod site;
pub mod ui;

/// Why the harness could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A program could not be started.
    #[error("could not run {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// A program ran and failed.
    #[error("{command} failed ({status}):\n{output}")]
    Failed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it printed.
        output: String,
    },
    /// Something did not become ready in time.
    #[error("{what} was not ready after {seconds} s{log}")]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        seconds: u64,
        /// The end of its log, if any.
        log: String,
    },
    /// A prerequisite is missing.
    #[error("{0}")]
    Missing(String),
    /// Reading or writing files failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The WebDriver session failed.
    #[error("browser: {0}")]
    Browser(String),
}

/// Results of the harness.
pub type HarnessResult<T> = Result<T, HarnessError>;

impl From<fantoccini::error::CmdError> for HarnessError {
    fn from(error: fantoccini::error::CmdError) -> Self {
        HarnessError::Browser(error.to_string())
    }
}

impl From<fantoccini::error::NewSessionError> for HarnessError {
    fn from(error: fantoccini::error::NewSessionError) -> Self {
        HarnessError::Browser(error.to_string())
    }
}

/// Wraps an I/O error with what was being done.
pub fn io_context(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> HarnessError {
    let context = context.into();
    move |source| HarnessError::Io { context, source }
}

/// Copies a directory tree, leaving out top-level entries named in `skip`
/// and hidden files (Trunk's staging directory, for one).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path, skip: &[&str]) -> HarnessResult<()> {
    let context = || format!("copying {} to {}", from.display(), to.display());
    std::fs::create_dir_all(to).map_err(io_context(context()))?;
    for entry in std::fs::read_dir(from).map_err(io_context(context()))? {
        let entry = entry.map_err(io_context(context()))?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let target = to.join(&name);
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target, &[])?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(io_context(context()))?;
        }
    }
    Ok(())
}
