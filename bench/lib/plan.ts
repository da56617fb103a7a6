// What a run measures and for how long: the full pass, or the one-minute --quick pass.
import type { ServerKind, ServerSpec } from "./servers.ts";
import type { TrialPolicy } from "./trials.ts";

export type LineId = "upgrade" | "echo100" | "echo1000" | "idle" | "signin";

export const LINE_NAMES: Record<LineId, string> = {
  upgrade: "Authenticated upgrades (50 clients)",
  echo100: "Echo, 100 connections",
  echo1000: "Echo, 1,000 connections",
  idle: "Idle authenticated sockets",
  signin: "Socket sign-in (8 at once)",
};

export interface Plan {
  quick: boolean;
  trials: number;
  /** The number of the first trial, for the logs (rounds run one trial at a time). */
  firstTrial?: number;
  specs: ServerSpec[];
  lines: LineId[];
  warmupMs: number;
  windowMs: number;
  idleSockets: number;
  settleMs: number;
  signInWarmupMs: number;
  signInWindowMs: number;
  policy: TrialPolicy;
  /** Extra environment for Latch only (experiments: --latch-env=LATCH_LOG_LEVEL=warn). */
  latchEnv: Record<string, string>;
}

const KINDS: ServerKind[] = ["bare-bun", "bun-sqlite", "ws-express", "socketio-express", "latch"];
const ALL_LINES: LineId[] = ["upgrade", "echo100", "echo1000", "idle", "signin"];

/** The plan from the command line: --quick, --servers=a,b, --lines=x,y, --trials=n, --latch-env=K=V. */
export function makePlan(argv: string[]): Plan {
  const quick = argv.includes("--quick");
  const option = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  const kinds = (option("servers")?.split(",") as ServerKind[] | undefined) ?? KINDS;
  // Plain ws:// for the peers in the full pass (Latch speaks only TLS); --quick keeps wss:// only.
  const specs = kinds.flatMap((kind) =>
    kind === "latch" || quick ? [{ kind, tls: true }] : [{ kind, tls: false }, { kind, tls: true }],
  );
  return {
    quick,
    // Five in a full pass: one trial of the same server on this machine varies by about +-10%,
    // as much as the targets' margins, so the median needs more than three.
    trials: Number(option("trials") ?? (quick ? 1 : 5)),
    specs,
    lines: (option("lines")?.split(",") as LineId[] | undefined) ?? ALL_LINES,
    warmupMs: quick ? 500 : 2000,
    windowMs: quick ? 1500 : 5000,
    idleSockets: quick ? 2000 : 10_000,
    settleMs: quick ? 1000 : 3000,
    signInWarmupMs: quick ? 1000 : 3000,
    signInWindowMs: quick ? 3000 : 10_000,
    policy: { maxOtherCores: 0.3, retries: quick ? 0 : 2, quietWaitMs: quick ? 3000 : 30_000, timeoutMs: 180_000 },
    latchEnv: Object.fromEntries(
      argv.filter((arg) => arg.startsWith("--latch-env=")).map((arg) => {
        const [key, ...rest] = arg.slice("--latch-env=".length).split("=");
        return [key!, rest.join("=")];
      }),
    ),
  };
}

/** True when the command line narrowed the run (then RESULTS.md is left alone). */
export function isPartial(argv: string[]): boolean {
  return argv.some((arg) => /^--(servers|lines|trials|latch-env)=/.test(arg));
}
