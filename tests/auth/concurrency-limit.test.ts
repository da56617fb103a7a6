// The limiter that keeps Argon2id from crowding out the event loop.
import { describe, expect, test } from "bun:test";
import { createConcurrencyLimit } from "../../src/lib/concurrency-limit.ts";

describe("createConcurrencyLimit", () => {
  test("never runs more than max at once, runs all, in order, and survives failures", async () => {
    const limit = createConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        limit(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await Bun.sleep(5);
          running--;
          if (i === 3) throw new Error("task 3 fails");
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(9);
    expect(results[3]!.status).toBe("rejected");
  });

  test("refuses a nonsensical limit", () => {
    expect(() => createConcurrencyLimit(0)).toThrow();
  });
});
