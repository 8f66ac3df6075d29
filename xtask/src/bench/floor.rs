//! The floor of the relay benchmark: the least a WebSocket relay can do. A
//! tokio server where every socket connected to the same path forms a room
//! and each text frame goes to the others; nothing is stored, checked or
//! ordered. `cargo xtask floor-relay --port N` runs it (the benchmark starts
//! it as its own process so that its memory can be measured).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use crate::cmd::{io, Error};

type Rooms = Arc<Mutex<HashMap<String, Vec<(u64, mpsc::UnboundedSender<Message>)>>>>;

/// Serves until killed; prints `ready` once listening.
pub fn serve(port: u16) -> Result<(), Error> {
    let runtime = tokio::runtime::Runtime::new().map_err(io("starting tokio"))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(io("binding the floor relay"))?;
        println!("ready");
        let rooms: Rooms = Arc::default();
        let mut next = 0u64;
        loop {
            let (stream, _) = listener.accept().await.map_err(io("accepting"))?;
            next += 1;
            tokio::spawn(member(stream, rooms.clone(), next));
        }
    })
}

/// One socket: joins the room named by its path, says "ready", then relays.
#[expect(
    clippy::result_large_err,
    reason = "the handshake callback's error type is tungstenite's"
)]
async fn member(stream: tokio::net::TcpStream, rooms: Rooms, id: u64) {
    let path = Arc::new(Mutex::new(String::new()));
    let seen = path.clone();
    // Small buffers, as a lean relay would have (tungstenite reserves
    // 128 KiB per connection by default).
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let Ok(socket) = tokio_tungstenite::accept_hdr_async_with_config(
        stream,
        move |req: &Request, res: Response| {
            if let Ok(mut path) = seen.lock() {
                *path = req.uri().path().to_owned();
            }
            Ok(res)
        },
        Some(config),
    )
    .await
    else {
        return;
    };
    let room = path.lock().map(|p| p.clone()).unwrap_or_default();
    let (mut tx, mut rx) = socket.split();
    let (out, mut inbox) = mpsc::unbounded_channel::<Message>();
    if let Ok(mut rooms) = rooms.lock() {
        rooms.entry(room.clone()).or_default().push((id, out));
    }
    let writer = tokio::spawn(async move {
        if tx.send(Message::text("ready")).await.is_err() {
            return;
        }
        while let Some(message) = inbox.recv().await {
            if tx.send(message).await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(message)) = rx.next().await {
        if !message.is_text() {
            continue;
        }
        if let Ok(rooms) = rooms.lock() {
            for (other, sender) in rooms.get(&room).into_iter().flatten() {
                if *other != id {
                    let _ = sender.send(message.clone());
                }
            }
        }
    }
    if let Ok(mut rooms) = rooms.lock() {
        if let Some(members) = rooms.get_mut(&room) {
            members.retain(|(other, _)| *other != id);
        }
    }
    writer.abort();
}
