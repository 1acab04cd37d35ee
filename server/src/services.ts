import type { Clock } from "./platform/clock.js";
import type { Db } from "./platform/data-source.js";
import type { EventBus } from "./platform/event-bus.js";
import type { OutboxRelay } from "./platform/outbox-relay.js";
import type { ApiKeyService } from "./modules/access/api-key.service.js";
import type { CatalogService } from "./modules/catalog/catalog.service.js";
import type { IncidentService } from "./modules/incident/incident.service.js";
import type { ClockService } from "./modules/clock/clock.service.js";
import type { SlaPolicyService } from "./modules/sla-policy/sla-policy.service.js";
import type { OrderedStream } from "./platform/ordered-stream.js";
import type { AlertMessage } from "./modules/incident/alert.repo.js";
import type { BreachWatcher } from "./platform/breach-watcher.js";
import type { ComplianceService } from "./modules/compliance/compliance.service.js";
import type { LiveService } from "./modules/live/live.service.js";
import type { NotificationService } from "./modules/notification/notification.service.js";
import type { KnowledgeService } from "./modules/knowledge/knowledge.service.js";
import type { ProblemService } from "./modules/problem/problem.service.js";

/** The application's services, built once at start and handed to resolvers through the context. */
export interface Services {
  db: Db;
  clock: Clock;
  bus: EventBus;
  relay: OutboxRelay;
  apiKeys: ApiKeyService;
  catalog: CatalogService;
  incidents: IncidentService;
  clockControl: ClockService;
  policy: SlaPolicyService;
  /** Alerts in published order, on this replica. */
  alerts: OrderedStream<AlertMessage>;
  watcher: BreachWatcher;
  compliance: ComplianceService;
  live: LiveService;
  /** E-mail and webhook notifications (issue 9). */
  notifications: NotificationService;
  /** Knowledge base: articles, search, deflection (issue 7). */
  knowledge: KnowledgeService;
  /** Problem management and recurring incidents (issue 7). */
  problems: ProblemService;
}
