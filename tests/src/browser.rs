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

/// How many ports chromedriver is offered before giving up.
const START_ATTEMPTS: usize = 3;

/// A running chromedriver. Dropping it stops it and every browser.
pub struct Chromedriver {
    child: Child,
    port: u16,
    profiles: TempDir,
}

impl Chromedriver {
    /// Starts chromedriver (`$CHROMEDRIVER` or `/usr/bin/chromedriver`). A
    /// port chosen free can be taken before chromedriver binds it (edges
    /// and other drivers start beside it); then it exits and another port
    /// is tried.
    pub fn start() -> HarnessResult<Chromedriver> {
        let program =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let profiles = TempDir::new().map_err(io_context("creating browser profiles"))?;
        for _ in 0..START_ATTEMPTS {
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
            let mut child = command.spawn().map_err(|source| HarnessError::Spawn {
                program: format!("{program} (install Debian's chromium-driver)"),
                source,
            })?;
            if wait_for_status(&mut child, port) {
                return Ok(Chromedriver {
                    child,
                    port,
                    profiles,
                });
            }
            stop_group(&mut child);
        }
        Err(HarnessError::Timeout {
            what: "chromedriver".into(),
            seconds: PATIENCE.as_secs(),
            log: format!(" (tried {START_ATTEMPTS} ports)"),
        })
    }

    /// A new browser with its own empty profile. The flags keep Chromium
    /// from reaching for Google's services, which this machine cannot reach.
    pub async fn session(&self) -> HarnessResult<Client> {
        self.session_with(&[]).await
    }

    /// A new browser with extra command-line flags (`--lang=pt-BR`…).
    pub async fn session_with(&self, extra: &[&str]) -> HarnessResult<Client> {
        let profile = tempfile::Builder::new()
            .tempdir_in(self.profiles.path())
            .map_err(io_context("creating a browser profile"))?
            .keep();
        let binary = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut args: Vec<Value> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,900",
        ]
        .into_iter()
        .chain(extra.iter().copied())
        .map(Value::from)
        .collect();
        args.push(Value::from(format!(
            "--user-data-dir={}",
            profile.display()
        )));
        let mut capabilities = Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": binary, "args": args }),
        );
        Ok(ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?)
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

/// The serious and critical accessibility violations axe-core (from
/// node_modules) finds on the page, shadow roots included, as
/// `{id, impact, help, targets}`.
pub async fn serious_accessibility_violations(client: &Client) -> HarnessResult<Vec<Value>> {
    let axe =
        std::fs::read_to_string(crate::paths::root().join("node_modules/axe-core/axe.min.js"))
            .map_err(crate::io_context("reading axe-core (npm ci installs it)"))?;
    client.execute(&axe, vec![]).await?;
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                              targets: v.nodes.map(n => n.target) }))))
               .catch(e => done([{ id: 'axe-failed', impact: 'critical', help: String(e) }]));",
            vec![],
        )
        .await?;
    Ok(found.as_array().cloned().unwrap_or_default())
}

/// Runs a script in the page and returns its value (`null` on failure, so
/// probes simply try again).
pub async fn script(client: &Client, source: &str) -> Value {
    client.execute(source, vec![]).await.unwrap_or(Value::Null)
}

/// Takes the page's network away or gives it back with the DevTools
/// protocol, as the browser's own offline switch does: `navigator.onLine`
/// changes and the `offline` / `online` events fire. Connections that are
/// open stay open, as they do when a laptop's Wi-Fi blinks.
pub async fn set_offline(client: &Client, offline: bool) -> HarnessResult<()> {
    client
        .issue_cmd(DevTools {
            cmd: "Network.enable",
            params: json!({}),
        })
        .await?;
    client
        .issue_cmd(DevTools {
            cmd: "Network.emulateNetworkConditions",
            params: json!({
                "offline": offline,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }),
        })
        .await?;
    Ok(())
}

/// Makes the page a 390 × 844 phone screen (an iPhone's, in CSS pixels)
/// with the DevTools protocol: a desktop window cannot be made that narrow.
pub async fn emulate_phone(client: &Client) -> HarnessResult<()> {
    client
        .issue_cmd(DevTools {
            cmd: "Emulation.setDeviceMetricsOverride",
            params: json!({
                "width": 390,
                "height": 844,
                "deviceScaleFactor": 3,
                "mobile": true,
            }),
        })
        .await?;
    Ok(())
}

/// A DevTools protocol command, sent through chromedriver.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Waits until chromedriver on `port` answers its status, or exits (the
/// port was taken), or [`PATIENCE`] runs out.
fn wait_for_status(child: &mut Child, port: u16) -> bool {
    let status = format!("http://127.0.0.1:{port}/status");
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
        if ureq::get(&status).call().is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
