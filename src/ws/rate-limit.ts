// A token bucket per socket (WS-4): a burst is allowed, a sustained flood is not.

export interface RateState {
  tokens: number;
  updatedAt: number;
  /** Messages refused since the last one that was accepted. */
  refusedInARow: number;
}

export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** A full bucket. */
export function newRateState(limit: RateLimit, now = Date.now()): RateState {
  return { tokens: limit.burst, updatedAt: now, refusedInARow: 0 };
}

/** Takes one token; false (and counts a refusal) when the bucket is empty. */
export function takeToken(state: RateState, limit: RateLimit, now = Date.now()): boolean {
  state.tokens = Math.min(limit.burst, state.tokens + ((now - state.updatedAt) / 1000) * limit.perSecond);
  state.updatedAt = now;
  if (state.tokens < 1) {
    state.refusedInARow++;
    return false;
  }
  state.tokens -= 1;
  state.refusedInARow = 0;
  return true;
}

/** Seconds until the next token. */
export function secondsUntilToken(state: RateState, limit: RateLimit): number {
  return Math.max(1, Math.ceil((1 - state.tokens) / limit.perSecond));
}
