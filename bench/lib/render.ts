// Turns the rows into the Markdown tables of bench/RESULTS.md: figures, ratios and targets.
import { median } from "../report.ts";
import type { Row } from "./lines.ts";
import { LINE_NAMES, type LineId } from "./plan.ts";
import { SERVER_NAMES, type ServerKind } from "./servers.ts";
import type { Trial } from "./trials.ts";

export interface Revocation {
  inProcessMs: number;
  crossProcessMs: number;
}

const value = (trial: Trial, key: string) => Number(trial[key]);
const med = (row: Row, key: string) => median(row.trials.map((trial) => value(trial, key)));

function fmt(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return "-";
  return x >= 1000 ? Math.round(x).toLocaleString("en-US") : x.toFixed(digits);
}

/** "median (min-max)" of one figure over the trials. */
function spread(row: Row, key: string, scale = 1, digits = 1): string {
  const values = row.trials.map((trial) => value(trial, key) * scale);
  if (values.length === 1) return fmt(values[0]!, digits);
  return `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}-${fmt(Math.max(...values), digits)})`;
}

function limitedBy(row: Row): string {
  const server = med(row, "serverCores");
  const client = med(row, "clientCores");
  if (client >= 0.9 && client >= server) return `client core (${client.toFixed(2)})`;
  if (server >= 0.9) return `server core (${server.toFixed(2)})`;
  return `neither (server ${server.toFixed(2)}, client ${client.toFixed(2)})`;
}

function flags(row: Row): string {
  const disturbed = row.trials.filter((trial) => trial.disturbed).length;
  const errors = row.trials.reduce((sum, trial) => sum + trial.errors, 0);
  return [disturbed ? `${disturbed} disturbed` : "", errors ? `${errors} errors` : ""].filter(Boolean).join(", ");
}

const who = (row: Row) => `${SERVER_NAMES[row.spec.kind]} | ${row.spec.tls ? "wss" : "ws"}`;

/** The throughput table: upgrades and echo. */
export function throughputTable(rows: Row[]): string {
  const lines = rows
    .filter((row) => row.line === "upgrade" || row.line === "echo100" || row.line === "echo1000")
    .map((row) =>
      `| ${LINE_NAMES[row.line]} | ${who(row)} | **${spread(row, "serverUsPerOp")}** | ${spread(row, "opsPerSecond", 1, 0)} | ` +
      `${fmt(med(row, "clientUsPerOp"))} | ${fmt(med(row, "p50Ms"), 2)} | ${fmt(med(row, "p99Ms"), 2)} | ${limitedBy(row)} | ${flags(row)} |`,
    );
  return [
    "| Line | Server | | Server CPU per op, us | ops/s | Client CPU per op, us | p50 ms | p99 ms | Busy core | Notes |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...lines,
  ].join("\n");
}

/** The idle-memory table. */
export function memoryTable(rows: Row[], sockets: number): string {
  const lines = rows
    .filter((row) => row.line === "idle")
    .map((row) =>
      `| ${who(row)} | **${spread(row, "perSocketKiB", 1, 2)}** | ${fmt(med(row, "beforeKiB") / 1024)} | ${fmt(med(row, "afterKiB") / 1024)} | ` +
      `${spread(row, "serverUsPerOp", 1, 0)} | ${spread(row, "opsPerSecond", 1, 0)} | ${flags(row)} |`,
    );
  return [
    `| Server | | RSS per idle socket, KiB | RSS before, MiB | RSS with ${sockets.toLocaleString("en-US")} sockets, MiB | Server CPU per connect, us | Connects/s | Notes |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...lines,
  ].join("\n");
}

/** The sign-in table (Latch only). */
export function signInTable(rows: Row[]): string {
  const lines = rows
    .filter((row) => row.line === "signin")
    .map((row) =>
      `| ${who(row)} | ${spread(row, "opsPerSecond", 1, 1)} | **${spread(row, "serverUsPerOp", 1 / 1000, 1)}** | ` +
      `${fmt(med(row, "p50Ms"))} / ${fmt(med(row, "p99Ms"))} | ${fmt(med(row, "bystanderP50Ms"), 2)} / **${spread(row, "bystanderP99Ms", 1, 2)}** / ${fmt(med(row, "bystanderMaxMs"), 2)} | ${flags(row)} |`,
    );
  return [
    "| Server | | Sign-ins/s | Server CPU per sign-in, ms | Sign-in p50 / p99, ms | Bystander echo p50 / p99 / max, ms | Notes |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...lines,
  ].join("\n");
}

function find(rows: Row[], line: LineId, kind: ServerKind, tls = true): Row | undefined {
  return rows.find((row) => row.line === line && row.spec.kind === kind && row.spec.tls === tls);
}

/** Latch's figure over a peer's, both over TLS; NaN when either is missing. */
export function ratio(rows: Row[], line: LineId, key: string, peer: ServerKind): number {
  const latch = find(rows, line, "latch");
  const other = find(rows, line, peer);
  return latch && other ? med(latch, key) / med(other, key) : NaN;
}

const PEERS: ServerKind[] = ["bare-bun", "bun-sqlite", "ws-express", "socketio-express"];
const RATIO_LINES: [LineId, string, string][] = [
  ["upgrade", "serverUsPerOp", "server CPU per upgrade"],
  ["echo100", "serverUsPerOp", "server CPU per echo, 100 conns"],
  ["echo100", "p99Ms", "echo p99, 100 conns"],
  ["echo1000", "serverUsPerOp", "server CPU per echo, 1,000 conns"],
  ["echo1000", "p99Ms", "echo p99, 1,000 conns"],
  ["idle", "perSocketKiB", "RSS per idle socket"],
];

/** Latch over each peer, line by line (all over wss://). */
export function ratioTable(rows: Row[]): string {
  const lines = RATIO_LINES.map(([line, key, name]) => `| ${name} | ${PEERS.map((peer) => `${fmt(ratio(rows, line, key, peer), 2)}x`).join(" | ")} |`);
  return [
    `| Latch / peer (wss://) | ${PEERS.map((peer) => SERVER_NAMES[peer]).join(" | ")} |`,
    `| --- | ${PEERS.map(() => "---").join(" | ")} |`,
    ...lines,
  ].join("\n");
}

/** The targets of the issue, measured. */
export function targetTable(rows: Row[], revocation: Revocation | null): string {
  const signIn = rows.find((row) => row.line === "signin");
  const bystander = signIn ? med(signIn, "bystanderP99Ms") : NaN;
  const targets: [string, number, number, string][] = [
    ["Server CPU per authenticated upgrade, Latch / bare Bun (TLS)", ratio(rows, "upgrade", "serverUsPerOp", "bare-bun"), 1.3, "x"],
    ["Server CPU per echo, 100 connections, Latch / bare Bun", ratio(rows, "echo100", "serverUsPerOp", "bare-bun"), 1.1, "x"],
    ["Server CPU per echo, 1,000 connections, Latch / bare Bun", ratio(rows, "echo1000", "serverUsPerOp", "bare-bun"), 1.1, "x"],
    ["Echo p99, 100 connections, Latch / bare Bun", ratio(rows, "echo100", "p99Ms", "bare-bun"), 1.2, "x"],
    ["Echo p99, 1,000 connections, Latch / bare Bun", ratio(rows, "echo1000", "p99Ms", "bare-bun"), 1.2, "x"],
    ["RSS per idle authenticated socket, Latch / bare Bun", ratio(rows, "idle", "perSocketKiB", "bare-bun"), 1.5, "x"],
    ["Bystander echo p99 during 8 concurrent sign-ins", bystander, 10, " ms"],
    ["Revocation, logout to close frame, same process", revocation?.inProcessMs ?? NaN, 50, " ms"],
    ["Revocation, logout to close frame, across processes", revocation?.crossProcessMs ?? NaN, 1500, " ms"],
  ];
  const lines = targets.map(([name, measured, limit, unit]) => {
    const verdict = !Number.isFinite(measured) ? "not measured" : measured <= limit ? "met" : "**missed**";
    return `| ${name} | <= ${limit}${unit} | ${fmt(measured, 2)}${unit} | ${verdict} |`;
  });
  return ["| Target | Goal | Measured (medians) | |", "| --- | --- | --- | --- |", ...lines].join("\n");
}

const EARLIER: Record<string, Partial<Record<ServerKind, number>>> = {
  upgrade: { "bare-bun": 23, "bun-sqlite": 27, "ws-express": 188, "socketio-express": 359 },
  echo100: { "bare-bun": 4.2, "bun-sqlite": 4.1, "ws-express": 7.8, "socketio-express": 14.2 },
  idle: { "bare-bun": 1.8, "bun-sqlite": 1.3, "ws-express": 9.0, "socketio-express": 17.1 },
};

/** The peers on plain ws:// beside the figures measured earlier (also ws://, bun:sqlite lookup). */
export function earlierTable(rows: Row[]): string {
  const cell = (line: LineId, key: string, kind: ServerKind) => {
    const row = find(rows, line, kind, false);
    return `${row ? fmt(med(row, key), line === "idle" ? 2 : 1) : "-"} (earlier ${EARLIER[line]?.[kind] ?? "-"})`;
  };
  const lines = PEERS.map(
    (kind) => `| ${SERVER_NAMES[kind]} | ${cell("upgrade", "serverUsPerOp", kind)} | ${cell("echo100", "serverUsPerOp", kind)} | ${cell("idle", "perSocketKiB", kind)} |`,
  );
  return [
    "| ws:// (no TLS) | Server CPU per upgrade, us | Server CPU per echo (100 conns), us | RSS per idle socket, KiB |",
    "| --- | --- | --- | --- |",
    ...lines,
  ].join("\n");
}
