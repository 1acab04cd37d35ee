import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.js";

export type { Logger };

/** JSON logs on stdout; secrets never reach them (keys are named by id). */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ["req.headers.authorization", "authorization", "secret"], censor: "[redacted]" },
  });
}
