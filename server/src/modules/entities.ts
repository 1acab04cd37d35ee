import { ApiKeyEntity } from "./access/api-key.entity.js";
import { AgentEntity, ContactEntity, ProductEntity } from "./catalog/catalog.entity.js";
import { IncidentEntity, IncidentEventEntity } from "./incident/incident.entity.js";
import { OutboxEntity } from "../platform/outbox.entity.js";

export const entities = [ProductEntity, ContactEntity, AgentEntity, ApiKeyEntity, IncidentEntity, IncidentEventEntity, OutboxEntity];
