// Turns a raw frame into a protocol message, or says why it cannot (WS-3).
import { clientMessageSchema, type ClientMessage } from "./protocol.ts";

export type ParsedFrame =
  | { ok: true; message: ClientMessage }
  /** `type` is set (and `value` kept) when the frame was a JSON object with a string type. */
  | { ok: false; id: number | null; type: string | null; value: unknown };

/** Parses and validates one frame; never throws. */
export function parseFrame(raw: string | Buffer): ParsedFrame {
  if (typeof raw !== "string") return { ok: false, id: null, type: null, value: null };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, id: null, type: null, value: null };
  }
  const ping = readPing(value);
  if (ping) return { ok: true, message: ping };
  const parsed = clientMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, id: readId(value), type: readType(value), value };
}

// Pings are most of the traffic, and the schema walk was most of their cost (bench/RESULTS.md):
// exactly `{"type":"ping","id":n}` is accepted here under the schema's own rules (no other field,
// id a safe integer >= 0). Anything else, a bad ping included, goes through the schema;
// tests/ws/parse.test.ts checks that both always agree.
function readPing(value: unknown): ClientMessage | null {
  if (!isRecord(value) || value.type !== "ping") return null;
  const id = value.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0 || Object.keys(value).length !== 2) return null;
  return { type: "ping", id };
}

// Echo the request id in the error when there is a usable one, so the client can match it.
function readId(value: unknown): number | null {
  const id = isRecord(value) ? value.id : undefined;
  return typeof id === "number" && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

function readType(value: unknown): string | null {
  const type = isRecord(value) ? value.type : undefined;
  return typeof type === "string" && type.length <= 64 ? type : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
