//! An SVG chart of the relay's latency percentiles: one panel per load,
//! one group of bars per server (p50, p95, p99).

use std::fmt::Write;

use super::relay::RelayRun;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 380.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 90.0;
const LEFT: f64 = 60.0;
const COLORS: [&str; 3] = ["#1f6f5c", "#5aa58f", "#b4dccf"];

/// The chart as an SVG document.
pub fn latency(runs: &[RelayRun]) -> String {
    let mut loads: Vec<usize> = runs.iter().map(|r| r.conversations).collect();
    loads.sort_unstable();
    loads.dedup();
    let mut servers: Vec<&str> = runs.iter().map(|r| r.server).collect();
    servers.dedup();
    let plot = HEIGHT - TOP - BOTTOM;
    // A log scale: the servers differ by orders of magnitude under load.
    let decades = runs
        .iter()
        .map(|r| r.p99_ms)
        .fold(10.0, f64::max)
        .log10()
        .ceil()
        .max(1.0);
    let height = |value: f64| plot * (value.max(1.0).log10() / decades).clamp(0.0, 1.0);
    let panel = (WIDTH - LEFT - 20.0) / loads.len().max(1) as f64;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="{LEFT}" y="24" font-size="15" font-weight="600">Visitor → operator latency (ms, log scale): p50, p95, p99 by server and number of conversations</text>
"##
    );
    for decade in 0..=(decades as i32) {
        let value = 10f64.powi(decade);
        let y = TOP + plot - height(value);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e1e4e8"/><text x="{}" y="{:.1}" text-anchor="end">{value:.0}</text>"##,
            WIDTH - 20.0,
            LEFT - 6.0,
            y + 4.0
        );
    }
    for (p, load) in loads.iter().enumerate() {
        let x0 = LEFT + panel * p as f64;
        let group = panel / (servers.len().max(1) as f64 + 1.0);
        let bar = group / 3.5;
        for (s, server) in servers.iter().enumerate() {
            let Some(run) = runs
                .iter()
                .find(|r| r.server == *server && r.conversations == *load)
            else {
                continue;
            };
            let gx = x0 + group * (s as f64 + 0.5);
            for (b, value) in [run.p50_ms, run.p95_ms, run.p99_ms].into_iter().enumerate() {
                let h = height(value);
                let _ = writeln!(
                    svg,
                    r##"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="{}"><title>{server}, {load} conversations, p{}: {value:.1} ms</title></rect>"##,
                    gx + bar * b as f64,
                    TOP + plot - h,
                    COLORS[b],
                    [50, 95, 99][b]
                );
            }
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"##,
                gx + bar * 1.5,
                TOP + plot + 14.0,
                short(server)
            );
        }
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="600">{load} conversations</text>"##,
            x0 + panel / 2.0,
            TOP + plot + 34.0
        );
    }
    for (b, label) in ["p50", "p95", "p99"].iter().enumerate() {
        let x = LEFT + 90.0 * b as f64;
        let y = HEIGHT - 24.0;
        let _ = writeln!(
            svg,
            r##"<rect x="{x}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{y}">{label}</text>"##,
            y - 10.0,
            COLORS[b],
            x + 16.0
        );
    }
    svg += "</svg>\n";
    svg
}

fn short(server: &str) -> &str {
    server.split(" (").next().unwrap_or(server)
}
