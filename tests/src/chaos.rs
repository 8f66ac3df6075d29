//! Faults between clients and the edge, and a client that survives them.
//!
//! [`FaultyProxy`] sits between WebSocket clients and the edge and, frame by
//! frame, delays, duplicates, or cuts the connection (before or after
//! passing the frame on). [`ChaosClient`] is a participant driven by the same
//! `ChatLog` the widget and the console use: it reconnects, asks for what it
//! missed, and resends its outbox, so a test can check that nothing is lost,
//! duplicated or reordered whatever the proxy does.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use charla_shared::chat::ChatLog;
use charla_shared::ids::{ClientMsgId, Seq};
use charla_shared::protocol::{ClientFrame, ServerFrame};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// What the proxy does to each frame.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// Chance that the connection is cut at a frame.
    pub drop: f64,
    /// Chance that a frame is passed on twice.
    pub duplicate: f64,
    /// Each frame waits up to this long (order is kept).
    pub max_delay_ms: u64,
}

/// What the proxy did.
#[derive(Debug, Default)]
pub struct FaultStats {
    /// Client connections accepted.
    pub connections: AtomicU64,
    /// Frames passed on.
    pub frames: AtomicU64,
    /// Frames passed on twice.
    pub duplicates: AtomicU64,
    /// Connections cut.
    pub drops: AtomicU64,
}

/// A fault-injecting WebSocket proxy in front of the edge.
pub struct FaultyProxy {
    addr: SocketAddr,
    stats: Arc<FaultStats>,
    task: JoinHandle<()>,
}

impl FaultyProxy {
    /// Listens on a free port and forwards to `upstream` (`ws://host:port`).
    pub async fn start(upstream: String, faults: Faults, seed: u64) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(FaultStats::default());
        let counters = stats.clone();
        let task = tokio::spawn(async move {
            let mut n = 0u64;
            while let Ok((stream, _)) = listener.accept().await {
                n += 1;
                counters.connections.fetch_add(1, Ordering::Relaxed);
                let rng = Rng::new(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                tokio::spawn(relay(
                    stream,
                    upstream.clone(),
                    faults,
                    counters.clone(),
                    rng,
                ));
            }
        });
        Ok(FaultyProxy { addr, stats, task })
    }

    /// `ws://127.0.0.1:PORT`, to use instead of the edge's.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// What it has done so far.
    pub fn stats(&self) -> &FaultStats {
        &self.stats
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A participant that sends a planned list of messages and keeps reading
/// until it holds `expect` messages with nothing missing, reconnecting
/// through every fault.
pub struct ChaosClient {
    url: Box<dyn Fn(Seq) -> String + Send>,
    cookie: Option<String>,
    log: ChatLog,
    plan: VecDeque<(ClientMsgId, String)>,
    expect: u64,
    /// Most messages in flight (sent, not acknowledged) at once.
    window: usize,
}

impl ChaosClient {
    /// A participant connecting to `url(after)`, with a cookie if an operator.
    pub fn new(
        url: impl Fn(Seq) -> String + Send + 'static,
        cookie: Option<String>,
        plan: Vec<(ClientMsgId, String)>,
        expect: u64,
    ) -> Self {
        ChaosClient {
            url: Box::new(url),
            cookie,
            log: ChatLog::new(),
            plan: plan.into(),
            expect,
            window: 16,
        }
    }

    /// Runs until done; `progress` follows the highest gap-free `seq` held.
    pub async fn run(mut self, progress: Arc<AtomicU64>) -> ChatLog {
        // Like the widget: back off after every drop, and count a
        // connection as good only once a frame has come through it.
        let mut failures = 0u32;
        while !self.done() {
            let mut request = (self.url)(self.log.frontier())
                .into_client_request()
                .expect("test URLs are valid");
            if let Some(cookie) = &self.cookie {
                request.headers_mut().insert(
                    "cookie",
                    HeaderValue::from_str(cookie).expect("cookies are header-safe"),
                );
            }
            if let Ok((socket, _)) = tokio_tungstenite::connect_async(request).await {
                if self.session(socket, &progress).await {
                    failures = 0;
                }
            }
            self.log.disconnected();
            if !self.done() {
                let wait = (10u64 << failures.min(7)).min(1_000);
                failures += 1;
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
        }
        self.log
    }

    /// One connection, until it drops or the work is done; `true` if any
    /// frame came through.
    async fn session(
        &mut self,
        socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
        progress: &AtomicU64,
    ) -> bool {
        let (mut tx, mut rx) = socket.split();
        let mut welcomed = false;
        let mut pace = tokio::time::interval(Duration::from_millis(2));
        loop {
            let may_send =
                welcomed && !self.plan.is_empty() && self.log.outbox().len() < self.window;
            let outgoing: Vec<ClientFrame> = tokio::select! {
                frame = rx.next() => match frame {
                    Some(Ok(WsMessage::Text(text))) => {
                        match self.receive(&text, &mut welcomed, progress) {
                            Some(outgoing) => outgoing,
                            None => return true,
                        }
                    }
                    Some(Ok(_)) => Vec::new(),
                    _ => return welcomed,
                },
                _ = pace.tick(), if may_send => {
                    let (id, text) = self.plan.pop_front().expect("checked non-empty");
                    vec![self.log.compose(id, text)]
                }
            };
            for frame in outgoing {
                if tx.send(WsMessage::text(frame.encode())).await.is_err() {
                    return welcomed;
                }
            }
        }
    }

    /// Applies one frame; returns what to send, or `None` to end the session
    /// (the work is done, or the edge sent something unreadable).
    fn receive(
        &mut self,
        text: &str,
        welcomed: &mut bool,
        progress: &AtomicU64,
    ) -> Option<Vec<ClientFrame>> {
        let frame = ServerFrame::decode(text).ok()?;
        let welcome = matches!(frame, ServerFrame::Welcome { .. });
        let applied = self.log.apply(frame);
        progress.store(self.log.frontier().0, Ordering::Relaxed);
        let mut outgoing = Vec::new();
        if welcome {
            *welcomed = true;
            outgoing = self.log.resend();
        }
        outgoing.extend(applied.reply);
        (!self.done()).then_some(outgoing)
    }

    fn done(&self) -> bool {
        self.plan.is_empty() && self.log.outbox().is_empty() && self.log.frontier().0 >= self.expect
    }
}

/// Relays one client connection to the edge, injecting faults both ways.
#[expect(
    clippy::result_large_err,
    reason = "the handshake callback's error type is tungstenite's"
)]
async fn relay(
    stream: TcpStream,
    upstream: String,
    faults: Faults,
    stats: Arc<FaultStats>,
    rng: Rng,
) {
    let asked = Arc::new(Mutex::new((String::new(), None::<HeaderValue>)));
    let record = asked.clone();
    let client =
        tokio_tungstenite::accept_hdr_async(stream, move |req: &Request, res: Response| {
            if let Ok(mut asked) = record.lock() {
                asked.0 = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                asked.1 = req.headers().get("cookie").cloned();
            }
            Ok(res)
        })
        .await;
    let Ok(client) = client else { return };
    let (path, cookie) = asked.lock().map(|a| a.clone()).unwrap_or_default();
    let Ok(mut request) = format!("{upstream}{path}").into_client_request() else {
        return;
    };
    if let Some(cookie) = cookie {
        request.headers_mut().insert("cookie", cookie);
    }
    // An edge that is down or refuses: the client just sees its socket close.
    let Ok((server, _)) = tokio_tungstenite::connect_async(request).await else {
        return;
    };
    let (client_tx, client_rx) = client.split();
    let (server_tx, server_rx) = server.split();
    let mut up_rng = rng;
    let mut down_rng = Rng::new(up_rng.next());
    // When either direction cuts, both halves are dropped: the TCP
    // connections close with no closing handshake, like a network failure.
    tokio::select! {
        () = pump(client_rx, server_tx, faults, &stats, &mut up_rng) => {}
        () = pump(server_rx, client_tx, faults, &stats, &mut down_rng) => {}
    }
}

async fn pump<R, W>(mut rx: R, mut tx: W, faults: Faults, stats: &FaultStats, rng: &mut Rng)
where
    R: futures_util::Stream<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
    W: futures_util::Sink<WsMessage> + Unpin,
{
    while let Some(Ok(message)) = rx.next().await {
        if message.is_close() {
            let _ = tx.send(message).await;
            return;
        }
        if faults.max_delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(rng.below(faults.max_delay_ms + 1))).await;
        }
        let cut = rng.chance(faults.drop);
        if cut && rng.chance(0.5) {
            // Lost before it got through.
            stats.drops.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if tx.send(message.clone()).await.is_err() {
            return;
        }
        stats.frames.fetch_add(1, Ordering::Relaxed);
        if rng.chance(faults.duplicate) {
            stats.duplicates.fetch_add(1, Ordering::Relaxed);
            if tx.send(message).await.is_err() {
                return;
            }
        }
        if cut {
            // Got through, but whatever answers it will be lost.
            stats.drops.fetch_add(1, Ordering::Relaxed);
            return;
        }
    }
}

/// A small deterministic generator (xorshift64*), so a failing run can be
/// repeated with the same seed.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A TCP proxy that can cut the network: every connection through it drops
/// at once, and new ones are refused until it is restored. A browser pointed
/// at it loses the edge as it would lose its Wi-Fi.
pub struct CutProxy {
    port: u16,
    cut: Arc<std::sync::atomic::AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    task: JoinHandle<()>,
}

impl CutProxy {
    /// Forwards a free local port to `upstream` (`127.0.0.1:PORT`).
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::<JoinHandle<()>>::new()));
        let (is_cut, tracked) = (cut.clone(), connections.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let relay = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                if let Ok(mut tracked) = tracked.lock() {
                    tracked.retain(|t| !t.is_finished());
                    tracked.push(relay);
                }
            }
        });
        Ok(CutProxy {
            port,
            cut,
            connections,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`, the address to browse through.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Drops every connection and refuses new ones.
    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        if let Ok(mut tracked) = self.connections.lock() {
            for relay in tracked.drain(..) {
                relay.abort();
            }
        }
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}
