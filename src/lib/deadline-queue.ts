// Many deadlines on one timer: a binary min-heap by time, and one setTimeout for the earliest.
// A setTimeout per live session cost three heap objects and a native timer each, a measurable part
// of an idle socket's memory (bench/RESULTS.md); here a deadline is one small heap item.

interface Item {
  at: number;
  key: string;
}

// setTimeout cannot wait longer than this; a later deadline wakes the timer early, which re-arms.
const MAX_TIMER_MS = 2 ** 31 - 1;
// Replaced and deleted deadlines stay in the heap until popped; past this slack it is rebuilt.
const STALE_SLACK = 64;

export class DeadlineQueue {
  private heap: Item[] = [];
  /** The live deadline of each key; heap items that disagree with it are stale. */
  private readonly due = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;

  /** `onDue` runs once per key whose deadline has come; it may set new deadlines. */
  constructor(private readonly onDue: (key: string) => void) {}

  /** Sets (or replaces) the deadline of `key`, in milliseconds since the epoch. */
  set(key: string, at: number): void {
    if (this.due.get(key) === at) return;
    this.due.set(key, at);
    this.push({ at, key });
    this.rebuildIfMostlyStale();
    this.arm();
  }

  /** Forgets the deadline of `key`, if it has one. */
  delete(key: string): void {
    if (this.due.delete(key)) this.rebuildIfMostlyStale();
  }

  /** Forgets every deadline and stops the timer. */
  clear(): void {
    this.due.clear();
    this.heap = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  /** Keys with a deadline (for leak checks). */
  get size(): number {
    return this.due.size;
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = Date.now();
    const dueKeys: string[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const item = this.pop();
      if (this.due.get(item.key) !== item.at) continue;
      this.due.delete(item.key);
      dueKeys.push(item.key);
    }
    this.arm();
    for (const key of dueKeys) this.onDue(key);
  }

  // Keeps the timer on the earliest item (a stale earliest one only costs an early wake-up).
  private arm(): void {
    const next = this.heap[0]?.at;
    if (next === undefined || next >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now())));
  }

  private rebuildIfMostlyStale(): void {
    if (this.heap.length <= 2 * this.due.size + STALE_SLACK) return;
    // An array sorted by time is a valid heap.
    this.heap = [...this.due].map(([key, at]) => ({ at, key })).sort((a, b) => a.at - b.at);
  }

  private push(item: Item): void {
    const heap = this.heap;
    let index = heap.push(item) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.at <= item.at) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = item;
  }

  private pop(): Item {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}
