// For the memory breakdown only: on SIGUSR2, collect garbage and print one JSON line with the
// RSS and JavaScriptCore's heap statistics (object counts by type).
import { heapStats } from "bun:jsc";
import { rssKiB } from "./cpu.ts";

/** Installs the SIGUSR2 handler in this process. */
export function reportHeapOnSignal(): void {
  process.on("SIGUSR2", () => {
    const rssBeforeGcKiB = rssKiB("self");
    Bun.gc(true);
    const stats = heapStats();
    console.log(
      JSON.stringify({
        event: "heap",
        rssBeforeGcKiB,
        rssKiB: rssKiB("self"),
        heapSize: stats.heapSize,
        heapCapacity: stats.heapCapacity,
        extraMemorySize: stats.extraMemorySize,
        objectCount: stats.objectCount,
        objectTypeCounts: stats.objectTypeCounts,
      }),
    );
  });
}
