//! What the widget costs the page that embeds it, in headless Chromium: the
//! demo page with and without the snippet, measured directly and by
//! Lighthouse; and what a shadow root costs next to an iframe.

use std::process::Command;
use std::time::Duration;

use charla_tests::browser::{script, Chromedriver};
use charla_tests::edge::{test_edge, LocalEdge};
use charla_tests::HarnessError;
use charla_tests::{copy_dir, paths};
use serde::Serialize;
use serde_json::Value;

use crate::cmd::{io, step, Error};

/// Runs of each page measured directly.
const RUNS: usize = 5;
/// Lighthouse runs of each page.
const LIGHTHOUSE_RUNS: usize = 3;
/// What identifies the snippet's line in `xtask/assets/bench/with.html`.
const SNIPPET: &str = "src=\"/widget.js\"";

/// The widget's cost to a page.
#[derive(Debug, Clone, Serialize)]
pub struct PageImpact {
    /// Direct measurements (median of the runs).
    pub direct: Direct,
    /// Lighthouse (median of the runs).
    pub lighthouse: Lighthouse,
    /// Shadow root against iframe.
    pub isolation: Isolation,
}

/// Medians over [`RUNS`] page loads of each page.
#[derive(Debug, Clone, Serialize)]
pub struct Direct {
    /// Loads of each page.
    pub runs: usize,
    /// From navigation start until the chat button shows, in ms.
    pub bubble_visible_ms: f64,
    /// Blocking time (the part of each long task over 50 ms) in the first
    /// five seconds, without the widget.
    pub blocking_without_ms: f64,
    /// The same with the widget.
    pub blocking_with_ms: f64,
    /// The difference.
    pub blocking_added_ms: f64,
}

/// Lighthouse's performance category, medians.
#[derive(Debug, Clone, Serialize)]
pub struct Lighthouse {
    /// Runs of each page.
    pub runs: usize,
    /// Score without the widget (0–100).
    pub score_without: f64,
    /// Score with it.
    pub score_with: f64,
    /// Points lost.
    pub points_lost: f64,
    /// Total Blocking Time without the widget, ms.
    pub tbt_without_ms: f64,
    /// With it.
    pub tbt_with_ms: f64,
    /// Added.
    pub tbt_added_ms: f64,
}

/// Mounting 20 isolated widget shells on a page.
#[derive(Debug, Clone, Serialize)]
pub struct Isolation {
    /// Shells mounted each way.
    pub count: usize,
    /// Shadow roots with the widget's stylesheet, until all are styled, ms.
    pub shadow_ms: f64,
    /// Iframes with the same stylesheet, until all are loaded, ms.
    pub iframe_ms: f64,
    /// JavaScript heap added by the shadow roots, KB.
    pub shadow_heap_kb: f64,
    /// JavaScript heap added by the iframes, KB.
    pub iframe_heap_kb: f64,
}

/// Measures everything on a fresh local edge.
pub async fn measure() -> Result<PageImpact, Error> {
    step("page impact in headless Chromium");
    install_pages()?;
    let (edge, _state) = test_edge(super::relay::UNLIMITED)?;
    let driver = Chromedriver::start()?;
    let without = format!("{}/bench/without", edge.url());
    let with = format!("{}/bench/with", edge.url());
    let (mut bubble, mut blocking) = (Vec::new(), Samples::default());
    for _ in 0..RUNS {
        blocking.push(false, load(&driver, &without, false).await?.0);
        let (blocked, visible) = load(&driver, &with, true).await?;
        blocking.push(true, blocked);
        bubble.push(visible);
    }
    let direct = Direct {
        runs: RUNS,
        bubble_visible_ms: median(&bubble),
        blocking_without_ms: median(&blocking.without),
        blocking_with_ms: median(&blocking.with),
        blocking_added_ms: blocking.added(),
    };
    step("Lighthouse, with and without the widget");
    let (mut score, mut tbt) = (Samples::default(), Samples::default());
    for _ in 0..LIGHTHOUSE_RUNS {
        for (url, widget) in [(&without, false), (&with, true)] {
            let (points, blocked) = lighthouse(url)?;
            score.push(widget, points);
            tbt.push(widget, blocked);
        }
    }
    let lighthouse = Lighthouse {
        runs: LIGHTHOUSE_RUNS,
        score_without: median(&score.without),
        score_with: median(&score.with),
        points_lost: median(&score.without) - median(&score.with),
        tbt_without_ms: median(&tbt.without),
        tbt_with_ms: median(&tbt.with),
        tbt_added_ms: tbt.added(),
    };
    // A shell whose stylesheet never settles has been seen twice in full
    // bench runs (its cause not found: the same page measures fine the next
    // time), so a failed measurement is made once more, and said.
    let isolation = match isolation(&driver, &edge).await {
        Ok(isolation) => isolation,
        Err(error) => {
            step(&format!("isolation failed ({error}); measuring it again"));
            isolation(&driver, &edge).await?
        }
    };
    Ok(PageImpact {
        direct,
        lighthouse,
        isolation,
    })
}

/// Loads a page in a fresh browser; returns its blocking time in the first
/// five seconds and, with the widget, when its button showed.
async fn load(driver: &Chromedriver, url: &str, widget: bool) -> Result<(f64, f64), Error> {
    let client = driver.session().await?;
    client.goto(url).await.map_err(HarnessError::from)?;
    let mut visible = 0.0;
    if widget {
        for _ in 0..100 {
            let mark = script(
                &client,
                "const m = performance.getEntriesByName('charla:ready')[0]; return m ? m.startTime : null",
            )
            .await;
            if let Some(at) = mark.as_f64() {
                visible = at;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let settled = script(&client, "return 5000 - performance.now()")
        .await
        .as_f64()
        .unwrap_or(0.0);
    tokio::time::sleep(Duration::from_millis(settled.max(0.0) as u64)).await;
    let blocking = script(
        &client,
        "return window.benchLongTasks
           .filter(t => t.start < 5000)
           .reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0)",
    )
    .await
    .as_f64()
    .unwrap_or(0.0);
    client.close().await.map_err(HarnessError::from)?;
    Ok((blocking, visible))
}

/// One Lighthouse run of the performance category: (score, TBT ms).
fn lighthouse(url: &str) -> Result<(f64, f64), Error> {
    let report = paths::root().join("target").join("lighthouse.json");
    let mut lighthouse = Command::new(paths::node_bin("lighthouse"));
    lighthouse
        .arg(url)
        .args(["--quiet", "--output=json", "--only-categories=performance"])
        .arg(format!("--output-path={}", report.display()))
        .arg(
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
             --disable-background-networking --disable-component-update --no-first-run --disable-sync",
        )
        .env("CHROME_PATH", std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    let output = lighthouse.output().map_err(io("running lighthouse"))?;
    if !output.status.success() {
        return Err(Error::Check(format!(
            "lighthouse failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let text = std::fs::read_to_string(&report).map_err(io("reading the Lighthouse report"))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| Error::Check(e.to_string()))?;
    let score = json["categories"]["performance"]["score"]
        .as_f64()
        .unwrap_or(0.0)
        * 100.0;
    let tbt = json["audits"]["total-blocking-time"]["numericValue"]
        .as_f64()
        .unwrap_or(0.0);
    Ok((score, tbt))
}

/// Mounts 20 widget shells as shadow roots, then as iframes, each with the
/// widget's stylesheet, and times them until styled.
async fn isolation(driver: &Chromedriver, edge: &LocalEdge) -> Result<Isolation, Error> {
    step("shadow root against iframe");
    let client = driver
        .session_with(&["--enable-precise-memory-info"])
        .await?;
    client
        .goto(&format!("{}/bench/without", edge.url()))
        .await
        .map_err(HarnessError::from)?;
    let measured = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const css = '/widget/widget.css';
             const heap = () => performance.memory ? performance.memory.usedJSHeapSize : 0;
             const markup = '<div class=\"charla\"><button class=\"charla-bubble\">Chat</button></div>';
             let failed = 0;
             // A shell not styled within 10 s counts as failed, so that the
             // script reports it instead of timing out.
             const settle = (resolve) => {
               const timer = setTimeout(() => { failed += 1; resolve(); }, 10000);
               return [() => { clearTimeout(timer); resolve(); },
                       () => { clearTimeout(timer); failed += 1; resolve(); }];
             };
             async function shadows(n) {
               const start = performance.now(), before = heap();
               await Promise.all(Array.from({length: n}, () => new Promise(resolve => {
                 const host = document.createElement('div');
                 const root = host.attachShadow({mode: 'open'});
                 const link = document.createElement('link');
                 link.rel = 'stylesheet'; link.href = css;
                 [link.onload, link.onerror] = settle(resolve);
                 root.appendChild(link);
                 root.appendChild(document.createRange().createContextualFragment(markup));
                 document.body.appendChild(host);
               })));
               document.body.offsetHeight;
               return [performance.now() - start, heap() - before];
             }
             async function frames(n) {
               const start = performance.now(), before = heap();
               await Promise.all(Array.from({length: n}, () => new Promise(resolve => {
                 const frame = document.createElement('iframe');
                 [frame.onload, frame.onerror] = settle(resolve);
                 frame.srcdoc = '<!doctype html><link rel=stylesheet href=\"' + css + '\">' + markup;
                 document.body.appendChild(frame);
               })));
               document.body.offsetHeight;
               return [performance.now() - start, heap() - before];
             }
             shadows(20).then(s => frames(20).then(f => done({s, f, failed})));",
            vec![],
        )
        .await
        .map_err(HarnessError::from)?;
    client.close().await.map_err(HarnessError::from)?;
    // A stylesheet that failed to load would make its shell look fast
    // (and one that never settled timed the script out).
    if measured["failed"].as_u64() != Some(0) {
        return Err(Error::Check(format!(
            "isolation: a stylesheet failed to load or took over 10 s: {measured}"
        )));
    }
    let number = |v: &Value| v.as_f64().unwrap_or(0.0);
    Ok(Isolation {
        count: 20,
        shadow_ms: number(&measured["s"][0]),
        iframe_ms: number(&measured["f"][0]),
        shadow_heap_kb: number(&measured["s"][1]) / 1024.0,
        iframe_heap_kb: number(&measured["f"][1]) / 1024.0,
    })
}

/// Puts the benchmark's pages into the built site, under `bench/`: the
/// observer, the page with the snippet and the same page without it, so
/// that the two cannot differ in anything else. They live in
/// `xtask/assets/bench/` and not in `edge/site/`, so that no deploy carries
/// them (`cargo xtask build` clears `dist/site`).
fn install_pages() -> Result<(), Error> {
    let assets = paths::root().join("xtask/assets/bench");
    let bench = paths::site().join("bench");
    copy_dir(&assets, &bench, &[])?;
    let with = std::fs::read_to_string(bench.join("with.html"))
        .map_err(io("reading the benchmark page"))?;
    let without: String = with
        .lines()
        .filter(|line| !line.contains(SNIPPET))
        .map(|line| format!("{line}\n"))
        .collect();
    if without.len() == with.len() {
        return Err(Error::Check(format!(
            "bench/with.html has no line with {SNIPPET}"
        )));
    }
    std::fs::write(bench.join("without.html"), without)
        .map_err(io("writing the page without the widget"))
}

/// The median of some measurements (0 for none).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// One measure taken on the page without the widget and with it.
#[derive(Default)]
struct Samples {
    without: Vec<f64>,
    with: Vec<f64>,
}

impl Samples {
    fn push(&mut self, widget: bool, value: f64) {
        if widget {
            self.with.push(value);
        } else {
            self.without.push(value);
        }
    }

    /// What the widget added, median against median.
    fn added(&self) -> f64 {
        median(&self.with) - median(&self.without)
    }
}
