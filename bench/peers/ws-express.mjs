// Peer "ws + express-session" on Node: the upgrade is authenticated from the session cookie
// (the ws README's express-session example), then the same JSON ping/result protocol.
// Env: PORT, TLS_CERT + TLS_KEY, COOKIES_FILE, SESSIONS.
import { WebSocketServer } from "ws";
import { announce, createSessionServer } from "./sessions.mjs";

const { tls, sessionParser, server } = createSessionServer();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
let origin = "";

function refuse(socket, status) {
  socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  socket.destroy();
}

server.on("upgrade", (request, socket, head) => {
  socket.on("error", () => socket.destroy());
  if (request.headers.origin !== origin) return refuse(socket, "403 Forbidden");
  sessionParser(request, {}, () => {
    const user = request.session?.user;
    if (!user) return refuse(socket, "401 Unauthorized");
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request, user));
  });
});

wss.on("connection", (ws, _request, user) => {
  ws.on("error", () => ws.terminate());
  ws.send(JSON.stringify({ type: "welcome", protocol: 1, user }));
  ws.on("message", (data) => {
    const message = JSON.parse(data);
    ws.send(JSON.stringify({ type: "result", id: message.id, ok: true, user }));
  });
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  origin = announce(server, tls);
});
