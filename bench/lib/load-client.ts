// The load client process (run pinned to its own core by bench/run.ts): runs one load from the
// JSON config in argv[2] and prints its figures as one JSON line.
import { runEcho, type EchoConfig } from "./load-echo.ts";
import { runIdle, type IdleConfig } from "./load-idle.ts";
import { runSignIns, type SignInConfig } from "./load-signin.ts";
import { runUpgrades, type UpgradeConfig } from "./load-upgrade.ts";

export type LoadConfig =
  | ({ mode: "upgrade" } & UpgradeConfig)
  | ({ mode: "echo" } & EchoConfig)
  | ({ mode: "idle" } & IdleConfig)
  | ({ mode: "signin" } & SignInConfig);

const config = JSON.parse(process.argv[2] ?? "{}") as LoadConfig;
const result =
  config.mode === "upgrade"
    ? await runUpgrades(config)
    : config.mode === "echo"
      ? await runEcho(config)
      : config.mode === "idle"
        ? await runIdle(config)
        : await runSignIns(config);
console.log(JSON.stringify(result));
process.exit(0);
