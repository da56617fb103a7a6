// The one timer behind every session expiry (SES-4): each deadline fires once, never early,
// replaced and deleted ones never fire, and replaced ones do not pile up.
import { describe, expect, test } from "bun:test";
import { DeadlineQueue } from "../../src/lib/deadline-queue.ts";

function recordingQueue() {
  const fired: { key: string; at: number }[] = [];
  const queue = new DeadlineQueue((key) => fired.push({ key, at: Date.now() }));
  return { queue, fired };
}

describe("DeadlineQueue", () => {
  test("[SES-4] 2,000 random deadlines each fire once, in order, none before its time", async () => {
    const { queue, fired } = recordingQueue();
    const start = Date.now();
    const deadlines = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const at = start + 20 + Math.floor(Math.random() * 200);
      deadlines.set(`k${i}`, at);
      queue.set(`k${i}`, at);
    }
    const until = Date.now() + 3000;
    while (fired.length < 2000 && Date.now() < until) await Bun.sleep(10);
    expect(fired.length).toBe(2000);
    expect(new Set(fired.map((f) => f.key)).size).toBe(2000);
    for (const { key, at } of fired) expect(at).toBeGreaterThanOrEqual(deadlines.get(key)!);
    const order = fired.map((f) => deadlines.get(f.key)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(queue.size).toBe(0);
  });

  test("[SES-4] a replaced deadline fires at its new time only; a deleted one never fires", async () => {
    const { queue, fired } = recordingQueue();
    const now = Date.now();
    queue.set("later", now + 30);
    queue.set("later", now + 150);
    queue.set("sooner", now + 200);
    queue.set("sooner", now + 40);
    queue.set("gone", now + 20);
    queue.delete("gone");
    await Bun.sleep(100);
    expect(fired.map((f) => f.key)).toEqual(["sooner"]);
    await Bun.sleep(150);
    expect(fired.map((f) => f.key)).toEqual(["sooner", "later"]);
    expect(fired[1]!.at).toBeGreaterThanOrEqual(now + 150);
  });

  test("a deadline set from inside the callback fires too; clear() stops everything", async () => {
    let rounds = 0;
    const queue = new DeadlineQueue((key) => {
      rounds++;
      if (rounds < 3) queue.set(key, Date.now() + 10);
    });
    queue.set("again", Date.now() + 10);
    await Bun.sleep(150);
    expect(rounds).toBe(3);
    queue.set("stopped", Date.now() + 20);
    queue.clear();
    await Bun.sleep(60);
    expect(rounds).toBe(3);
    expect(queue.size).toBe(0);
  });

  test("10,000 keys each replaced 20 times keep the heap within twice the live deadlines", () => {
    const { queue } = recordingQueue();
    const far = Date.now() + 3_600_000;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10_000; i++) queue.set(`k${i}`, far + round * 1000 + i);
    }
    for (let i = 0; i < 5_000; i++) queue.delete(`k${i}`);
    const heapLength = (queue as unknown as { heap: unknown[] }).heap.length;
    expect(queue.size).toBe(5_000);
    expect(heapLength).toBeLessThanOrEqual(2 * 5_000 + 64);
    queue.clear();
  });
});
