// Reconnect delays: capped exponential back-off with full jitter, so many pages do not reconnect in step.

export interface BackoffOptions {
  /** The ceiling of the first delay (ms). */
  baseMs: number;
  /** No delay is ever longer than this (ms). */
  capMs: number;
}

/** 250 ms doubling up to 10 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 10_000 };

/** The delay before reconnect attempt `attempt` (0, 1, ...): uniform in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
