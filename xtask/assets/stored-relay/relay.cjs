// The honest peer `cargo xtask bench` compares Charla with: a Socket.IO room
// relay that keeps transcripts, as the WhatsApp + AI seed's stack would.
// Every message is written to SQLite (better-sqlite3, WAL, the library's
// default synchronous setting) with a per-room sequence number and the
// sender's idempotency key before anyone hears of it; the sender is
// acknowledged with the sequence number after the write, and a retried key
// is acknowledged again without being stored or relayed twice.
const path = require("node:path");
const Database = require("better-sqlite3");
const { Server } = require("socket.io");

const [port, dir] = [Number(process.argv[2]), process.argv[3]];
const db = new Database(path.join(dir, "transcripts.sqlite"));
db.pragma("journal_mode = WAL");
db.exec(`CREATE TABLE IF NOT EXISTS messages (
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (room, seq),
  UNIQUE (room, key)
)`);
// The next number is read inside the insert, so it is right after a restart.
const insert = db.prepare(`INSERT INTO messages (room, seq, key, body, at)
  SELECT @room, COALESCE(MAX(seq), 0) + 1, @key, @body, @at FROM messages WHERE room = @room
  ON CONFLICT (room, key) DO NOTHING
  RETURNING seq`);
const stored = db.prepare("SELECT seq FROM messages WHERE room = ? AND key = ?");

const io = new Server(port, { serveClient: false, transports: ["websocket"] });
io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (ack) ack();
  });
  socket.on("msg", (room, payload, ack) => {
    const key = String(payload.id);
    const row = insert.get({ room, key, body: JSON.stringify(payload), at: Date.now() });
    if (row) {
      socket.to(room).emit("msg", payload);
      if (ack) ack({ seq: row.seq });
    } else if (ack) {
      ack({ seq: stored.get(room, key).seq });
    }
  });
});
console.log("ready");
