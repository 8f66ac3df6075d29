//! Headless Chromium driven over WebDriver: Debian's `chromium` through its
//! `chromedriver`, one process serving any number of sessions.

use std::future::Future;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Map, Value};
use tempfile::TempDir;

use crate::edge::stop_group;
use crate::{io_context, HarnessError, HarnessResult};

/// How long [`eventually`] waits.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A running chromedriver. Dropping it stops it and every browser.
pub struct Chromedriver {
    child: Child,
    port: u16,
    profiles: TempDir,
}

impl Chromedriver {
    /// Starts chromedriver (`$CHROMEDRIVER` or `/usr/bin/chromedriver`).
    pub fn start() -> HarnessResult<Chromedriver> {
        let program =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(io_context("finding a port for chromedriver"))?
            .port();
        let mut command = Command::new(&program);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(|source| HarnessError::Spawn {
            program: format!("{program} (install Debian's chromium-driver)"),
            source,
        })?;
        let driver = Chromedriver {
            child,
            port,
            profiles: TempDir::new().map_err(io_context("creating browser profiles"))?,
        };
        let status = format!("http://127.0.0.1:{port}/status");
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if ureq::get(&status).call().is_ok() {
                return Ok(driver);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(HarnessError::Timeout {
            what: "chromedriver".into(),
            seconds: PATIENCE.as_secs(),
            log: String::new(),
        })
    }

    /// A new browser with its own empty profile. The flags keep Chromium
    /// from reaching for Google's services, which this machine cannot reach.
    pub async fn session(&self) -> HarnessResult<Client> {
        let profile = tempfile::Builder::new()
            .tempdir_in(self.profiles.path())
            .map_err(io_context("creating a browser profile"))?
            .keep();
        let binary = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut capabilities = Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": binary,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .map_err(|e| HarnessError::Browser(e.to_string()))
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        stop_group(&mut self.child);
    }
}

/// Polls `probe` until it yields a value or [`PATIENCE`] runs out. UIs update
/// asynchronously; this is how a test waits for them without fixed sleeps.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> HarnessResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return Ok(value);
        }
        if started.elapsed() > PATIENCE {
            return Err(HarnessError::Timeout {
                what: what.into(),
                seconds: PATIENCE.as_secs(),
                log: String::new(),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs a script in the page and returns its value (`null` on failure, so
/// probes simply try again).
pub async fn script(client: &Client, source: &str) -> Value {
    client.execute(source, vec![]).await.unwrap_or(Value::Null)
}
