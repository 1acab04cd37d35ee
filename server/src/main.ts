import { startApp } from "./app.js";
import { ConfigError, loadConfig } from "./platform/config.js";
import { createLogger } from "./platform/logger.js";

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`atalaya: configuration error: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
const log = createLogger(config.logLevel);
let app;
try {
  app = await startApp(config, log);
} catch (err) {
  log.fatal({ err }, "atalaya could not start");
  process.exit(1);
}

if (app.firstStartKeys.admin) {
  // Shown once, on purpose not through the logger: only their hashes are kept.
  const base = `http://localhost:${app.port}`;
  process.stdout.write(
    [
      "",
      "First start: two API keys were created. They are shown only now; keep them safe.",
      `  administrator key: ${app.firstStartKeys.admin}`,
      `  wallboard (DISPLAY) key: ${app.firstStartKeys.display}`,
      `  wallboard: ${base}/#key=${app.firstStartKeys.display}`,
      `  GraphQL:   ${base}/graphql  (header  Authorization: Bearer <key>)`,
      "",
    ].join("\n") + "\n",
  );
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
