// Peer "Socket.IO + express-session" on Node: io.engine.use(session), unauthenticated sockets
// rejected by an io.use guard; "echo" events answered through the acknowledgement callback.
// WebSocket transport only (the load client speaks Engine.IO v4 over a plain WebSocket).
// Env: PORT, TLS_CERT + TLS_KEY, COOKIES_FILE, SESSIONS.
import { Server } from "socket.io";
import { announce, createSessionServer } from "./sessions.mjs";

const { tls, sessionParser, server } = createSessionServer();
let origin = "";
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  serveClient: false,
  // Cross-site WebSocket hijacking: only our own origin may open a socket.
  allowRequest: (request, callback) => callback(null, request.headers.origin === origin),
});
io.engine.use(sessionParser);
io.use((socket, next) => {
  if (socket.request.session?.user) next();
  else next(new Error("unauthorized"));
});

io.on("connection", (socket) => {
  const user = socket.request.session.user;
  socket.emit("welcome", { protocol: 1, user });
  socket.on("echo", (message, ack) => {
    if (typeof ack === "function") ack({ type: "result", id: message?.id, ok: true, user });
  });
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  origin = announce(server, tls);
});
