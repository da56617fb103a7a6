// parseFrame answers pings without the schema: this checks the shortcut never accepts or refuses
// anything the protocol schema would judge otherwise (WS-3: a malformed frame changes nothing).
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseFrame } from "../../src/ws/parse.ts";
import { clientMessageSchema } from "../../src/ws/protocol.ts";

function expectSameVerdict(text: string): void {
  const frame = parseFrame(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    expect(frame.ok).toBe(false);
    return;
  }
  const schema = clientMessageSchema.safeParse(value);
  expect({ text, ok: frame.ok }).toEqual({ text, ok: schema.success });
  if (frame.ok && schema.success) expect(frame.message).toEqual(schema.data);
}

const idLike = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, -(2 ** 53), 1.5, 1e-9, 1e300),
  fc.double(),
  fc.string({ maxLength: 4 }),
  fc.constantFrom(null, true, [], {}, [1]),
);

const pingLike = fc.record(
  {
    type: fc.constantFrom("ping", "Ping", "ping ", "login.complete", 1),
    id: idLike,
    extra: fc.jsonValue({ maxDepth: 1 }),
    constructor: fc.constant(1),
  },
  { requiredKeys: [] },
);

describe("[WS-3] the ping shortcut agrees with the protocol schema", () => {
  test("[WS-3] on 5,000 ping-like objects and arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.oneof(pingLike, fc.jsonValue({ maxDepth: 2 })), (value) => expectSameVerdict(JSON.stringify(value))),
      { numRuns: 5000 },
    );
  });

  test("[WS-3] on texts JSON.stringify would never write", () => {
    for (const text of [
      '{"type":"ping","id":1}',
      '{"id":1e3,"type":"ping"}',
      '{"type":"ping","id":1.0}',
      '{"type":"ping","id":-0}',
      '{"type":"ping","id":9007199254740992}',
      '{"type":"ping","id":1,"id":-1}',
      '{"type":"ping","id":-1,"id":1}',
      '{"type":"ping","id":1,"__proto__":{"x":1}}',
      '{"type":"ping","__proto__":{"id":1}}',
      '{"type":"ping"}',
      '["ping",1]',
      '"ping"',
      "null",
      "{",
    ]) {
      expectSameVerdict(text);
    }
  });
});
