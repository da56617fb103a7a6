// Small helpers for the benchmarks: summary statistics and writing bench/RESULTS.md sections.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const RESULTS = join(import.meta.dir, "RESULTS.md");

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** "median (min-max)" with two decimals. */
export function stats(values: number[]): string {
  return `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
}

/** Replaces (or appends) the `## title` section of bench/RESULTS.md. */
export function replaceSection(title: string, body: string): void {
  const text = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "# Benchmark results\n";
  const heading = `## ${title}\n`;
  const start = text.indexOf(heading);
  const section = `${heading}\n${body.trim()}\n\n`;
  if (start < 0) return writeFileSync(RESULTS, `${text.trimEnd()}\n\n${section}`);
  const next = text.indexOf("\n## ", start + heading.length);
  writeFileSync(RESULTS, text.slice(0, start) + section + (next < 0 ? "" : text.slice(next + 1)));
}
