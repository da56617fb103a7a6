// JSON logs, one line per event, through pino. Callers never pass secrets; the redact list is
// a second line of defence for fields that could carry them by mistake.
import pino from "pino";

export type Logger = pino.Logger;

/**
 * A logger writing JSON lines to stdout at `level`. `redact: false` is for hot paths whose
 * fields are fixed and never secret (socket open and close), where redaction costs half the line.
 */
export function createLogger(level: pino.LevelWithSilent, { redact = true }: { redact?: boolean } = {}): Logger {
  return pino({
    level,
    base: undefined,
    redact: redact
      ? { paths: ["password", "token", "ticket", "verifier", "cookie", "*.password", "*.token", "*.cookie"], censor: "[redacted]" }
      : undefined,
  });
}
