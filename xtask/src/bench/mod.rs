//! `cargo xtask bench`: the widget's weight and its cost to a page, and the
//! relay's latency, throughput and memory against a Socket.IO relay and a
//! bare Rust WebSocket relay, all measured in one run on this machine.
//!
//! It writes `bench/report.json`, `bench/report.md` and
//! `bench/latency.svg`, and refreshes the results section of
//! `BENCHMARKS.md`. With `--check` it exits non-zero when a budget there is
//! exceeded. Nothing here is a test: timings vary with the machine, so they
//! are reported, not asserted.

mod chart;
pub mod floor;
mod page;
mod profile;
mod relay;
mod report;
mod weight;

use std::path::PathBuf;

use charla_tests::paths;
use serde::Serialize;

use crate::cmd::{io, step, Error};

pub use report::Report;

/// Profiles Charla's relay under load (workerd's V8 inspector) and writes
/// where the time goes: `bench/relay-profile.md`, and the profile itself as
/// `bench/out/relay.cpuprofile` for DevTools. `conversations` picks one of
/// the bench's loads; 100 is the one the committed profile comes from.
pub fn profile_relay(conversations: usize) -> Result<(), Error> {
    let runtime = tokio::runtime::Runtime::new().map_err(io("starting tokio"))?;
    let profiled = runtime.block_on(relay::profile(conversations))?;
    let suffix = match conversations {
        100 => String::new(),
        other => format!("-{other}"),
    };
    let out = paths::root().join("bench");
    std::fs::create_dir_all(out.join("out")).map_err(io("creating bench/out"))?;
    write(
        out.join("out").join(format!("relay{suffix}.cpuprofile")),
        &profiled.profile.to_string(),
    )?;
    write(
        out.join("out")
            .join(format!("relay{suffix}-opening.cpuprofile")),
        &profiled.opening.1.to_string(),
    )?;
    let md = format!(
        "# Where Charla's relay spends its time\n\n\
         Written by `cargo xtask profile-relay` on {} at commit `{}`: {} \
         conversations, {} messages each, sampled every 100 µs by workerd's V8 \
         inspector. Self time per function (the time with it on top of the stack); \
         native work (SQLite, sockets) counts to the JavaScript function that called \
         it. workerd's CPU time per message in this run (sampling included): \
         {:.2} ms; messages that took longer than 10 s: {}.\n\n\
         ## Relaying\n\n{}\n\
         ## Opening the conversations\n\n\
         Each created over HTTP, its visitor's and its operator's sockets joined; \
         sampled from before the first until the isolate answered after the last.\n\n{}",
        report::today(),
        report::commit(),
        profiled.conversations,
        profiled.messages_each,
        profiled.cpu_ms_per_message,
        profiled.lost,
        profiled
            .breakdown
            .markdown(profiled.messages, "message", 40),
        profiled
            .opening
            .0
            .markdown(profiled.conversations, "conversation", 25)
    );
    write(out.join(format!("relay-profile{suffix}.md")), &md)?;
    println!("{md}");
    Ok(())
}

/// One budget from BENCHMARKS.md and how the run did against it.
#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    /// What is measured.
    pub name: String,
    /// The limit.
    pub limit: f64,
    /// The unit of both numbers.
    pub unit: &'static str,
    /// What this run measured.
    pub value: f64,
    /// Whether the limit is a floor (`value` must reach it) rather than a
    /// ceiling.
    pub at_least: bool,
    /// Whether `value` is within `limit`.
    pub ok: bool,
}

/// Runs every benchmark and writes the report; with `check`, fails when a
/// budget is exceeded.
pub fn run(check: bool) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let (weight, crates) = weight::measure()?;
    let settings = weight::settings()?;
    let runtime = tokio::runtime::Runtime::new().map_err(io("starting tokio"))?;
    let page = runtime.block_on(page::measure())?;
    let relay = runtime.block_on(relay::measure())?;
    let report = Report::new(weight, crates, settings, page, relay);
    let out = paths::root().join("bench");
    std::fs::create_dir_all(&out).map_err(io("creating bench/"))?;
    write(
        out.join("report.json"),
        &serde_json::to_string_pretty(&report).unwrap_or_default(),
    )?;
    write(out.join("report.md"), &report.markdown())?;
    write(out.join("latency.svg"), &chart::latency(&report.relay.runs))?;
    report.update_benchmarks_md()?;
    step(&format!(
        "bench done in {} s: bench/report.md, bench/report.json, bench/latency.svg",
        started.elapsed().as_secs()
    ));
    println!("{}", report.budgets_table());
    let exceeded: Vec<&Budget> = report.budgets.iter().filter(|b| !b.ok).collect();
    if check && !exceeded.is_empty() {
        let names: Vec<&str> = exceeded.iter().map(|b| b.name.as_str()).collect();
        return Err(Error::Check(format!(
            "budgets exceeded: {}",
            names.join("; ")
        )));
    }
    Ok(())
}

fn write(path: PathBuf, text: &str) -> Result<(), Error> {
    std::fs::write(&path, text).map_err(io(format!("writing {}", path.display())))
}
