//! The relay under load: K conversations (one visitor and one operator
//! socket each) where each visitor sends M messages, one after the other
//! (the next once the operator has the previous), against Charla's edge on
//! local workerd (persisting every message), a Socket.IO room relay on Node
//! that stores every message in SQLite before relaying it (the honest peer),
//! the same relay storing nothing, and a bare Rust WebSocket relay (the
//! floor). For each: latency, throughput, and the CPU time the server's
//! processes spent per relayed message. Then 1,000 idle conversations: the
//! memory they hold, and whether Charla's objects hibernate.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use charla_shared::ids::{ClientMsgId, Seq};
use charla_shared::logs::CONVERSATION_STARTED;
use charla_shared::protocol::{ClientFrame, ServerFrame};
use charla_shared::routes;
use charla_tests::client::Api;
use charla_tests::edge::{stop_group, test_edge, LocalEdge};
use charla_tests::paths;
use charla_tests::seed::{DEMO_CHANNEL, DEMO_EMAIL, DEMO_PASSWORD};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::profile::{breakdown, Breakdown, Profiler};
use crate::cmd::{io, step, Error};

/// Rate limits off: one machine is one address for thousands of sockets.
pub const UNLIMITED: &[(&str, &str)] = &[("VISITOR_BURST", "0"), ("ADDRESS_BURST", "0")];

/// (conversations, messages each).
const SCENARIOS: [(usize, usize); 3] = [(10, 50), (100, 20), (1_000, 5)];

/// How long to leave 1,000 conversations idle (workerd hibernates an object
/// about ten seconds after its last event).
const IDLE: Duration = Duration::from_secs(20);

/// What the worker's own workerd process and wrangler's proxy in front of
/// it are called in the report.
const WORKER: &str = "the worker";
const PROXY: &str = "wrangler's proxy";

/// One server under one load.
#[derive(Debug, Clone, Serialize)]
pub struct RelayRun {
    /// Which server.
    pub server: &'static str,
    /// Conversations at once.
    pub conversations: usize,
    /// Messages each visitor sent.
    pub messages_each: usize,
    /// Visitor-to-operator latency percentiles, ms.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Messages relayed per second.
    pub messages_per_second: f64,
    /// CPU time the server's processes spent (user and system, all threads)
    /// per relayed message, ms.
    pub cpu_ms_per_message: f64,
    /// Peak resident memory of the server process(es), MB.
    pub peak_rss_mb: f64,
    /// Messages that did not arrive within 10 s.
    pub lost: usize,
}

/// 1,000 conversations connected and quiet.
#[derive(Debug, Clone, Serialize)]
pub struct IdleRun {
    /// Which server.
    pub server: &'static str,
    /// Conversations (two sockets each).
    pub conversations: usize,
    /// Resident memory once the server started, before any conversation, MB.
    pub rss_start_mb: f64,
    /// Resident memory right after the load, MB.
    pub rss_busy_mb: f64,
    /// Resident memory after sitting idle, MB.
    pub rss_idle_mb: f64,
    /// The same per process, largest first, with what each is: `wrangler
    /// dev` runs the worker in one workerd process and its proxy in front
    /// of it in another.
    pub rss_idle_each_mb: Vec<(&'static str, f64)>,
    /// For Charla: of the conversations woken after the idle time, how many
    /// objects had to start again (evicted while their sockets stayed open).
    pub woken_after_hibernation: Option<String>,
    /// Resident memory once every client closed its sockets and another
    /// idle time passed, MB: what the server gives back when nobody is left.
    pub rss_left_mb: f64,
    /// For Charla: where the worker's process keeps its resident memory,
    /// by kind of mapping, while idle and after the clients left.
    pub worker_mappings: Vec<Mapped>,
}

/// Resident memory of one kind of mapping in a process (`/proc/PID/smaps`).
#[derive(Debug, Clone, Serialize)]
pub struct Mapped {
    /// What the mappings are.
    pub kind: String,
    /// How many mappings of that kind, while idle.
    pub mappings: usize,
    /// Resident in them while idle, MB.
    pub idle_mb: f64,
    /// Resident in them after the clients left, MB.
    pub left_mb: f64,
}

/// The relay benchmarks.
#[derive(Debug, Clone, Serialize)]
pub struct Relay {
    /// Under load.
    pub runs: Vec<RelayRun>,
    /// Idle.
    pub idle: Vec<IdleRun>,
}

/// Runs every scenario against every server.
pub async fn measure() -> Result<Relay, Error> {
    let mut runs = Vec::new();
    let mut idle = Vec::new();
    for kind in [
        Kind::Floor,
        Kind::SocketIo,
        Kind::SocketIoStored,
        Kind::Charla,
        Kind::CharlaProxied,
    ] {
        for (k, m) in SCENARIOS {
            step(&format!(
                "relay: {} with {k} conversations × {m} messages",
                kind.name()
            ));
            let server = Server::start(kind).await?;
            let rss_start = rss_mb(&server.pids());
            // No inspector is attached here: at 1,000 conversations an
            // attached one (even idle) slowed the worker by half and grew
            // wrangler's proxy process by 600 MB.
            let pairs = server.pairs(k).await?;
            let sampler = Sampler::start(server.pids());
            let cpu_before = cpu_seconds(&server.pids());
            let (latencies, elapsed, lost) = load(&pairs, m).await;
            let cpu = cpu_seconds(&server.pids()) - cpu_before;
            let peak = sampler.stop();
            let mut sorted = latencies.clone();
            sorted.sort_by(|a, b| a.total_cmp(b));
            runs.push(RelayRun {
                server: kind.name(),
                conversations: k,
                messages_each: m,
                p50_ms: percentile(&sorted, 0.50),
                p95_ms: percentile(&sorted, 0.95),
                p99_ms: percentile(&sorted, 0.99),
                messages_per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
                cpu_ms_per_message: cpu * 1000.0 / latencies.len().max(1) as f64,
                peak_rss_mb: peak,
                lost,
            });
            if k == 1_000 {
                idle.push(server.idle(pairs, m, rss_start).await?);
            } else {
                drop(pairs);
            }
            drop(server);
        }
    }
    Ok(Relay { runs, idle })
}

/// What one profiled run of Charla's relay found.
#[derive(Debug, Clone)]
pub struct Profiled {
    /// Conversations at once.
    pub conversations: usize,
    /// Messages each visitor sent.
    pub messages_each: usize,
    /// Messages relayed while sampling.
    pub messages: usize,
    /// Messages that took longer than the bench's 10 s.
    pub lost: usize,
    /// CPU time workerd spent per relayed message while sampling, ms (the
    /// sampling itself adds to it).
    pub cpu_ms_per_message: f64,
    /// Where workerd's time went under the load.
    pub breakdown: Breakdown,
    /// The profile of the load itself, for DevTools.
    pub profile: serde_json::Value,
    /// Where workerd's time went while the conversations were opened (each
    /// created, both sockets joined), and its profile.
    pub opening: (Breakdown, serde_json::Value),
}

/// Charla's relay under the bench's load with `conversations` conversations
/// while workerd's V8 inspector samples its isolate. Messages that took too
/// long are counted, not an error: the profile shows why.
pub async fn profile(conversations: usize) -> Result<Profiled, Error> {
    let Some(&(k, m)) = SCENARIOS.iter().find(|(k, _)| *k == conversations) else {
        return Err(Error::Check(format!(
            "the bench runs {:?} conversations, not {conversations}",
            SCENARIOS.map(|(k, _)| k)
        )));
    };
    step(&format!(
        "profiling Charla's relay with {k} conversations × {m} messages"
    ));
    let server = Server::start(Kind::Charla).await?;
    let Server::Charla { edge, .. } = &server else {
        return Err(Error::Check("not Charla's edge".into()));
    };
    // Attached before the conversations open: an isolate still busy with
    // their work answers the inspector only when it is done.
    let mut profiler = Profiler::attach(edge.inspector_port()).await?;
    profiler.start().await?;
    let pairs = server.pairs(k).await?;
    step("conversations open; waiting for the isolate to finish their work");
    let opening = profiler.stop().await?;
    step("relaying");
    profiler.start().await?;
    let cpu_before = cpu_seconds(&server.pids());
    let (latencies, _, lost) = load(&pairs, m).await;
    let cpu = cpu_seconds(&server.pids()) - cpu_before;
    let profile = profiler.stop().await?;
    Ok(Profiled {
        conversations: k,
        messages_each: m,
        messages: latencies.len(),
        lost,
        cpu_ms_per_message: cpu * 1000.0 / latencies.len().max(1) as f64,
        breakdown: breakdown(&profile)?,
        profile,
        opening: (breakdown(&opening)?, opening),
    })
}

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Clients connect to the worker's own workerd process, as they reach
    /// the worker on Cloudflare.
    Charla,
    /// Clients connect through `wrangler dev`'s proxy, a second workerd
    /// process that forwards every request and frame to the worker's.
    CharlaProxied,
    SocketIo,
    SocketIoStored,
    Floor,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Charla => CHARLA,
            Kind::CharlaProxied => "Charla through wrangler dev's proxy (workerd, stored)",
            Kind::SocketIo => "Socket.IO (Node, not stored)",
            Kind::SocketIoStored => STORED_SOCKET_IO,
            Kind::Floor => "Rust tokio relay (floor)",
        }
    }

    /// Whether it speaks Socket.IO (Engine.IO pings, `42[…]` events).
    fn socket_io(self) -> bool {
        matches!(self, Kind::SocketIo | Kind::SocketIoStored)
    }
}

/// The name of Charla's runs that the budgets hold.
pub const CHARLA: &str = "Charla (workerd, stored)";

/// The name of the storing Socket.IO relay, which Charla's throughput is
/// held to.
pub const STORED_SOCKET_IO: &str = "Socket.IO + SQLite (Node, stored)";

/// A running server.
enum Server {
    Charla {
        kind: Kind,
        edge: LocalEdge,
        _state: TempDir,
        api: Arc<Api>,
        cookie: String,
        /// `ws://127.0.0.1:PORT` of the worker's process or of the proxy.
        ws_base: String,
    },
    Process {
        kind: Kind,
        child: Child,
        port: u16,
        /// Where the storing relay keeps its database.
        _state: Option<TempDir>,
    },
}

type Sink = Arc<Mutex<SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Ws>>>;
type Source = SplitStream<WebSocketStream<MaybeTlsStream<TcpStream>>>;

/// One conversation's two sockets.
struct Pair {
    kind: Kind,
    room: String,
    visitor: Sink,
    operator: Mutex<Source>,
    /// Answers pings on the operator socket while reading it.
    operator_sink: Sink,
    /// Reads (and answers pings on) the visitor's socket, which also
    /// receives acknowledgements and echoes.
    drain: tokio::task::JoinHandle<()>,
    /// The next Socket.IO acknowledgement id.
    acks: AtomicU64,
}

impl Drop for Pair {
    fn drop(&mut self) {
        self.drain.abort();
    }
}

impl Server {
    async fn start(kind: Kind) -> Result<Server, Error> {
        match kind {
            Kind::Charla | Kind::CharlaProxied => {
                let (edge, state) = test_edge(UNLIMITED)?;
                let addr = match kind {
                    Kind::Charla => format!("127.0.0.1:{}", worker_port(&edge)?),
                    _ => edge.addr().to_string(),
                };
                let api = Api::at(&format!("http://{addr}"));
                let cookie = api.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
                Ok(Server::Charla {
                    kind,
                    edge,
                    _state: state,
                    api: Arc::new(api),
                    cookie,
                    ws_base: format!("ws://{addr}"),
                })
            }
            Kind::SocketIo => {
                let port = free_port()?;
                let mut command = Command::new("node");
                command
                    .arg(paths::root().join("xtask/assets/socketio-relay.cjs"))
                    .arg(port.to_string());
                Ok(Server::Process {
                    kind,
                    child: spawn_ready(command)?,
                    port,
                    _state: None,
                })
            }
            Kind::SocketIoStored => {
                let dir = stored_relay()?;
                let state = tempfile::tempdir().map_err(io("creating the relay's state"))?;
                let port = free_port()?;
                let mut command = Command::new("node");
                command
                    .arg(dir.join("relay.cjs"))
                    .arg(port.to_string())
                    .arg(state.path());
                Ok(Server::Process {
                    kind,
                    child: spawn_ready(command)?,
                    port,
                    _state: Some(state),
                })
            }
            Kind::Floor => {
                let port = free_port()?;
                let mut command =
                    Command::new(std::env::current_exe().map_err(io("finding xtask"))?);
                command.args(["floor-relay", "--port", &port.to_string()]);
                Ok(Server::Process {
                    kind,
                    child: spawn_ready(command)?,
                    port,
                    _state: None,
                })
            }
        }
    }

    /// The processes whose memory and CPU time count: workerd for Charla
    /// (not wrangler's Node), the server process otherwise.
    fn pids(&self) -> Vec<u32> {
        self.roles().into_iter().map(|(pid, _)| pid).collect()
    }

    /// The processes of [`Server::pids`] with what each is.
    fn roles(&self) -> Vec<(u32, &'static str)> {
        match self {
            Server::Charla { edge, .. } => workerd_roles(edge),
            Server::Process { child, .. } => vec![(child.id(), "server")],
        }
    }

    /// Opens `count` conversations, both sockets joined before returning.
    async fn pairs(&self, count: usize) -> Result<Vec<Pair>, Error> {
        let mut pairs = Vec::with_capacity(count);
        // A few at a time: a thousand connections at once would measure the
        // accept queue, not the relay.
        for chunk in (0..count).collect::<Vec<_>>().chunks(25) {
            let opened = futures_util::future::join_all(chunk.iter().map(|&i| self.pair(i))).await;
            for pair in opened {
                pairs.push(pair?);
            }
        }
        Ok(pairs)
    }

    async fn pair(&self, i: usize) -> Result<Pair, Error> {
        match self {
            Server::Charla {
                kind,
                api,
                cookie,
                ws_base,
                ..
            } => {
                let api = api.clone();
                let created =
                    tokio::task::spawn_blocking(move || api.create_conversation(DEMO_CHANNEL))
                        .await
                        .map_err(|e| Error::Check(e.to_string()))?;
                let path = |token| {
                    let path = routes::conversation_socket(&created.conversation, Seq(0), token);
                    format!("{ws_base}{path}")
                };
                let visitor = connect(&path(Some(&created.token)), None).await?;
                let operator = connect(&path(None), Some(cookie)).await?;
                let pair = Pair::new(*kind, created.conversation.to_string(), visitor, operator);
                // Joined once the operator has its history.
                pair.wait_operator(|text| {
                    matches!(
                        ServerFrame::decode(text),
                        Ok(ServerFrame::History { more: false, .. })
                    )
                })
                .await?;
                Ok(pair)
            }
            Server::Process { kind, port, .. } => {
                let room = format!("room-{i}");
                match kind {
                    Kind::Floor => {
                        // The relay says "ready" once a socket is in its room.
                        let url = format!("ws://127.0.0.1:{port}/{room}");
                        let mut operator = connect(&url, None).await?;
                        expect_text(&mut operator, "ready").await?;
                        let mut visitor = connect(&url, None).await?;
                        expect_text(&mut visitor, "ready").await?;
                        Ok(Pair::new(Kind::Floor, room, visitor, operator))
                    }
                    _ => {
                        let url =
                            format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
                        let mut sockets = Vec::new();
                        for _ in 0..2 {
                            let mut socket = connect(&url, None).await?;
                            socketio_join(&mut socket, &room).await?;
                            sockets.push(socket);
                        }
                        let operator = sockets.pop().expect("two sockets");
                        let visitor = sockets.pop().expect("two sockets");
                        Ok(Pair::new(*kind, room, visitor, operator))
                    }
                }
            }
        }
    }

    /// Leaves the conversations idle, then measures what they hold; then
    /// closes every client's sockets and measures what is left.
    async fn idle(&self, pairs: Vec<Pair>, m: usize, rss_start: f64) -> Result<IdleRun, Error> {
        step("relay: 1,000 idle conversations");
        let rss_busy = rss_mb(&self.pids());
        tokio::time::sleep(IDLE).await;
        let rss_idle = rss_mb(&self.pids());
        let worker = self
            .roles()
            .into_iter()
            .find(|(_, role)| *role == WORKER)
            .map(|(pid, _)| pid);
        let mapped_idle = worker.map(resident_by_mapping).unwrap_or_default();
        let mut rss_idle_each: Vec<(&'static str, f64)> = self
            .roles()
            .into_iter()
            .map(|(pid, role)| (role, rss_mb(&[pid])))
            .collect();
        rss_idle_each.sort_by(|a, b| b.1.total_cmp(&a.1));
        let woken = match self {
            Server::Charla { edge, .. } => {
                let before = edge.log().matches(CONVERSATION_STARTED).count();
                let sample = &pairs[..50];
                for (n, pair) in sample.iter().enumerate() {
                    pair.exchange(&format!("idle{n}m{m}")).await;
                }
                let started = edge.log().matches(CONVERSATION_STARTED).count() - before;
                Some(format!(
                    "{started} of {} objects started again",
                    sample.len()
                ))
            }
            Server::Process { .. } => None,
        };
        let conversations = pairs.len();
        drop(pairs);
        tokio::time::sleep(IDLE).await;
        let rss_left = rss_mb(&self.pids());
        let mapped_left = worker.map(resident_by_mapping).unwrap_or_default();
        let kinds: std::collections::BTreeSet<&String> =
            mapped_idle.keys().chain(mapped_left.keys()).collect();
        let mb = |found: Option<&(usize, u64)>| found.map_or(0.0, |(_, kb)| *kb as f64 / 1024.0);
        let worker_mappings = kinds
            .into_iter()
            .map(|kind| Mapped {
                kind: kind.clone(),
                mappings: mapped_idle.get(kind).map_or(0, |(count, _)| *count),
                idle_mb: mb(mapped_idle.get(kind)),
                left_mb: mb(mapped_left.get(kind)),
            })
            .collect();
        Ok(IdleRun {
            server: match self {
                Server::Charla { kind, .. } => kind.name(),
                Server::Process { kind, .. } => kind.name(),
            },
            conversations,
            rss_start_mb: rss_start,
            rss_busy_mb: rss_busy,
            rss_idle_mb: rss_idle,
            rss_idle_each_mb: rss_idle_each,
            woken_after_hibernation: woken,
            rss_left_mb: rss_left,
            worker_mappings,
        })
    }
}

impl Drop for Server {
    /// Stops the server, also when a run fails half-way.
    fn drop(&mut self) {
        match self {
            Server::Charla { edge, .. } => edge.stop(),
            Server::Process { child, .. } => stop_group(child),
        }
    }
}

impl Pair {
    fn new(
        kind: Kind,
        room: String,
        visitor: WebSocketStream<MaybeTlsStream<TcpStream>>,
        operator: WebSocketStream<MaybeTlsStream<TcpStream>>,
    ) -> Pair {
        let (visitor_tx, mut visitor_rx) = visitor.split();
        let (operator_tx, operator_rx) = operator.split();
        let visitor: Sink = Arc::new(Mutex::new(visitor_tx));
        let answer = visitor.clone();
        let drain = tokio::spawn(async move {
            while let Some(Ok(frame)) = visitor_rx.next().await {
                if kind.socket_io() && frame.to_text().is_ok_and(|t| t == "2") {
                    let _ = answer.lock().await.send(Ws::text("3")).await;
                }
            }
        });
        Pair {
            kind,
            room,
            visitor,
            operator: Mutex::new(operator_rx),
            operator_sink: Arc::new(Mutex::new(operator_tx)),
            drain,
            acks: AtomicU64::new(0),
        }
    }

    /// Sends one message as the visitor and waits for the operator to get
    /// it; the latency, or `None` if it did not arrive within 10 s.
    async fn exchange(&self, id: &str) -> Option<f64> {
        let frame = match self.kind {
            Kind::Charla | Kind::CharlaProxied => ClientFrame::Send {
                id: ClientMsgId::parse(id).ok()?,
                text: "How much is shipping to Lisbon?".into(),
            }
            .encode(),
            Kind::Floor => id.to_owned(),
            Kind::SocketIo => format!(r#"42["msg","{}",{{"id":"{id}"}}]"#, self.room),
            // With an acknowledgement id: the relay answers once stored.
            Kind::SocketIoStored => {
                let ack = self.acks.fetch_add(1, Ordering::Relaxed);
                format!(r#"42{ack}["msg","{}",{{"id":"{id}"}}]"#, self.room)
            }
        };
        let sent = Instant::now();
        self.visitor.lock().await.send(Ws::text(frame)).await.ok()?;
        let kind = self.kind;
        let arrived = self.wait_operator(|text| carries(kind, text, id)).await;
        arrived.ok().map(|()| sent.elapsed().as_secs_f64() * 1000.0)
    }

    /// Reads the operator's socket until `done` says so (10 s at most).
    async fn wait_operator(&self, done: impl Fn(&str) -> bool) -> Result<(), Error> {
        let mut operator = self.operator.lock().await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let frame = tokio::time::timeout_at(deadline, operator.next())
                .await
                .map_err(|_| Error::Check("no answer within 10 s".into()))?;
            let Some(Ok(frame)) = frame else {
                return Err(Error::Check("the socket closed".into()));
            };
            let Ok(text) = frame.to_text() else { continue };
            if self.kind.socket_io() && text == "2" {
                let _ = self.operator_sink.lock().await.send(Ws::text("3")).await;
                continue;
            }
            if done(text) {
                return Ok(());
            }
        }
    }
}

/// Every pair sends `m` messages one after the other, all pairs at once;
/// (latencies, elapsed, lost).
async fn load(pairs: &[Pair], m: usize) -> (Vec<f64>, Duration, usize) {
    let started = Instant::now();
    let results =
        futures_util::future::join_all(pairs.iter().enumerate().map(|(k, pair)| async move {
            let mut latencies = Vec::with_capacity(m);
            for n in 0..m {
                latencies.push(pair.exchange(&format!("k{k}m{n}")).await);
            }
            latencies
        }))
        .await;
    let elapsed = started.elapsed();
    let all: Vec<Option<f64>> = results.into_iter().flatten().collect();
    let lost = all.iter().filter(|l| l.is_none()).count();
    (all.into_iter().flatten().collect(), elapsed, lost)
}

/// Whether a frame on the operator's socket is the message `id`.
fn carries(kind: Kind, text: &str, id: &str) -> bool {
    match kind {
        // A real client decodes every frame, so the benchmark does too.
        Kind::Charla | Kind::CharlaProxied => matches!(
            ServerFrame::decode(text),
            Ok(ServerFrame::Message { message }) if message.id.as_str() == id
        ),
        Kind::Floor => text == id,
        Kind::SocketIo | Kind::SocketIoStored => {
            text.strip_prefix("42[\"msg\",{\"id\":\"")
                .and_then(|rest| rest.split('"').next())
                == Some(id)
        }
    }
}

async fn connect(
    url: &str,
    cookie: Option<&str>,
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, Error> {
    let mut request = url
        .into_client_request()
        .map_err(|e| Error::Check(e.to_string()))?;
    if let Some(cookie) = cookie {
        request.headers_mut().insert(
            "cookie",
            HeaderValue::from_str(cookie).map_err(|e| Error::Check(e.to_string()))?,
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
        .map_err(|e| Error::Check(format!("connecting to {url}: {e}")))
}

async fn expect_text(
    socket: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
    expected: &str,
) -> Result<(), Error> {
    match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
        Ok(Some(Ok(frame))) if frame.to_text().is_ok_and(|t| t == expected) => Ok(()),
        other => Err(Error::Check(format!(
            "expected {expected:?}, got {other:?}"
        ))),
    }
}

/// The Engine.IO handshake, the namespace connect and a join with an ack,
/// so the socket is in the room before any message is sent.
async fn socketio_join(
    socket: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
    room: &str,
) -> Result<(), Error> {
    let open = next_text(socket).await?;
    if !open.starts_with('0') {
        return Err(Error::Check(format!("socket.io open: {open}")));
    }
    // The namespace must be connected before anything is emitted on it.
    socket
        .send(Ws::text("40"))
        .await
        .map_err(|e| Error::Check(e.to_string()))?;
    while !next_text(socket).await?.starts_with("40") {}
    socket
        .send(Ws::text(format!(r#"420["join","{room}"]"#)))
        .await
        .map_err(|e| Error::Check(e.to_string()))?;
    while !next_text(socket).await?.starts_with("430") {}
    Ok(())
}

async fn next_text(
    socket: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
) -> Result<String, Error> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
            Ok(Some(Ok(Ws::Text(text)))) => return Ok(text.to_string()),
            Ok(Some(Ok(_))) => continue,
            other => return Err(Error::Check(format!("socket.io: {other:?}"))),
        }
    }
}

/// Samples the resident memory of some processes until stopped; the peak.
struct Sampler {
    stop: Arc<AtomicBool>,
    peak_kb: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start(pids: Vec<u32>) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak_kb = Arc::new(AtomicU64::new(0));
        let (done, peak) = (stop.clone(), peak_kb.clone());
        let thread = std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kb(&pids), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Sampler {
            stop,
            peak_kb,
            thread,
        }
    }

    fn stop(self) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak_kb.load(Ordering::Relaxed) as f64 / 1024.0
    }
}

/// `wrangler dev`'s workerd processes and what each is: the one that
/// listens on the edge's port is wrangler's proxy, which forwards every
/// request and frame to the other, the worker's.
fn workerd_roles(edge: &LocalEdge) -> Vec<(u32, &'static str)> {
    let proxy = format!("127.0.0.1:{} ", edge.addr().port());
    edge.process_group()
        .map(|group| processes_in_group(group, "workerd"))
        .unwrap_or_default()
        .into_iter()
        .map(|pid| {
            let command = std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .unwrap_or_default()
                .replace('\0', " ");
            let role = if command.contains(&proxy) {
                PROXY
            } else {
                WORKER
            };
            (pid, role)
        })
        .collect()
}

/// The port on which the worker's own workerd process takes requests: of
/// the ports it listens on (`/proc/net/tcp`, matched to its sockets), the
/// one that answers the health check.
fn worker_port(edge: &LocalEdge) -> Result<u16, Error> {
    let Some((pid, _)) = workerd_roles(edge)
        .into_iter()
        .find(|(_, role)| *role == WORKER)
    else {
        return Err(Error::Check("no workerd process runs the worker".into()));
    };
    let sockets: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map_err(io("reading the worker's sockets"))?
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter_map(|link| {
            let link = link.to_string_lossy().into_owned();
            Some(link.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").map_err(io("reading /proc/net/tcp"))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .http_status_as_error(false)
        .build()
        .into();
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            // local address, state and inode: fields 2, 4 and 10; 0A is
            // LISTEN.
            let fields: Vec<&str> = line.split_whitespace().collect();
            let port = fields.get(1)?.rsplit(':').next()?;
            (fields.get(3) == Some(&"0A")
                && sockets.iter().any(|s| Some(&s.as_str()) == fields.get(9)))
            .then(|| u16::from_str_radix(port, 16).ok())
            .flatten()
        })
        .find(|port| {
            agent
                .get(format!("http://127.0.0.1:{port}{}", routes::HEALTH))
                .call()
                .is_ok_and(|response| response.status() == 200)
        })
        .ok_or_else(|| Error::Check("the worker's process answers on no port".into()))
}

/// CPU seconds (user and system) the processes have used so far, from
/// `/proc/PID/stat` (in clock ticks of 1/100 s, Linux's `USER_HZ`).
fn cpu_seconds(pids: &[u32]) -> f64 {
    let ticks: u64 = pids
        .iter()
        .filter_map(|pid| {
            // utime and stime: fields 14 and 15 of the line.
            let (_, fields) = proc_stat(*pid)?;
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .sum();
    ticks as f64 / 100.0
}

/// The storing relay's folder, its npm packages installed on first use
/// (better-sqlite3 compiles SQLite, so `cargo xtask test` does not carry it).
fn stored_relay() -> Result<std::path::PathBuf, Error> {
    let dir = paths::root().join("xtask/assets/stored-relay");
    if !dir.join("node_modules/better-sqlite3").exists() {
        step("installing the storing Socket.IO relay's packages (npm ci)");
        crate::tools::npm_ci(&dir)?;
    }
    Ok(dir)
}

fn rss_mb(pids: &[u32]) -> f64 {
    rss_kb(pids) as f64 / 1024.0
}

/// Resident memory of processes, from `/proc`.
fn rss_kb(pids: &[u32]) -> u64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .sum()
}

/// A process's resident memory by kind of mapping (`/proc/PID/smaps`):
/// how many mappings of each kind and their resident kB. Anonymous memory
/// is told apart by the size of its mapping: V8 reserves each WebAssembly
/// memory as a region of 8 GiB or more (the memory and its guard pages)
/// and its heap as a cage of 4 GiB; the C allocator takes its arenas in
/// regions of 64 MiB.
fn resident_by_mapping(pid: u32) -> std::collections::BTreeMap<String, (usize, u64)> {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    // (start, end, name, resident kB) of each mapping, in address order.
    let mut mappings: Vec<(u64, u64, &str, u64)> = Vec::new();
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or_default();
        if let Some((start, end)) = first.split_once('-').filter(|_| !first.ends_with(':')) {
            let address = |hex| u64::from_str_radix(hex, 16).unwrap_or(0);
            let name = fields.nth(4).unwrap_or_default();
            mappings.push((address(start), address(end), name, 0));
        } else if let Some(last) = mappings.last_mut().filter(|_| first == "Rss:") {
            last.3 += fields.next().and_then(|kb| kb.parse().ok()).unwrap_or(0);
        }
    }
    // A reservation whose parts were made accessible is split into several
    // adjacent anonymous mappings; they are counted as the one region.
    let mut regions: Vec<(u64, u64, &str, u64)> = Vec::new();
    for mapping in mappings {
        match regions.last_mut() {
            Some(region)
                if mapping.2.is_empty() && region.2.is_empty() && region.1 == mapping.0 =>
            {
                region.1 = mapping.1;
                region.3 += mapping.3;
            }
            _ => regions.push(mapping),
        }
    }
    let mut by_kind = std::collections::BTreeMap::new();
    for (start, end, name, kb) in regions {
        let entry = by_kind
            .entry(mapping_kind(name, end - start))
            .or_insert((0, 0));
        entry.0 += 1;
        entry.1 += kb;
    }
    by_kind
}

/// What a mapping (or a region of adjacent anonymous ones) named `name`
/// (as `/proc/PID/smaps` names it) of `bytes` bytes holds. Reservations of
/// a gigabyte or more are listed with their size and, where the size says
/// it, whose they are: V8's heap cage is 4 GiB, each WebAssembly memory
/// 8 GiB or more with its guard pages, and workerd's C++ allocator
/// (tcmalloc, linked into workerd) reserves 1 GiB at a time.
fn mapping_kind(name: &str, bytes: u64) -> String {
    const GIB: u64 = 1 << 30;
    let gib = bytes as f64 / GIB as f64;
    let kind = match name {
        "" if bytes >= GIB => {
            let whose = match gib {
                g if g >= 6.0 => " (WebAssembly memory)",
                g if (3.9..4.1).contains(&g) => " (V8's heap cage: the JavaScript heap)",
                g if g < 1.1 => " (the C++ allocator's: tcmalloc)",
                _ => "",
            };
            return format!("an anonymous reservation of {gib:.1} GiB{whose}");
        }
        "" if bytes >= 60 << 20 => {
            "anonymous, in regions of 60 MiB to 1 GiB (allocator arenas, V8 code range)"
        }
        "" => "anonymous, in smaller regions (allocations of their own, V8 pages, thread stacks)",
        "[heap]" => "the C heap ([heap])",
        "[stack]" => "the main thread's stack",
        name if name.ends_with("-shm") => "SQLite shared memory (-shm files)",
        name if name.ends_with("-wal") => "SQLite write-ahead logs (-wal files)",
        name if name.ends_with(".sqlite") => "SQLite databases (.sqlite files)",
        name if name.contains("workerd") => "workerd's program",
        name if name.starts_with('/') => "other files (shared libraries)",
        _ => "the kernel's ([vdso], [vvar])",
    };
    kind.to_owned()
}

/// Processes of a process group whose name contains `name`.
fn processes_in_group(group: u32, name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // The process group is field 5 of the line.
            proc_stat(*pid).is_some_and(|(comm, fields)| {
                fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(group)
                    && comm.contains(name)
            })
        })
        .collect()
}

/// A process's `/proc/PID/stat` line, `pid (comm) state …`: its command
/// name, and the fields after it (the third field of the line first). The
/// name may hold spaces and parentheses, so it ends at the last `)`.
fn proc_stat(pid: u32) -> Option<(String, Vec<String>)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let close = stat.rfind(')')?;
    let comm = stat[stat.find('(').map_or(0, |o| o + 1)..close].to_owned();
    let fields = stat[close + 1..]
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    Some((comm, fields))
}

/// Spawns a server in its own process group and waits for it to print
/// "ready".
fn spawn_ready(mut command: Command) -> Result<Child, Error> {
    command.stdout(Stdio::piped()).stderr(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(io("starting a relay"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::Check("no stdout".into()))?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(io("waiting for the relay"))?;
    if line.trim() == "ready" {
        Ok(child)
    } else {
        stop_group(&mut child);
        Err(Error::Check(format!(
            "the relay said {line:?} instead of ready"
        )))
    }
}

fn free_port() -> Result<u16, Error> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(io("finding a free port"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_reads_from_proc_with_its_group_and_cpu_time() {
        let (comm, fields) = proc_stat(std::process::id()).expect("a stat line");
        assert!(!comm.is_empty());
        let group: u32 = fields[2].parse().expect("a process group");
        assert!(processes_in_group(group, &comm).contains(&std::process::id()));
        assert!(cpu_seconds(&[std::process::id()]) >= 0.0);
    }

    #[test]
    fn resident_memory_by_mapping_adds_up_to_the_process_total() {
        let pid = std::process::id();
        let before = rss_kb(&[pid]);
        let mapped = resident_by_mapping(pid);
        let after = rss_kb(&[pid]);
        let total: u64 = mapped.values().map(|(_, kb)| kb).sum();
        assert!(
            total + total / 10 >= before.min(after) && total <= after.max(before) + after / 10,
            "{total} kB by mapping, {before}–{after} kB in all: {mapped:?}"
        );
        assert!(mapped.contains_key("the C heap ([heap])") || mapped.len() > 2);
        assert_eq!(
            mapping_kind("/tmp/do/abc.sqlite-shm", 32_768),
            "SQLite shared memory (-shm files)"
        );
        assert!(mapping_kind("", 10 << 30).contains("of 10.0 GiB (WebAssembly"));
        assert!(mapping_kind("", 4 << 30).contains("JavaScript heap"));
        assert!(mapping_kind("", 1 << 30).contains("tcmalloc"));
    }
}
