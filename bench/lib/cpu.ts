// A process's CPU time and resident memory from /proc: the benchmark's primary figures.
import { readFileSync } from "node:fs";

/** Clock ticks per second of utime/stime in /proc/PID/stat (`getconf CLK_TCK`). */
export const CLK_TCK = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

/** utime + stime of every thread of `pid` (or of this process), in clock ticks. */
export function cpuTicks(pid: number | "self"): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** Resident set size of `pid`, in KiB. */
export function rssKiB(pid: number | "self"): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** Busy ticks of the whole machine, all cores (everything in /proc/stat's "cpu" line but idle and iowait). */
export function machineBusyTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

export interface Snapshot {
  at: number;
  serverTicks: number;
  clientTicks: number;
  machineTicks: number;
  count: number;
}

/** Time, server, client and machine CPU, and an operation count, taken together. */
export function snapshot(serverPid: number, count: number): Snapshot {
  return { at: performance.now(), serverTicks: cpuTicks(serverPid), clientTicks: cpuTicks("self"), machineTicks: machineBusyTicks(), count };
}

export interface Window {
  seconds: number;
  ops: number;
  opsPerSecond: number;
  /** Server CPU time per operation, microseconds. */
  serverUsPerOp: number;
  clientUsPerOp: number;
  /** Share of one core the server used over the window. */
  serverCores: number;
  clientCores: number;
  /** CPU used by anything else (other processes, interrupts): a disturbed window shows here. */
  otherCores: number;
}

/** The figures between two snapshots. */
export function windowBetween(start: Snapshot, end: Snapshot): Window {
  const seconds = (end.at - start.at) / 1000;
  const ops = end.count - start.count;
  const serverSeconds = (end.serverTicks - start.serverTicks) / CLK_TCK;
  const clientSeconds = (end.clientTicks - start.clientTicks) / CLK_TCK;
  return {
    seconds,
    ops,
    opsPerSecond: ops / seconds,
    serverUsPerOp: ops > 0 ? (serverSeconds * 1e6) / ops : NaN,
    clientUsPerOp: ops > 0 ? (clientSeconds * 1e6) / ops : NaN,
    serverCores: serverSeconds / seconds,
    clientCores: clientSeconds / seconds,
    otherCores: ((end.machineTicks - start.machineTicks) / CLK_TCK - serverSeconds - clientSeconds) / seconds,
  };
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** RSS of `pid` in KiB by kind of mapping: the brk heap (glibc malloc), anonymous maps, files. */
export function rssByMapping(pid: number | "self"): { heap: number; anonymous: number; files: number } {
  const totals = { heap: 0, anonymous: 0, files: 0 };
  let kind: keyof typeof totals = "anonymous";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) kind = header[1] === "[heap]" ? "heap" : header[1]!.startsWith("/") ? "files" : "anonymous";
    else if (line.startsWith("Rss:")) totals[kind] += Number(line.split(/\s+/)[1]);
  }
  return totals;
}

/** After `warmupMs`, measures the server over `windowMs`; `load.measuring` is true only inside the window. */
export async function measureWindow(
  serverPid: number,
  load: { measuring: boolean; done: number },
  warmupMs: number,
  windowMs: number,
): Promise<Window> {
  await Bun.sleep(warmupMs);
  load.measuring = true;
  const start = snapshot(serverPid, load.done);
  await Bun.sleep(windowMs);
  const end = snapshot(serverPid, load.done);
  load.measuring = false;
  return windowBetween(start, end);
}
