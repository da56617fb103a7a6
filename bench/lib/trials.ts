// One measured trial at a time on a quiet machine: wait for other load to pass, run the client,
// and run again when something else used the CPU during the window (another test run, say).
import { CLK_TCK, machineBusyTicks } from "./cpu.ts";
import type { LoadConfig } from "./load-client.ts";
import { runClient, type ClientResult } from "./run-client.ts";

export interface TrialPolicy {
  /** Other CPU use (cores) above which a window counts as disturbed. */
  maxOtherCores: number;
  retries: number;
  quietWaitMs: number;
  timeoutMs: number;
}

export type Trial = ClientResult & { disturbed: boolean; retried: number };

/** Cores the whole machine used over `ms`. */
async function machineLoad(ms: number): Promise<number> {
  const before = machineBusyTicks();
  await Bun.sleep(ms);
  return (machineBusyTicks() - before) / CLK_TCK / (ms / 1000);
}

/** Waits (up to `maxMs`) until the machine is nearly idle; returns whether it became so. */
export async function waitForQuiet(maxMs: number, threshold = 0.15): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  do {
    if ((await machineLoad(400)) < threshold) return true;
  } while (Date.now() < deadline);
  return false;
}

/** Runs `config` until a window is undisturbed or the retries are spent (the last one is kept, flagged). */
export async function runTrial(config: LoadConfig, policy: TrialPolicy, log: (line: string) => void): Promise<Trial> {
  for (let attempt = 0; ; attempt++) {
    await waitForQuiet(policy.quietWaitMs);
    const result = await runClient(config, policy.timeoutMs);
    const other = Number(result.otherCores);
    const disturbed = other > policy.maxOtherCores;
    if (!disturbed || attempt >= policy.retries) return { ...result, disturbed, retried: attempt };
    log(`    disturbed (other load ${other.toFixed(2)} cores), again`);
  }
}
