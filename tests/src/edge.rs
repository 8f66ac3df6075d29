//! The edge on local workerd, through `wrangler dev`, with its Durable
//! Objects and D1 database persisted in a state directory.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use charla_shared::routes;
use tempfile::TempDir;

use crate::seed::Seed;
use crate::{copy_dir, io_context, paths, HarnessError, HarnessResult};

/// The D1 database name in wrangler.toml.
pub const DATABASE: &str = "charla";

/// Settings of every local edge (`cargo xtask dev` and the tests): pages may
/// pretend to come from any country with `?charla_country=XX`.
pub const LOCAL_VARS: &[(&str, &str)] = &[("ALLOW_COUNTRY_OVERRIDE", "true")];

/// How long the edge may take to answer its health check after starting.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// How often starting is tried when a port turns out to be taken.
const START_ATTEMPTS: usize = 5;

/// What workerd prints when a port it was given is taken.
const PORT_TAKEN: &str = "Address already in use";

/// A running edge. Dropping it stops it.
pub struct LocalEdge {
    port: u16,
    state: PathBuf,
    log: PathBuf,
    vars: Vec<(String, String)>,
    /// The V8 inspector's port of the current run (wrangler's proxy).
    inspector: u16,
    child: Option<Child>,
}

impl LocalEdge {
    /// Starts the built edge on a free port with the given state directory.
    pub fn start(state: &Path) -> HarnessResult<LocalEdge> {
        LocalEdge::start_with(state, &[])
    }

    /// Starts it with some of wrangler.toml's `[vars]` overridden (on top
    /// of [`LOCAL_VARS`]).
    pub fn start_with(state: &Path, vars: &[(&str, &str)]) -> HarnessResult<LocalEdge> {
        let mut edge = LocalEdge {
            port: free_port()?,
            state: state.to_path_buf(),
            log: state.join("wrangler-dev.log"),
            vars: LOCAL_VARS
                .iter()
                .chain(vars)
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            inspector: 0,
            child: None,
        };
        edge.launch(true)?;
        Ok(edge)
    }

    /// The address it listens on.
    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The port of wrangler's V8 inspector proxy for this run: CPU profiles
    /// of the worker and its objects (`cargo xtask profile-relay`).
    pub fn inspector_port(&self) -> u16 {
        self.inspector
    }

    /// The process group of `wrangler dev` and its workerd, while running.
    pub fn process_group(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// Stops the edge: its whole process group, so that workerd lets go of
    /// the port too.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop_group(&mut child);
        }
    }

    /// Stops and starts again on the same port with the same state, so that
    /// clients find it where they left it.
    pub fn restart(&mut self) -> HarnessResult<()> {
        self.stop();
        self.launch(false)
    }

    /// Runs SQL against the running edge's local D1 database, as an operator
    /// with shell access would (tests use it to store what the API refuses).
    pub fn sql(&self, sql: &str) -> HarnessResult<String> {
        let mut execute = wrangler();
        execute
            .args(["d1", "execute", DATABASE, "--local", "--persist-to"])
            .arg(&self.state)
            .args(["--command", sql]);
        run(execute)
    }

    /// How many objects the local R2 buckets hold: wrangler keeps each
    /// object's bytes as one file in a `blobs` folder of the state.
    pub fn r2_blobs(&self) -> HarnessResult<usize> {
        fn count(dir: &Path, in_blobs: bool) -> std::io::Result<usize> {
            let mut found = 0;
            let Ok(entries) = fs::read_dir(dir) else {
                return Ok(0);
            };
            for entry in entries {
                let entry = entry?;
                if entry.file_type()?.is_dir() {
                    found += count(&entry.path(), in_blobs || entry.file_name() == "blobs")?;
                } else if in_blobs {
                    found += 1;
                }
            }
            Ok(found)
        }
        count(&self.state.join("v3").join("r2"), false)
            .map_err(io_context("reading the local R2 state"))
    }

    /// What `wrangler dev` printed so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Starts `wrangler dev`. A port chosen free can be taken by another
    /// process before workerd binds it (tests start edges, browsers and
    /// drivers side by side), so that one failure is retried: on a new port
    /// when `may_move`, else on the same port once the other lets go.
    fn launch(&mut self, may_move: bool) -> HarnessResult<()> {
        require_build()?;
        let mut attempt = 1;
        loop {
            let logged = self.log().len();
            match self.spawn() {
                Err(HarnessError::Failed { output, .. })
                    if attempt < START_ATTEMPTS
                        && output.get(logged..).unwrap_or(&output).contains(PORT_TAKEN) =>
                {
                    attempt += 1;
                    if may_move {
                        self.port = free_port()?;
                    } else {
                        thread::sleep(Duration::from_secs(1));
                    }
                }
                result => return result,
            }
        }
    }

    fn spawn(&mut self) -> HarnessResult<()> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(io_context("opening the wrangler log"))?;
        let err = log
            .try_clone()
            .map_err(io_context("opening the wrangler log"))?;
        // Every instance needs its own inspector port to run beside others.
        self.inspector = free_port()?;
        let mut command = dev_command(&self.state, self.port, self.inspector, &self.vars)?;
        command
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err));
        // Its own process group, so that stopping reaches workerd too.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(|source| HarnessError::Spawn {
            program: "wrangler dev".into(),
            source,
        })?;
        self.child = Some(child);
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> HarnessResult<()> {
        let health = format!("{}{}", self.url(), routes::HEALTH);
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(HarnessError::Failed {
                        command: "wrangler dev".into(),
                        status,
                        output: self.log(),
                    });
                }
            }
            if ureq::get(&health)
                .call()
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(200));
        }
        Err(HarnessError::Timeout {
            what: "the local edge".into(),
            seconds: START_TIMEOUT.as_secs(),
            log: format!(":\n{}", tail(&self.log(), 40)),
        })
    }
}

impl Drop for LocalEdge {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `wrangler` from node_modules, run in the repository root with telemetry
/// and Cloudflare lookups off: nothing leaves the machine.
pub fn wrangler() -> Command {
    let mut command = Command::new(paths::node_bin("wrangler"));
    command
        .current_dir(paths::root())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env(
            "WRANGLER_LOG_PATH",
            paths::root().join("target").join("wrangler-logs"),
        );
    command
}

/// The `wrangler dev` command that serves the built edge on local workerd,
/// with some `[vars]` overridden.
pub fn dev_command<K: AsRef<str>, V: AsRef<str>>(
    state: &Path,
    port: u16,
    inspector: u16,
    vars: &[(K, V)],
) -> HarnessResult<Command> {
    let mut command = wrangler();
    command.args(["dev", "--local", "--ip", "127.0.0.1", "--port"]);
    command.arg(port.to_string());
    command.args(["--inspector-port", &inspector.to_string()]);
    command.arg("--persist-to").arg(state);
    command.arg("--show-interactive-dev-session=false");
    for (name, value) in vars {
        command
            .arg("--var")
            .arg(format!("{}:{}", name.as_ref(), value.as_ref()));
    }
    Ok(command)
}

/// Creates the D1 schema in a state directory and inserts a seed.
pub fn prepare_state(state: &Path, seed: &Seed) -> HarnessResult<()> {
    fs::create_dir_all(state).map_err(io_context("creating the state directory"))?;
    let mut migrate = wrangler();
    migrate
        .args([
            "d1",
            "migrations",
            "apply",
            DATABASE,
            "--local",
            "--persist-to",
        ])
        .arg(state);
    run(migrate)?;
    let seed_file = state.join("seed.sql");
    fs::write(&seed_file, seed.to_sql(now_millis())).map_err(io_context("writing the seed"))?;
    let mut execute = wrangler();
    execute
        .args(["d1", "execute", DATABASE, "--local", "--persist-to"])
        .arg(state)
        .arg("--file")
        .arg(&seed_file);
    let result = run(execute);
    // The seed holds only password digests, but it has no reason to stay.
    let _ = fs::remove_file(&seed_file);
    result.map(|_| ())
}

/// A fresh state directory holding the test seed. The first call of a test
/// process prepares a template (migrations and seed take a few seconds);
/// every call copies it.
pub fn test_state() -> HarnessResult<TempDir> {
    static TEMPLATE: OnceLock<Result<TempDir, String>> = OnceLock::new();
    let template = TEMPLATE
        .get_or_init(|| {
            let dir = TempDir::new().map_err(|e| e.to_string())?;
            prepare_state(dir.path(), &Seed::for_tests()).map_err(|e| e.to_string())?;
            Ok(dir)
        })
        .as_ref()
        .map_err(|e| {
            HarnessError::Missing(format!("the test database could not be prepared: {e}"))
        })?;
    let copy = TempDir::new().map_err(io_context("creating a state directory"))?;
    copy_dir(template.path(), copy.path(), &[])?;
    Ok(copy)
}

/// An edge on a fresh copy of the test state, with some `[vars]`
/// overridden. The state directory must outlive the edge: keep both.
pub fn test_edge(vars: &[(&str, &str)]) -> HarnessResult<(LocalEdge, TempDir)> {
    let state = test_state()?;
    let edge = LocalEdge::start_with(state.path(), vars)?;
    Ok((edge, state))
}

/// Runs a command to completion; its output is returned, or reported with
/// the failure.
pub fn run(mut command: Command) -> HarnessResult<String> {
    let line = format!("{command:?}");
    let output = command.output().map_err(|source| HarnessError::Spawn {
        program: line.clone(),
        source,
    })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text)
    } else {
        Err(HarnessError::Failed {
            command: line,
            status: output.status,
            output: text,
        })
    }
}

/// Milliseconds since the epoch.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Sends TERM to a child's process group, then KILL if it lingers.
pub fn stop_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    for signal in ["-TERM", "-KILL"] {
        let _ = Command::new("kill")
            .args([signal, "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
    let _ = child.wait();
}

fn require_build() -> HarnessResult<()> {
    for built in [paths::worker(), paths::site().join("widget.js")] {
        if !built.exists() {
            return Err(HarnessError::Missing(format!(
                "{} is missing: run `cargo xtask build` (or `cargo xtask test`) first",
                built.display()
            )));
        }
    }
    Ok(())
}

fn free_port() -> HarnessResult<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io_context("finding a free port"))?;
    let port = listener
        .local_addr()
        .map_err(io_context("finding a free port"))?
        .port();
    Ok(port)
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
