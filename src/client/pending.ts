// Requests waiting for their result, by id, each with its own timeout.
import { LatchError } from "./errors.ts";
import type { LatchResult } from "./types.ts";

interface Pending {
  type: string;
  resolve(result: LatchResult): void;
  reject(error: LatchError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The requests sent on the current socket that still wait for their result. */
export class PendingRequests {
  private readonly byId = new Map<number, Pending>();

  /** Registers request `id`; the promise rejects with "timeout" after `timeoutMs`. */
  add(id: number, type: string, timeoutMs: number): Promise<LatchResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(id, new LatchError("timeout", `No answer to "${type}" in time.`)), timeoutMs);
      this.byId.set(id, { type, resolve, reject, timer });
    });
  }

  /** Removes and returns request `id` (undefined if unknown, late or already settled). */
  take(id: number | null): Omit<Pending, "timer"> | undefined {
    const pending = id === null ? undefined : this.byId.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.byId.delete(id!);
    return pending;
  }

  /** Rejects request `id` with `error`, if it is still waiting. */
  fail(id: number, error: LatchError): void {
    this.take(id)?.reject(error);
  }

  /** Rejects every waiting request with `error` (the socket they were sent on is gone). */
  failAll(error: LatchError): void {
    for (const id of [...this.byId.keys()]) this.fail(id, error);
  }
}
