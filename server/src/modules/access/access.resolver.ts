import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { fromGlobalId } from "../../graphql/ids.js";
import { Agent, Contact } from "../catalog/catalog.types.js";
import { ApiKey, ApiKeyInput, ApiKeySecret } from "./access.types.js";
import { requireRole } from "./principal.js";

@Resolver(() => ApiKey)
export class AccessResolver {
  @Query(() => [ApiKey])
  async apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    requireRole(ctx.principal, ["ADMIN"], "list API keys");
    return (await ctx.services.apiKeys.list()).map(ApiKey.from);
  }

  @Mutation(() => ApiKeySecret)
  async createApiKey(@Ctx() ctx: Context, @Arg("input", () => ApiKeyInput) input: ApiKeyInput): Promise<ApiKeySecret> {
    requireRole(ctx.principal, ["ADMIN"], "create API keys");
    const { key, secret } = await ctx.services.apiKeys.create({
      name: input.name,
      role: input.role,
      agentId: input.agentId ? fromGlobalId(input.agentId, "Agent", "agentId") : null,
      contactId: input.contactId ? fromGlobalId(input.contactId, "Contact", "contactId") : null,
      rateLimit: input.rateLimit ?? null,
    });
    return Object.assign(new ApiKeySecret(), { apiKey: ApiKey.from(key), secret });
  }

  @Mutation(() => ApiKey)
  async revokeApiKey(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<ApiKey> {
    requireRole(ctx.principal, ["ADMIN"], "revoke API keys");
    return ApiKey.from(await ctx.services.apiKeys.revoke(fromGlobalId(id, "ApiKey"), ctx.principal));
  }

  @FieldResolver(() => Agent, { nullable: true })
  async agent(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<Agent | null> {
    if (!key.row.agent_id) return null;
    const row = await ctx.loaders.agent.load(key.row.agent_id);
    return row ? Agent.from(row) : null;
  }

  @FieldResolver(() => Contact, { nullable: true })
  async contact(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<Contact | null> {
    if (!key.row.contact_id) return null;
    const row = await ctx.loaders.contact.load(key.row.contact_id);
    return row ? Contact.from(row) : null;
  }
}
