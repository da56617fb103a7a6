// Bun macro: bundles the browser code and reads the pages when the server is transpiled or
// compiled, so the binary carries them and serves them from memory.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");

/** The browser bundle (ES module, minified) of `entry`, a path from the repository root. */
export function bundleBrowserScript(entry: string): string {
  // Bun.build cannot run inside a macro (the bundler waits for the macro); the CLI can.
  const result = Bun.spawnSync([process.execPath, "build", join(ROOT, entry), "--target=browser", "--format=esm", "--minify"]);
  if (result.exitCode !== 0) throw new Error(`bundling ${entry} failed: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

/** A text file's content, `path` from the repository root. */
export function readTextFile(path: string): string {
  return readFileSync(join(ROOT, path), "utf8");
}
