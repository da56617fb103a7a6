// Bundles src/client into one minified browser ES module (served by the server as /latch-client.js).
import { join } from "node:path";

const ENTRY = join(import.meta.dir, "index.ts");

/** Builds the client bundle in memory and returns its JavaScript text. */
export async function buildClientBundle(): Promise<string> {
  const result = await Bun.build({ entrypoints: [ENTRY], target: "browser", format: "esm", minify: true });
  if (!result.success || result.outputs.length !== 1) {
    for (const log of result.logs) console.error(log);
    throw new Error("buildClientBundle: the client bundle did not build");
  }
  return result.outputs[0]!.text();
}

if (import.meta.main) {
  // `bun src/client/build-client.ts > latch-client.js`
  process.stdout.write(await buildClientBundle());
}
