//! The benchmark report: the JSON, the Markdown tables, the budgets, and the
//! results section of BENCHMARKS.md.

use std::fmt::Write;

use charla_tests::paths;
use serde::Serialize;

use super::page::PageImpact;
use super::relay::{Relay, CHARLA, STORED_SOCKET_IO};
use super::weight::Setting;
use super::Budget;
use crate::cmd::{io, probe, Error};
use crate::size::Weight;

/// Where BENCHMARKS.md's generated section starts and ends.
const START: &str = "<!-- results:start (written by cargo xtask bench) -->";
const END: &str = "<!-- results:end -->";

/// Half of the CPU time Charla's relay spent per message before it was
/// profiled and cut (about 1.3 ms of one core at 100 conversations, from
/// the runs up to `786bab2` in BENCHMARKS.md): the cuts must at least halve
/// it.
const CPU_PER_MESSAGE_MS: f64 = 0.65;

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// When (UTC).
    pub date: String,
    /// The commit measured (`+dirty` if the tree had changes).
    pub commit: String,
    /// What it ran on.
    pub machine: Machine,
    /// The widget's download.
    pub weight: Weight,
    /// The widget's WebAssembly code by crate (before wasm-opt), largest
    /// first.
    pub crates: Vec<(String, usize)>,
    /// What each build setting saved.
    pub settings: Vec<Setting>,
    /// The widget's cost to a page.
    pub page: PageImpact,
    /// The relay.
    pub relay: Relay,
    /// The budgets of BENCHMARKS.md.
    pub budgets: Vec<Budget>,
}

/// The machine a run used.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// CPU model.
    pub cpu: String,
    /// Cores available.
    pub cores: usize,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// Operating system.
    pub os: String,
    /// The browser measured with.
    pub browser: String,
}

impl Report {
    /// Puts a run together and checks it against the budgets.
    pub fn new(
        weight: Weight,
        crates: Vec<(String, usize)>,
        settings: Vec<Setting>,
        page: PageImpact,
        relay: Relay,
    ) -> Report {
        let loader = weight.files.first().map_or(0, |f| f.raw);
        let run = |server: &str, conversations: usize| {
            relay
                .runs
                .iter()
                .find(|r| r.server == server && r.conversations == conversations)
        };
        let charla_p95_100 = run(CHARLA, 100).map_or(f64::INFINITY, |r| r.p95_ms);
        // Charla's throughput as a share of the storing Socket.IO relay's.
        let against_stored = |conversations| match (
            run(CHARLA, conversations),
            run(STORED_SOCKET_IO, conversations),
        ) {
            (Some(charla), Some(peer)) if peer.messages_per_second > 0.0 => {
                charla.messages_per_second / peer.messages_per_second
            }
            _ => 0.0,
        };
        let charla_cpu_100 = run(CHARLA, 100).map_or(f64::INFINITY, |r| r.cpu_ms_per_message);
        let lost: usize = relay.runs.iter().map(|r| r.lost).sum();
        let budgets = vec![
            budget(
                "widget download, all files, gzip",
                60.0,
                "KB",
                weight.total.gzip as f64 / 1024.0,
            ),
            budget(
                "loader script (widget.js), raw",
                3.0,
                "KB",
                loader as f64 / 1024.0,
            ),
            budget(
                "Lighthouse performance points lost",
                1.0,
                "points",
                page.lighthouse.points_lost,
            ),
            budget(
                "Total Blocking Time added (Lighthouse)",
                20.0,
                "ms",
                page.lighthouse.tbt_added_ms,
            ),
            budget(
                "Charla relay p95 at 100 conversations",
                100.0,
                "ms",
                charla_p95_100,
            ),
            budget(
                "messages lost in the relay runs",
                0.0,
                "messages",
                lost as f64,
            ),
            at_least(
                "Charla relay msg/s ÷ the storing Socket.IO relay's, 10 conversations",
                1.0,
                "×",
                against_stored(10),
            ),
            at_least(
                "Charla relay msg/s ÷ the storing Socket.IO relay's, 100 conversations",
                1.0,
                "×",
                against_stored(100),
            ),
            budget(
                "Charla CPU per relayed message, 100 conversations",
                CPU_PER_MESSAGE_MS,
                "ms",
                charla_cpu_100,
            ),
        ];
        Report {
            date: today(),
            commit: commit(),
            machine: machine(),
            weight,
            crates,
            settings,
            page,
            relay,
            budgets,
        }
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let m = &self.machine;
        let _ = writeln!(
            md,
            "Run on {} at commit `{}` — {} ({} cores, {:.0} GiB), {}, {}.\n",
            self.date, self.commit, m.cpu, m.cores, m.memory_gib, m.os, m.browser
        );
        md += "#### Budgets\n\n";
        md += &self.budgets_table();
        md += "\n#### Widget download (before the first message)\n\n| file | raw | gzip | brotli |\n|---|---:|---:|---:|\n";
        for f in self.weight.files.iter().chain([&self.weight.total]) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                f.name,
                kb(f.raw),
                kb(f.gzip),
                kb(f.brotli)
            );
        }
        let code: usize = self.crates.iter().map(|(_, b)| b).sum();
        md += "\n#### The widget's WebAssembly code by crate (before wasm-opt)\n\n| crate | code | share |\n|---|---:|---:|\n";
        for (name, bytes) in self.crates.iter().take(15) {
            let _ = writeln!(
                md,
                "| {name} | {} | {:.0} % |",
                kb(*bytes),
                *bytes as f64 * 100.0 / code.max(1) as f64
            );
        }
        md += "\n#### What each release setting saves (the widget's WebAssembly)\n\n| setting | raw | gzip | gzip saved |\n|---|---:|---:|---:|\n";
        for s in &self.settings {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                s.name,
                kb(s.wasm_raw),
                kb(s.wasm_gzip),
                kb_signed(s.saved_gzip)
            );
        }
        let d = &self.page.direct;
        let l = &self.page.lighthouse;
        let _ = write!(
            md,
            "\n#### Cost to the page (demo page with and without the snippet)\n\n\
             | measure | without | with | added |\n|---|---:|---:|---:|\n\
             | Lighthouse performance score (median of {lr}) | {:.0} | {:.0} | {:+.0} |\n\
             | Lighthouse Total Blocking Time, ms | {:.0} | {:.0} | {:+.0} |\n\
             | blocking time in the first 5 s, ms (median of {dr}) | {:.0} | {:.0} | {:+.0} |\n\
             | chat button visible after, ms | | {:.0} | |\n",
            l.score_without,
            l.score_with,
            l.score_with - l.score_without,
            l.tbt_without_ms,
            l.tbt_with_ms,
            l.tbt_added_ms,
            d.blocking_without_ms,
            d.blocking_with_ms,
            d.blocking_added_ms,
            d.bubble_visible_ms,
            lr = l.runs,
            dr = d.runs,
        );
        let i = &self.page.isolation;
        let _ = write!(
            md,
            "\n#### Isolation: {} widget shells with the widget's stylesheet\n\n\
             | | time until styled, ms | JS heap added, KB |\n|---|---:|---:|\n\
             | shadow roots | {:.1} | {:.0} |\n| iframes | {:.1} | {:.0} |\n",
            i.count, i.shadow_ms, i.shadow_heap_kb, i.iframe_ms, i.iframe_heap_kb
        );
        md += "\n#### Relay: visitor → operator latency, closed loop\n\n\
               | server | conversations | messages each | p50 ms | p95 ms | p99 ms | msg/s | × floor msg/s | CPU ms per message | peak RSS MB | lost |\n\
               |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
        for r in &self.relay.runs {
            let floor = self
                .relay
                .runs
                .iter()
                .find(|f| f.server.contains("floor") && f.conversations == r.conversations)
                .map_or(0.0, |f| f.messages_per_second);
            let _ = writeln!(
                md,
                "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.0} | {:.2} | {:.3} | {:.0} | {} |",
                r.server,
                r.conversations,
                r.messages_each,
                r.p50_ms,
                r.p95_ms,
                r.p99_ms,
                r.messages_per_second,
                if floor > 0.0 {
                    r.messages_per_second / floor
                } else {
                    0.0
                },
                r.cpu_ms_per_message,
                r.peak_rss_mb,
                r.lost
            );
        }
        md += "\n![Latency percentiles per server and load](bench/latency.svg)\n";
        md += "\n#### 1,000 idle conversations (2,000 sockets)\n\n| server | RSS at start, MB | RSS after the load, MB | RSS after 20 s idle, MB | hibernation | RSS 20 s after the clients left, MB |\n|---|---:|---:|---:|---|---:|\n";
        for idle in &self.relay.idle {
            let each = match idle.rss_idle_each_mb.as_slice() {
                [_] | [] => String::new(),
                several => format!(
                    " ({})",
                    several
                        .iter()
                        .map(|(role, mb)| format!("{role} {mb:.0}"))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ),
            };
            let _ = writeln!(
                md,
                "| {} | {:.0} | {:.0} | {:.0}{each} | {} | {:.0} |",
                idle.server,
                idle.rss_start_mb,
                idle.rss_busy_mb,
                idle.rss_idle_mb,
                idle.woken_after_hibernation.as_deref().unwrap_or("—"),
                idle.rss_left_mb,
            );
        }
        for idle in self
            .relay
            .idle
            .iter()
            .filter(|i| !i.worker_mappings.is_empty())
        {
            let _ = writeln!(
                md,
                "\nWhere the worker's process keeps it ({}, from `/proc/PID/smaps`):\n\n| mappings | how many regions | resident while idle, MB | after the clients left, MB |\n|---|---:|---:|---:|",
                idle.server
            );
            let mut mapped = idle.worker_mappings.clone();
            mapped.sort_by(|a, b| b.idle_mb.total_cmp(&a.idle_mb));
            for m in mapped
                .iter()
                .filter(|m| m.idle_mb >= 0.5 || m.left_mb >= 0.5)
            {
                let _ = writeln!(
                    md,
                    "| {} | {} | {:.0} | {:.0} |",
                    m.kind, m.mappings, m.idle_mb, m.left_mb
                );
            }
        }
        md
    }

    /// The budgets as a Markdown table.
    pub fn budgets_table(&self) -> String {
        let mut md = String::from("| budget | limit | this run | |\n|---|---:|---:|---|\n");
        for b in &self.budgets {
            let _ = writeln!(
                md,
                "| {} | {} {} {} | {:.2} {} | {} |",
                b.name,
                if b.at_least { "≥" } else { "≤" },
                b.limit,
                b.unit,
                b.value,
                b.unit,
                if b.ok { "ok" } else { "**over**" }
            );
        }
        md
    }

    /// Replaces the results section of BENCHMARKS.md with this run.
    pub fn update_benchmarks_md(&self) -> Result<(), Error> {
        let path = paths::root().join("BENCHMARKS.md");
        let text = std::fs::read_to_string(&path).map_err(io("reading BENCHMARKS.md"))?;
        let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
            return Err(Error::Check("BENCHMARKS.md has no results markers".into()));
        };
        let updated = format!(
            "{}{START}\n\n{}\n{}",
            &text[..start],
            self.markdown(),
            &text[end..]
        );
        std::fs::write(&path, updated).map_err(io("writing BENCHMARKS.md"))
    }
}

/// A ceiling: `value` must stay at or below `limit`.
fn budget(name: &str, limit: f64, unit: &'static str, value: f64) -> Budget {
    Budget {
        name: name.into(),
        limit,
        unit,
        value,
        at_least: false,
        ok: value <= limit,
    }
}

/// A floor: `value` must reach `limit`.
fn at_least(name: &str, limit: f64, unit: &'static str, value: f64) -> Budget {
    Budget {
        at_least: true,
        ok: value >= limit,
        ..budget(name, limit, unit, value)
    }
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn kb_signed(bytes: i64) -> String {
    format!("{:+.1} KB", bytes as f64 / 1024.0)
}

/// Now, as the reports date their runs.
pub fn today() -> String {
    probe("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The commit measured, `+dirty` when the tree holds changes.
pub fn commit() -> String {
    let head = probe("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_default();
    let dirty = probe("git", &["status", "--porcelain"]).is_some_and(|s| !s.trim().is_empty());
    format!("{}{}", head.trim(), if dirty { "+dirty" } else { "" })
}

fn machine() -> Machine {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let field = |text: &str, key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_once([':', '=']))
            .map(|(_, v)| v.trim().trim_matches('"').to_owned())
            .unwrap_or_default()
    };
    let memory_kb: f64 = field(&read("/proc/meminfo"), "MemTotal")
        .trim_end_matches(" kB")
        .parse()
        .unwrap_or(0.0);
    Machine {
        cpu: field(&read("/proc/cpuinfo"), "model name"),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_gib: memory_kb / 1024.0 / 1024.0,
        os: field(&read("/etc/os-release"), "PRETTY_NAME"),
        browser: probe("chromium", &["--version"])
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}
