import { DomainError } from "../../domain/errors.js";
import type { RoleName } from "./role.js";

/** Who is calling: the API key and what it acts as. */
export interface Principal {
  keyId: string;
  keyName: string;
  role: RoleName;
  /** AGENT/LEAD keys act as their agent. */
  agentId: string | null;
  /** CUSTOMER keys act as their contact. */
  contactId: string | null;
  /** The agent's, contact's or key's name, recorded on events. */
  actorName: string;
  /** The key's own requests per rate-limit window; null: the server's default. */
  rateLimit: number | null;
}

/** Refuses with FORBIDDEN unless the caller's role is one of `roles`. */
export function requireRole(principal: Principal, roles: readonly RoleName[], what: string): void {
  if (!roles.includes(principal.role)) {
    throw new DomainError("FORBIDDEN", `a ${principal.role} key may not ${what}`);
  }
}

/** The actor kind recorded on events for a principal. */
export function actorKindOf(principal: Principal): "AGENT" | "LEAD" | "ADMIN" | "INTEGRATOR" | "CUSTOMER" {
  switch (principal.role) {
    case "ADMIN":
      return "ADMIN";
    case "LEAD":
      return "LEAD";
    case "AGENT":
      return "AGENT";
    case "INTEGRATOR":
      return "INTEGRATOR";
    case "CUSTOMER":
      return "CUSTOMER";
    case "DISPLAY":
      throw new DomainError("FORBIDDEN", "a DISPLAY key may not change anything");
  }
}

export const STAFF: readonly RoleName[] = ["ADMIN", "LEAD", "AGENT"];
export const READERS: readonly RoleName[] = ["ADMIN", "LEAD", "AGENT", "INTEGRATOR", "DISPLAY"];
