//! A CPU profile of Charla's relay under load, taken through workerd's V8
//! inspector (wrangler's inspector proxy): the Chrome DevTools protocol's
//! `Profiler` domain over a WebSocket. The worker and its conversation
//! objects run in one isolate under local workerd, so one profile holds the
//! whole message path, JavaScript glue and WebAssembly alike.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::cmd::Error;

/// How often V8 samples the stack, µs (its default is 1,000).
const SAMPLING_INTERVAL_US: u64 = 100;

/// How long the inspector may take to answer: an isolate answers only
/// between its events, so a backlog delays it.
const ANSWER_WITHIN: Duration = Duration::from_secs(300);

/// A profiling session on one isolate.
pub struct Profiler {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

/// Where the time went: self time by function, summed over the profile.
#[derive(Debug, Clone)]
pub struct Breakdown {
    /// Everything sampled, ms.
    pub total_ms: f64,
    /// (function, where it lives, self time in ms), largest first.
    pub functions: Vec<(String, String, f64)>,
}

impl Profiler {
    /// Attaches to the first target wrangler's inspector proxy lists.
    pub async fn attach(inspector_port: u16) -> Result<Profiler, Error> {
        let list = format!("http://127.0.0.1:{inspector_port}/json");
        let targets: Value = tokio::task::spawn_blocking(move || {
            ureq::get(&list)
                .call()
                .map_err(|e| Error::Check(format!("the inspector's target list: {e}")))?
                .body_mut()
                .read_to_string()
                .map_err(|e| Error::Check(format!("the inspector's target list: {e}")))
                .and_then(|text| {
                    serde_json::from_str::<Value>(&text)
                        .map_err(|e| Error::Check(format!("the inspector's target list: {e}")))
                })
        })
        .await
        .map_err(|e| Error::Check(e.to_string()))??;
        let url = targets
            .as_array()
            .and_then(|all| all.iter().find_map(|t| t["webSocketDebuggerUrl"].as_str()))
            .ok_or_else(|| Error::Check(format!("no inspector target in {targets}")))?
            .to_owned();
        let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .map_err(|e| Error::Check(format!("connecting to {url}: {e}")))?;
        let mut profiler = Profiler { socket, next_id: 0 };
        profiler.call("Profiler.enable", json!({})).await?;
        profiler
            .call(
                "Profiler.setSamplingInterval",
                json!({ "interval": SAMPLING_INTERVAL_US }),
            )
            .await?;
        Ok(profiler)
    }

    /// Starts sampling.
    pub async fn start(&mut self) -> Result<(), Error> {
        self.call("Profiler.start", json!({})).await.map(drop)
    }

    /// Stops sampling; the profile as V8 gives it (DevTools opens it as a
    /// `.cpuprofile` file).
    pub async fn stop(&mut self) -> Result<Value, Error> {
        let mut result = self.call("Profiler.stop", json!({})).await?;
        Ok(result["profile"].take())
    }

    /// Sends one command and waits for its answer, skipping events.
    async fn call(&mut self, method: &str, params: Value) -> Result<Value, Error> {
        self.next_id += 1;
        let id = self.next_id;
        let command = json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(Ws::text(command.to_string()))
            .await
            .map_err(|e| Error::Check(format!("{method}: {e}")))?;
        loop {
            let frame = tokio::time::timeout(ANSWER_WITHIN, self.socket.next())
                .await
                .map_err(|_| {
                    Error::Check(format!(
                        "{method}: no answer within {} s",
                        ANSWER_WITHIN.as_secs()
                    ))
                })?;
            let Some(Ok(Ws::Text(text))) = frame else {
                if matches!(frame, Some(Ok(_))) {
                    continue;
                }
                return Err(Error::Check(format!("{method}: the inspector closed")));
            };
            let mut answer: Value =
                serde_json::from_str(&text).map_err(|e| Error::Check(format!("{method}: {e}")))?;
            if answer["id"].as_u64() != Some(id) {
                continue;
            }
            if let Some(error) = answer.get("error") {
                return Err(Error::Check(format!("{method}: {error}")));
            }
            return Ok(answer["result"].take());
        }
    }
}

/// Self time per function: each sample's interval (the delta to the next
/// sample) goes to the function on top of the stack.
pub fn breakdown(profile: &Value) -> Result<Breakdown, Error> {
    let parsed: CpuProfile = serde_json::from_value(profile.clone())
        .map_err(|e| Error::Check(format!("reading the CPU profile: {e}")))?;
    let frames: HashMap<u64, &CallFrame> = parsed
        .nodes
        .iter()
        .map(|node| (node.id, &node.call_frame))
        .collect();
    let mut by_function: HashMap<(String, String), f64> = HashMap::new();
    let mut total = 0.0;
    for (i, node) in parsed.samples.iter().enumerate() {
        let micros = parsed.time_deltas.get(i + 1).copied().unwrap_or(0).max(0) as f64;
        total += micros;
        let Some(frame) = frames.get(node) else {
            continue;
        };
        let name = if frame.function_name.is_empty() {
            "(anonymous)".to_owned()
        } else {
            frame.function_name.clone()
        };
        let place = frame.url.rsplit('/').next().unwrap_or_default().to_owned();
        *by_function.entry((name, place)).or_default() += micros / 1000.0;
    }
    let mut functions: Vec<(String, String, f64)> = by_function
        .into_iter()
        .map(|((name, place), ms)| (name, place, ms))
        .collect();
    functions.sort_by(|a, b| b.2.total_cmp(&a.2));
    Ok(Breakdown {
        total_ms: total / 1000.0,
        functions,
    })
}

impl Breakdown {
    /// The largest `count` functions as a Markdown table, with each one's
    /// time per `unit` (a relayed message, an opened conversation) of which
    /// there were `units`.
    pub fn markdown(&self, units: usize, unit: &str, count: usize) -> String {
        let busy: f64 = self
            .functions
            .iter()
            .filter(|(name, ..)| name != "(idle)")
            .map(|(.., ms)| ms)
            .sum();
        let mut md = format!(
            "Sampled {:.0} ms, of which {:.0} ms busy, over {units} × {unit}: \
             {:.0} µs busy per {unit}.\n\n\
             | function | where | self ms | µs per {unit} | share of busy |\n\
             |---|---|---:|---:|---:|\n",
            self.total_ms,
            busy,
            busy * 1000.0 / units.max(1) as f64
        );
        for (name, place, ms) in self
            .functions
            .iter()
            .filter(|(name, ..)| name != "(idle)")
            .take(count)
        {
            let _ = writeln!(
                md,
                "| `{}` | {} | {:.1} | {:.1} | {:.1} % |",
                name.replace('|', "\\|"),
                place,
                ms,
                ms * 1000.0 / units.max(1) as f64,
                ms * 100.0 / busy.max(f64::MIN_POSITIVE)
            );
        }
        md
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CpuProfile {
    nodes: Vec<Node>,
    #[serde(default)]
    samples: Vec<u64>,
    #[serde(default)]
    time_deltas: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    id: u64,
    call_frame: CallFrame,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallFrame {
    function_name: String,
    #[serde(default)]
    url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_time_goes_to_the_top_of_the_stack_for_the_interval_that_follows() {
        let profile = json!({
            "nodes": [
                {"id": 1, "callFrame": {"functionName": "(root)", "url": ""}},
                {"id": 2, "callFrame": {"functionName": "fetch", "url": "file:///w/shim.js"}},
                {"id": 3, "callFrame": {"functionName": "(idle)", "url": ""}},
            ],
            "samples": [2, 2, 3, 2],
            "timeDeltas": [0, 1000, 3000, 2000],
        });
        let found = breakdown(&profile).expect("a profile");
        assert_eq!(found.total_ms, 6.0);
        assert_eq!(
            found.functions,
            vec![
                ("fetch".to_owned(), "shim.js".to_owned(), 4.0),
                ("(idle)".to_owned(), String::new(), 2.0),
            ]
        );
        let md = found.markdown(2, "message", 10);
        assert!(md.contains("4 ms busy"), "{md}");
        assert!(md.contains("2000 µs busy per message"), "{md}");
        assert!(
            md.contains("| `fetch` | shim.js | 4.0 | 2000.0 | 100.0 % |"),
            "{md}"
        );
        assert!(!md.contains("(idle)"), "{md}");
    }
}
