//! Running commands with their output in view, and xtask's error type.

use std::ffi::OsStr;
use std::process::Command;

use charla_tests::HarnessError;

use charla_tests::paths;

/// Why an xtask command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command could not start.
    #[error("could not run {command}: {source}")]
    Spawn {
        /// The command line.
        command: String,
        /// Why.
        source: std::io::Error,
    },
    /// A command failed.
    #[error("{command} failed ({status})")]
    Failed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
    },
    /// The local edge harness failed.
    #[error(transparent)]
    Harness(#[from] HarnessError),
    /// A check or an argument was wrong.
    #[error("{0}")]
    Check(String),
    /// Files could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Prints a step heading.
pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// `cargo` with arguments, run in the repository root.
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args).current_dir(paths::root());
    command
}

/// Runs a command with inherited output; fails on a non-zero exit.
pub fn run(mut command: Command) -> Result<(), Error> {
    let line = describe(&command);
    println!("$ {line}");
    let status = command.status().map_err(|source| Error::Spawn {
        command: line.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Failed {
            command: line,
            status,
        })
    }
}

/// Runs a command quietly and returns its standard output, or `None` if it
/// cannot run or fails (used to probe installed tools).
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Wraps an I/O error with what was being done.
pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    let context = context.into();
    move |source| Error::Io { context, source }
}

fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}
