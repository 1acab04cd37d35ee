import { registerEnumType } from "type-graphql";

export enum Severity { CRITICAL = "CRITICAL", HIGH = "HIGH", NORMAL = "NORMAL" }
export enum ContactChannel { PHONE = "PHONE", EMAIL = "EMAIL", WEB = "WEB" }
export enum SupportLevel { L1 = "L1", L2 = "L2", L3 = "L3" }
export enum IncidentStatus { NEW = "NEW", IN_PROGRESS = "IN_PROGRESS", PENDING_CUSTOMER = "PENDING_CUSTOMER", RESOLVED = "RESOLVED", CLOSED = "CLOSED" }
export enum Role { ADMIN = "ADMIN", LEAD = "LEAD", AGENT = "AGENT", INTEGRATOR = "INTEGRATOR", DISPLAY = "DISPLAY", CUSTOMER = "CUSTOMER" }
export enum ArticleStatus { DRAFT = "DRAFT", PUBLISHED = "PUBLISHED", RETIRED = "RETIRED" }
export enum ClockKind { FIRST_RESPONSE = "FIRST_RESPONSE", CUSTOMER_UPDATE = "CUSTOMER_UPDATE", ESCALATION = "ESCALATION", RESOLUTION = "RESOLUTION" }
export enum ClockState { RUNNING = "RUNNING", PAUSED = "PAUSED", MET = "MET", BREACHED = "BREACHED" }
export enum CommentVisibility { PUBLIC = "PUBLIC", INTERNAL = "INTERNAL" }
export enum AlertKind { AT_RISK = "AT_RISK", BREACHED = "BREACHED", ESCALATED = "ESCALATED" }

registerEnumType(Severity, { name: "Severity", description: "Set by front-line support for internal control (SLA.md)" });
registerEnumType(ContactChannel, { name: "ContactChannel" });
registerEnumType(SupportLevel, { name: "SupportLevel" });
registerEnumType(IncidentStatus, { name: "IncidentStatus" });
registerEnumType(Role, { name: "Role" });
registerEnumType(ArticleStatus, { name: "ArticleStatus" });
registerEnumType(ClockKind, { name: "ClockKind" });
registerEnumType(ClockState, { name: "ClockState" });
registerEnumType(CommentVisibility, { name: "CommentVisibility" });
registerEnumType(AlertKind, { name: "AlertKind" });
