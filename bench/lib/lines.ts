// Runs each measurement line against one server spec, trial after trial.
import type { LoadConfig } from "./load-client.ts";
import { LINE_NAMES, type LineId, type Plan } from "./plan.ts";
import { SEED_PASSWORD, seedUsername } from "./seed-latch.ts";
import { SERVER_NAMES, startServer, type RunFiles, type RunningServer, type ServerSpec } from "./servers.ts";
import { runTrial, type Trial } from "./trials.ts";

export interface Row {
  line: LineId;
  spec: ServerSpec;
  trials: Trial[];
}

/** "Latch wss" and the like, for logs. */
export function label(spec: ServerSpec): string {
  return `${SERVER_NAMES[spec.kind]} ${spec.tls ? "wss" : "ws"}`;
}

function configFor(line: LineId, server: RunningServer, plan: Plan): LoadConfig {
  const { target } = server;
  switch (line) {
    case "upgrade":
      return { mode: "upgrade", target, concurrency: 50, warmupMs: plan.warmupMs, windowMs: plan.windowMs };
    case "echo100":
      return { mode: "echo", target, connections: 100, warmupMs: plan.warmupMs, windowMs: plan.windowMs };
    case "echo1000":
      return { mode: "echo", target, connections: 1000, warmupMs: plan.warmupMs, windowMs: plan.windowMs };
    case "idle":
      return { mode: "idle", target, connections: plan.idleSockets, settleMs: plan.settleMs };
    case "signin":
      return {
        mode: "signin",
        target,
        // The bystander uses the first seeded cookie (user 0); the sign-ins use users 1..8.
        accounts: Array.from({ length: 8 }, (_, i) => ({ username: seedUsername(i + 1), password: SEED_PASSWORD })),
        warmupMs: plan.signInWarmupMs,
        windowMs: plan.signInWindowMs,
        bystanderIntervalMs: 5,
      };
  }
}

function describeTrial(line: LineId, trial: Trial): string {
  const flag = trial.disturbed ? " DISTURBED" : "";
  const errors = trial.errors ? ` errors ${trial.errors} (${trial.lastError})` : "";
  if (line === "idle") return `${Number(trial.perSocketKiB).toFixed(2)} KiB/socket${flag}${errors}`;
  const perOp = line === "signin" ? `${(trial.serverUsPerOp / 1000).toFixed(1)} ms` : `${trial.serverUsPerOp.toFixed(1)} us`;
  const extra = line === "signin" ? `, bystander p99 ${Number(trial.bystanderP99Ms).toFixed(2)} ms` : `, p99 ${Number(trial.p99Ms).toFixed(2)} ms`;
  return `${trial.opsPerSecond.toFixed(0)}/s, server ${perOp}/op${extra}, other ${Number(trial.otherCores).toFixed(2)} cores${flag}${errors}`;
}

/** Runs `lines` on one server process (started once), `plan.trials` times each. */
export async function runOnOneServer(spec: ServerSpec, lines: LineId[], plan: Plan, files: RunFiles, log: (line: string) => void): Promise<Row[]> {
  const server = await startServer(spec, files, spec.kind === "latch" ? plan.latchEnv : {});
  const rows: Row[] = [];
  try {
    for (const line of lines) {
      const trials: Trial[] = [];
      for (let i = 0; i < plan.trials; i++) {
        const trial = await runTrial(configFor(line, server, plan), plan.policy, log);
        log(`  ${LINE_NAMES[line]}, ${label(spec)}, trial ${(plan.firstTrial ?? 1) + i}: ${describeTrial(line, trial)}`);
        trials.push(trial);
      }
      rows.push({ line, spec, trials });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

/** Runs the idle-memory line with a fresh server process for every trial (a clean baseline). */
export async function runIdleLine(spec: ServerSpec, plan: Plan, files: RunFiles, log: (line: string) => void): Promise<Row> {
  const trials: Trial[] = [];
  for (let i = 0; i < plan.trials; i++) {
    const server = await startServer(spec, files, spec.kind === "latch" ? plan.latchEnv : {});
    try {
      const trial = await runTrial(configFor("idle", server, plan), plan.policy, log);
      log(`  ${LINE_NAMES.idle}, ${label(spec)}, trial ${(plan.firstTrial ?? 1) + i}: ${describeTrial("idle", trial)}`);
      trials.push(trial);
    } finally {
      await server.stop();
    }
  }
  return { line: "idle", spec, trials };
}

/**
 * Runs `run` on every spec once per round, `plan.trials` rounds, and joins each line's trials:
 * the servers take turns, so a machine that drifts during a long pass weighs on all of them alike
 * (run one after another, the last server measured alone caught the drift).
 */
export async function runInRounds(specs: ServerSpec[], plan: Plan, run: (spec: ServerSpec, once: Plan) => Promise<Row[]>): Promise<Row[]> {
  const rows: Row[] = [];
  for (let round = 0; round < plan.trials; round++) {
    for (const spec of specs) {
      for (const row of await run(spec, { ...plan, trials: 1, firstTrial: round + 1 })) {
        const joined = rows.find((known) => known.line === row.line && known.spec === row.spec);
        if (joined) joined.trials.push(...row.trials);
        else rows.push(row);
      }
    }
  }
  return rows;
}
