// Keeps open sockets honest (SES-4, SES-5): expiry timers, batched activity, the revocation
// feed from other instances, and a slow full re-check of every bound session as a safety net.
import type { AuthContext, SessionEndReason } from "../auth/context.ts";
import { latestRevocationId, readRevocations, type Revocation } from "../auth/revocations.ts";
import { findSessionsByIds, invalidateSession, recordSessionActivity, type SessionInfo } from "../auth/sessions.ts";
import { DeadlineQueue } from "../lib/deadline-queue.ts";
import type { Logger } from "../lib/log.ts";
import type { SocketRegistry } from "./registry.ts";
import type { Socket } from "./send.ts";

export interface LiveSessionsOptions {
  feedIntervalMs: number;
  recheckIntervalMs: number;
  /** Sessions per query in the full re-check, so one pass never holds the event loop for long. */
  recheckBatchSize: number;
}

interface Entry {
  absoluteExpiresAt: number;
  lastSeenAt: number;
}

const FEED_PAGE_SIZE = 1000;

export class LiveSessions {
  private readonly entries = new Map<string, Entry>();
  private readonly pendingActivity = new Map<string, number>();
  // Each session's expiry in our view, all on one timer.
  private readonly expiries = new DeadlineQueue((sessionId) =>
    void this.onExpiry(sessionId).catch((err) => this.logger.error({ event: "expiry_error", err })),
  );
  private lastRevocationId = 0;
  private readonly intervals: ReturnType<typeof setInterval>[] = [];
  private feedRunning = false;
  private recheckRunning = false;

  constructor(
    private readonly auth: AuthContext,
    private readonly registry: SocketRegistry,
    private readonly logger: Logger,
    private readonly options: LiveSessionsOptions,
  ) {}

  /** Starts reading the feed (from now on), the re-check and the activity flush. */
  async start(): Promise<void> {
    this.lastRevocationId = await latestRevocationId(this.auth);
    const activityFlushMs = Math.min(60_000, Math.max(100, this.auth.sessionIdleMs / 10));
    this.every(this.options.feedIntervalMs, () => this.pollFeed());
    this.every(this.options.recheckIntervalMs, () => this.recheckAll());
    this.every(activityFlushMs, () => this.flushActivity());
  }

  /** Stops all timers and writes the activity not yet written. */
  async stop(): Promise<void> {
    for (const interval of this.intervals) clearInterval(interval);
    this.expiries.clear();
    this.entries.clear();
    await this.flushActivity();
  }

  /** Binds `ws` to `session` (handshake or login.complete) and schedules the session's expiry. */
  attach(ws: Socket, user: NonNullable<Socket["data"]["user"]>, session: SessionInfo): void {
    const previous = ws.data.sessionId;
    this.registry.unbind(ws);
    ws.data.user = user;
    ws.data.sessionId = session.id;
    ws.data.handshakeSession = null;
    this.registry.bind(ws);
    if (previous !== null && previous !== session.id) this.forgetIfUnused(previous);
    this.track(session);
    // Opening a socket is activity on its session (written with the next batch).
    this.useSession(session.id);
  }

  /** Call when a socket closes, after the registry forgot it. */
  detach(ws: Socket): void {
    if (ws.data.sessionId) this.forgetIfUnused(ws.data.sessionId);
  }

  /**
   * Null while the session is alive in this process's view (and counts the call as activity);
   * otherwise why it is not.
   */
  useSession(sessionId: string, now = Date.now()): SessionEndReason | null {
    const entry = this.entries.get(sessionId);
    if (!entry) return "revoked";
    if (this.expiryOf(entry) <= now) return "expired";
    entry.lastSeenAt = now;
    this.pendingActivity.set(sessionId, now);
    return null;
  }

  /** Closes this process's sockets of ended sessions at once; `except` moves on instead. */
  endSessions(sessionIds: string[], reason: SessionEndReason, exceptSocketId?: string | null): void {
    const except = exceptSocketId ? this.registry.findSocket(exceptSocketId) : undefined;
    this.registry.closeSessions(sessionIds, reason, except);
    for (const id of sessionIds) this.forgetIfUnused(id);
  }

  /** Moves this process's sockets of `fromId` to the session that replaced it (rotation). */
  moveSessions(fromId: string, to: SessionInfo): void {
    for (const ws of this.registry.socketsOfSession(fromId)) {
      if (ws.data.user) this.attach(ws, ws.data.user, to);
    }
    this.forgetIfUnused(fromId);
  }

  /** Number of sessions tracked, with a scheduled expiry, and with pending writes (for leak checks). */
  size(): { sessions: number; expiries: number; pendingActivity: number } {
    return { sessions: this.entries.size, expiries: this.expiries.size, pendingActivity: this.pendingActivity.size };
  }

  /** Reads the revocation feed and closes the sockets it names. Cost grows with revocations only. */
  async pollFeed(): Promise<void> {
    if (this.feedRunning) return;
    this.feedRunning = true;
    const started = performance.now();
    let read = 0;
    try {
      for (;;) {
        const rows = await readRevocations(this.auth, this.lastRevocationId, FEED_PAGE_SIZE);
        for (const row of rows) await this.applyRevocation(row);
        read += rows.length;
        if (rows.length < FEED_PAGE_SIZE) break;
      }
    } finally {
      this.feedRunning = false;
    }
    // The file database runs synchronously, so this is event-loop time (bench/revocation.ts reads it).
    this.logger.debug({ event: "feed_read", revocations: read, sessions: this.entries.size, ms: performance.now() - started });
  }

  /** Re-reads every bound session from the database in batches; closes the dead, updates the rest. */
  async recheckAll(): Promise<void> {
    if (this.recheckRunning) return;
    this.recheckRunning = true;
    const started = performance.now();
    const ids = [...this.entries.keys()];
    try {
      await this.flushActivity();
      for (let start = 0; start < ids.length; start += this.options.recheckBatchSize) {
        const batch = ids.slice(start, start + this.options.recheckBatchSize);
        const alive = new Map((await findSessionsByIds(this.auth, batch)).map((session) => [session.id, session]));
        for (const id of batch) {
          const session = alive.get(id);
          if (session) this.track(session);
          else if (this.entries.has(id)) this.endSessions([id], this.viewExpired(id) ? "expired" : "revoked");
        }
      }
    } finally {
      this.recheckRunning = false;
    }
    this.logger.debug({ event: "recheck", sessions: ids.length, ms: performance.now() - started });
  }

  /** Writes batched socket activity as last_seen_at (one transaction for all sessions). */
  async flushActivity(): Promise<void> {
    if (this.pendingActivity.size === 0) return;
    const batch = new Map(this.pendingActivity);
    this.pendingActivity.clear();
    await recordSessionActivity(this.auth, batch);
  }

  private async applyRevocation(row: Revocation): Promise<void> {
    this.lastRevocationId = Math.max(this.lastRevocationId, row.id);
    if (!this.entries.has(row.sessionId)) return;
    if (row.reason === "rotated" && row.replacedBy) {
      const [replacement] = await findSessionsByIds(this.auth, [row.replacedBy]);
      if (replacement) return this.moveSessions(row.sessionId, replacement);
    }
    const reason: SessionEndReason = row.reason === "logout" || row.reason === "expired" ? row.reason : "revoked";
    this.endSessions([row.sessionId], reason, row.exceptSocketId);
  }

  // Merges what we know of a session (ours and the database's) and reschedules its expiry.
  private track(session: SessionInfo): void {
    const entry = this.entries.get(session.id) ?? { absoluteExpiresAt: session.absoluteExpiresAt, lastSeenAt: 0 };
    entry.absoluteExpiresAt = session.absoluteExpiresAt;
    entry.lastSeenAt = Math.max(entry.lastSeenAt, session.lastSeenAt);
    this.entries.set(session.id, entry);
    this.expiries.set(session.id, this.expiryOf(entry));
  }

  // At the expiry in our view, ask the database: other instances may have seen activity since.
  // (Activity on this process moves lastSeenAt without rescheduling; it is looked at here.)
  private async onExpiry(sessionId: string): Promise<void> {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    const now = Date.now();
    if (this.expiryOf(entry) > now) return this.expiries.set(sessionId, this.expiryOf(entry));
    await this.flushActivity();
    const [session] = await findSessionsByIds(this.auth, [sessionId]);
    if (session && session.expiresAt > Date.now()) return this.track(session);
    if (!this.entries.has(sessionId)) return;
    // Delete it and feed the revocation, so other instances close their sockets too.
    await invalidateSession(this.auth, sessionId, "expired");
    this.endSessions([sessionId], "expired");
  }

  private expiryOf(entry: Entry): number {
    return Math.min(entry.absoluteExpiresAt, entry.lastSeenAt + this.auth.sessionIdleMs);
  }

  private viewExpired(sessionId: string): boolean {
    const entry = this.entries.get(sessionId);
    return entry !== undefined && this.expiryOf(entry) <= Date.now();
  }

  private forgetIfUnused(sessionId: string): void {
    if (this.registry.socketsOfSession(sessionId).length > 0) return;
    this.expiries.delete(sessionId);
    this.entries.delete(sessionId);
  }

  private every(ms: number, task: () => Promise<void>): void {
    this.intervals.push(setInterval(() => void task().catch((err) => this.logger.error({ event: "live_sessions_error", err })), ms));
  }
}
