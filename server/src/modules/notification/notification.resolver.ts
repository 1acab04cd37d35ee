import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { DomainError } from "../../domain/errors.js";
import type { Ctx as Context } from "../../graphql/context.js";
import { pageSize } from "../../graphql/ids.js";
import { requireRole } from "../access/principal.js";
import { fromId } from "./ids.js";
import type { WebhookRow } from "./notification.service.js";
import { DeliveryStatus, Webhook, WebhookDelivery, WebhookInput } from "./notification.types.js";

/** Webhooks by id, one loader per request (keyed by the request's loaders object). */
const webhookLoaders = new WeakMap<object, DataLoader<string, WebhookRow | null>>();
function webhookLoader(ctx: Context): DataLoader<string, WebhookRow | null> {
  let loader = webhookLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const rows = await ctx.services.notifications.webhooksByIds(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    webhookLoaders.set(ctx.loaders, loader);
  }
  return loader;
}

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook])
  async webhooks(@Ctx() ctx: Context): Promise<Webhook[]> {
    requireRole(ctx.principal, ["ADMIN"], "list webhooks");
    return (await ctx.services.notifications.listWebhooks()).map(Webhook.from);
  }

  @Mutation(() => Webhook)
  async createWebhook(@Ctx() ctx: Context, @Arg("input", () => WebhookInput) input: WebhookInput): Promise<Webhook> {
    requireRole(ctx.principal, ["ADMIN"], "create webhooks");
    return Webhook.from(await ctx.services.notifications.createWebhook(input, ctx.now));
  }

  @Mutation(() => Webhook)
  async deleteWebhook(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Webhook> {
    requireRole(ctx.principal, ["ADMIN"], "delete webhooks");
    return Webhook.from(await ctx.services.notifications.deleteWebhook(fromId(id, "Webhook", "id")));
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @Query(() => [WebhookDelivery])
  async webhookDeliveries(
    @Ctx() ctx: Context,
    @Arg("webhookId", () => ID, { nullable: true }) webhookId: string | null,
    @Arg("status", () => [DeliveryStatus], { nullable: true }) status: DeliveryStatus[] | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
  ): Promise<WebhookDelivery[]> {
    requireRole(ctx.principal, ["ADMIN"], "read webhook deliveries");
    const rows = await ctx.services.notifications.deliveries({
      webhookId: webhookId ? fromId(webhookId, "Webhook", "webhookId") : null,
      status,
      first: pageSize(first),
    });
    return rows.map(WebhookDelivery.from);
  }

  @Mutation(() => WebhookDelivery)
  async redeliverWebhook(@Ctx() ctx: Context, @Arg("deliveryId", () => ID) deliveryId: string): Promise<WebhookDelivery> {
    requireRole(ctx.principal, ["ADMIN"], "redeliver webhooks");
    return WebhookDelivery.from(await ctx.services.notifications.redeliver(fromId(deliveryId, "WebhookDelivery", "deliveryId"), ctx.now));
  }

  @FieldResolver(() => Webhook)
  async webhook(@Root() delivery: WebhookDelivery, @Ctx() ctx: Context): Promise<Webhook> {
    const row = await webhookLoader(ctx).load(delivery.row.webhook_id);
    if (!row) throw new DomainError("NOT_FOUND", "the delivery's webhook is gone");
    return Webhook.from(row);
  }
}
