import type { Logger } from "../platform/logger.js";
import type { Principal } from "../modules/access/principal.js";
import type { Loaders } from "./loaders.js";
import type { Services } from "../services.js";
import type { DirectSink } from "./executor.js";

/** What every resolver receives. `now` is read once per request (or per pushed event). */
export interface Ctx {
  requestId: string;
  principal: Principal;
  now: Date;
  loaders: Loaders;
  services: Services;
  log: Logger;
  /** Over graphql-ws: the subscriber's socket, for pushes sent straight to it (graphql/executor.ts). */
  push?: DirectSink;
}
