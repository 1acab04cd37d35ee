/**
 * How the SLA engine's history events are recorded as incident events (the timeline and
 * the published stream): the API's event type, whether a CUSTOMER key may see it, and the
 * JSON details. One mapping, used for a person's commands and the product's decisions alike.
 */
import type { IncidentHistoryEvent } from "../../domain/index.js";
import type { ActorKind } from "./incident.rows.js";
import type { NewEvent } from "./incident-events.repo.js";

/** Event types a CUSTOMER key sees (ACCESS.md: public comments and status changes). */
const CUSTOMER_VISIBLE = new Set(["OPENED", "RESPONDED", "PAUSED", "RESUMED", "RESOLVED", "CLOSED", "REOPENED"]);

/** The API's type for a history event; the first public communication is RESPONDED. */
export function apiType(e: IncidentHistoryEvent, firstPublicCommunication: boolean): string {
  switch (e.type) {
    case "COMMENTED":
      return firstPublicCommunication ? "RESPONDED" : "COMMENTED";
    case "ALERT":
      return e.alert.kind === "ESCALATED" ? "ESCALATION_ALERT" : e.alert.kind;
    default:
      return e.type;
  }
}

export interface Actor {
  kind: ActorKind;
  agentId: string | null;
  name: string | null;
}

export const SYSTEM: Actor = { kind: "SYSTEM", agentId: null, name: null };

/** Strips what the timeline does not need (the calendar's spans are in the targets). */
function details(e: IncidentHistoryEvent, extra: Record<string, unknown>): Record<string, unknown> {
  const { type: _type, at: _at, ...rest } = e as unknown as Record<string, unknown>;
  return { ...rest, ...extra };
}

/**
 * The stored event for a history event. `extra` carries what the engine does not need
 * (a comment's id and body, a reason, the summary). A customer's own comment is public.
 */
export function toStored(e: IncidentHistoryEvent, actor: Actor, firstPublic: boolean, extra: Record<string, unknown> = {}): NewEvent {
  const type = apiType(e, firstPublic);
  const isPublicComment = e.type === "COMMENTED" && e.visibility === "PUBLIC";
  return {
    type,
    at: new Date(e.at),
    actorKind: actor.kind,
    actorAgentId: actor.agentId,
    actorName: actor.name,
    public: CUSTOMER_VISIBLE.has(type) || isPublicComment,
    data: details(e, extra),
  };
}
