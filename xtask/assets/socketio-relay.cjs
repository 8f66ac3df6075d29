// The Socket.IO room relay `cargo xtask bench` compares Charla with: what
// the WhatsApp + AI seed builds on. It relays each message to the others in
// the room and stores nothing.
const { Server } = require("socket.io");

const port = Number(process.argv[2]);
const io = new Server(port, { serveClient: false, transports: ["websocket"] });
io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (ack) ack();
  });
  socket.on("msg", (room, payload) => socket.to(room).emit("msg", payload));
});
console.log("ready");
