// Builds dist/latch: one self-contained executable with the native addons and migrations inside.
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import type { BunPlugin } from "bun";

const ENTRY = join(import.meta.dir, "src/main.ts");
const OUTFILE = join(import.meta.dir, "dist/latch");

// libsql picks its native package with `require(`@libsql/${target}`)`, a name computed at run
// time that the bundler cannot follow; we compute the same name now and write it in literally.
const LIBSQL_INDEX = /[\\/]node_modules[\\/]libsql[\\/]index\.js$/;
const LIBSQL_COMPUTED_REQUIRE = "require(`@libsql/${target}`)";

/** The @libsql/<target> package libsql's index.js would load on this machine. */
export function libsqlNativePackage(libsqlIndexPath: string): string {
  const requireFromLibsql = createRequire(libsqlIndexPath);
  const { currentTarget } = requireFromLibsql("@neon-rs/load") as { currentTarget(): string };
  const { familySync, GLIBC, MUSL } = requireFromLibsql("detect-libc") as {
    familySync(): string | null;
    GLIBC: string;
    MUSL: string;
  };
  // The same corrections libsql makes (Bun reports musl on glibc systems; arm musl is missed).
  let target = currentTarget();
  if (familySync() === GLIBC) {
    if (target === "linux-x64-musl") target = "linux-x64-gnu";
    if (target === "linux-arm64-musl") target = "linux-arm64-gnu";
  }
  if (target === "linux-arm-gnueabihf" && familySync() === MUSL) target = "linux-arm-musleabihf";
  return `@libsql/${target}`;
}

/** A plugin rewriting libsql's computed require into a literal one; `used()` says if it ran. */
export function libsqlNativePlugin(): BunPlugin & { used(): boolean } {
  let rewrote = false;
  return {
    name: "libsql-native-package",
    used: () => rewrote,
    setup(build) {
      build.onLoad({ filter: LIBSQL_INDEX }, async ({ path }) => {
        const source = await Bun.file(path).text();
        if (!source.includes(LIBSQL_COMPUTED_REQUIRE)) {
          throw new Error(`${path}: libsql no longer loads its addon with ${LIBSQL_COMPUTED_REQUIRE}; update build.ts`);
        }
        const native = libsqlNativePackage(path);
        // Fail the build here, not at the binary's first start, when the package is missing.
        createRequire(path).resolve(native);
        rewrote = true;
        return { contents: source.replace(LIBSQL_COMPUTED_REQUIRE, `require(${JSON.stringify(native)})`), loader: "js" };
      });
    },
  };
}

/** Compiles src/main.ts into a standalone executable at `outfile`. */
export async function buildBinary(outfile = OUTFILE): Promise<string> {
  const libsql = libsqlNativePlugin();
  const result = await Bun.build({
    entrypoints: [ENTRY],
    target: "bun",
    minify: true,
    // Embedded in the binary so stack traces name src/ files; the copy written beside it is removed.
    sourcemap: "linked",
    plugins: [libsql],
    compile: {
      outfile,
      // The binary reads its settings from the real environment only: no bunfig.toml (which
      // could preload code), .env, tsconfig or package.json picked up from the folder it runs in.
      autoloadBunfig: false,
      autoloadDotenv: false,
      autoloadTsconfig: false,
      autoloadPackageJson: false,
    },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error("build failed");
  }
  // Without the rewrite the binary builds fine and then cannot open the database at start.
  if (!libsql.used()) throw new Error("build: libsql/index.js was never rewritten; the binary could not load libSQL");
  rmSync(`${outfile}.map`, { force: true });
  return outfile;
}

if (import.meta.main) {
  // `bun build.ts [outfile]`; dist/latch by default.
  const outfile = await buildBinary(process.argv[2] ? resolve(process.argv[2]) : OUTFILE);
  console.log(`built ${relative(process.cwd(), outfile)}`);
}
