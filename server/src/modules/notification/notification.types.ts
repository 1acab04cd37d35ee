import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { toId } from "./ids.js";
import type { WebhookDeliveryRow, WebhookRow } from "./notification.service.js";

export enum DeliveryStatus {
  PENDING = "PENDING",
  DELIVERED = "DELIVERED",
  FAILED = "FAILED",
  DEAD = "DEAD",
}
registerEnumType(DeliveryStatus, {
  name: "DeliveryStatus",
  description: "PENDING: waiting for its first attempt; FAILED: an attempt failed, another is scheduled; DEAD: given up after 24 h of retries (redeliverWebhook sends it again)",
});

@ObjectType({ simpleResolvers: true, description: "An integrator's endpoint: every event it subscribes to is POSTed as JSON, signed with HMAC-SHA256 (X-Atalaya-Signature-256)" })
export class Webhook {
  row!: WebhookRow;
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field(() => [String]) events!: string[];
  @Field() active!: boolean;
  @Field(() => Date) createdAt!: Date;

  static from(row: WebhookRow): Webhook {
    return Object.assign(new Webhook(), {
      row,
      id: toId("Webhook", row.id),
      url: row.url,
      events: row.events,
      active: row.active && !row.deleted_at,
      createdAt: row.created_at,
    });
  }
}

@InputType({ description: 'events: IncidentEvent types, or "*"' })
export class WebhookInput {
  @Field() url!: string;
  @Field(() => [String]) events!: string[];
  @Field() secret!: string;
}

@ObjectType({ simpleResolvers: true })
export class WebhookDelivery {
  row!: WebhookDeliveryRow;
  @Field(() => ID, { description: "the X-Atalaya-Delivery header: the same on every attempt" }) id!: string;
  // webhook: field resolver
  @Field(() => String, { description: "the event's sequence" }) sequence!: string;
  @Field() eventType!: string;
  @Field(() => DeliveryStatus) status!: DeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;

  static from(row: WebhookDeliveryRow): WebhookDelivery {
    return Object.assign(new WebhookDelivery(), {
      row,
      id: toId("WebhookDelivery", row.id),
      sequence: row.event_sequence,
      eventType: row.event_type,
      status: row.status as DeliveryStatus,
      attempts: row.attempts,
      lastError: row.last_error,
      nextAttemptAt: row.next_attempt_at,
      deliveredAt: row.delivered_at,
    });
  }
}
