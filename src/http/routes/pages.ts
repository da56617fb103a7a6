// The demo pages and the client library, embedded in the program and served from memory.
import { Hono } from "hono";
import { bundleBrowserScript, readTextFile } from "../../web/embed.ts" with { type: "macro" };
import type { AppEnv } from "../env.ts";

const ASSETS: Record<string, { body: string; type: string }> = {
  "/": { body: readTextFile("src/web/index.html"), type: "text/html; charset=utf-8" },
  "/app.css": { body: readTextFile("src/web/app.css"), type: "text/css; charset=utf-8" },
  "/app.js": { body: bundleBrowserScript("src/web/app.ts"), type: "text/javascript; charset=utf-8" },
  // The public client library for users' own pages (docs/client.md).
  "/latch-client.js": { body: bundleBrowserScript("src/client/index.ts"), type: "text/javascript; charset=utf-8" },
};

/** GET routes for the embedded pages and scripts. */
export function createPageRoutes() {
  const routes = new Hono<AppEnv>();
  for (const [path, asset] of Object.entries(ASSETS)) {
    routes.get(path, (c) => {
      c.header("Content-Type", asset.type);
      // Pages change with each release; revalidate rather than serve a stale client.
      c.header("Cache-Control", "no-cache");
      return c.body(asset.body);
    });
  }
  return routes;
}
