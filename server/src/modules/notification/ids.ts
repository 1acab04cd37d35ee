/**
 * Opaque ids of this module's objects, in the same form as every other id of the API
 * (base64url of "Type:uuid"). Webhook and WebhookDelivery are not Nodes in the contract.
 */
import { DomainError } from "../../domain/errors.js";

type Kind = "Webhook" | "WebhookDelivery";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toId(kind: Kind, uuid: string): string {
  return Buffer.from(`${kind}:${uuid}`, "utf8").toString("base64url");
}

/** The uuid behind an id of `kind`; BAD_USER_INPUT for anything else. */
export function fromId(id: string, kind: Kind, field: string): string {
  const text = typeof id === "string" && id.length <= 200 && /^[A-Za-z0-9_-]+$/.test(id) ? Buffer.from(id, "base64url").toString("utf8") : "";
  const [k, uuid] = [text.slice(0, text.indexOf(":")), text.slice(text.indexOf(":") + 1)];
  if (k !== kind || !UUID.test(uuid)) throw new DomainError("BAD_USER_INPUT", `${field} is not a valid ${kind} id`, { field });
  return uuid;
}
