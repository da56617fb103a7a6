// Peer "bare Bun": Bun.serve WebSocket with the same JSON ping/result protocol and no auth at all (the ceiling).
// Env: PORT, TLS_CERT + TLS_KEY (wss when set).
import { readFileSync } from "node:fs";

const tls = process.env.TLS_CERT ? { cert: readFileSync(process.env.TLS_CERT, "utf8"), key: readFileSync(process.env.TLS_KEY!, "utf8") } : undefined;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  tls,
  fetch(request, server) {
    if (server.upgrade(request, { data: null })) return undefined;
    return new Response("WebSocket only", { status: 426 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      ws.send(JSON.stringify({ type: "welcome", protocol: 1, user: null }));
    },
    message(ws, raw) {
      const message = JSON.parse(String(raw)) as { id: number };
      ws.send(JSON.stringify({ type: "result", id: message.id, ok: true, user: null }));
    },
  },
});

console.log(JSON.stringify({ event: "listening", url: `${tls ? "https" : "http"}://127.0.0.1:${server.port}` }));
// Only for bench/memory-breakdown.ts: a heap report on SIGUSR2 (never set in the measured runs).
if (process.env.HEAP_SIGNAL) (await import("../lib/heap-signal.ts")).reportHeapOnSignal();
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
