import { Arg, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { pageSize } from "../../graphql/ids.js";
import { requireRole, READERS } from "../access/principal.js";
import { Agent, AgentInput, Contact, ContactInput, Product } from "./catalog.types.js";

@Resolver()
export class CatalogResolver {
  @Query(() => [Product])
  async products(@Ctx() ctx: Context): Promise<Product[]> {
    requireRole(ctx.principal, [...READERS, "CUSTOMER"], "read products");
    return (await ctx.services.catalog.products()).map(Product.from);
  }

  @Query(() => [Contact])
  async contacts(
    @Ctx() ctx: Context,
    @Arg("search", () => String, { nullable: true }) search: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
  ): Promise<Contact[]> {
    requireRole(ctx.principal, ["ADMIN", "LEAD", "AGENT", "INTEGRATOR"], "read contacts");
    return (await ctx.services.catalog.contacts(search, pageSize(first))).map(Contact.from);
  }

  @Query(() => [Agent])
  async agents(@Ctx() ctx: Context): Promise<Agent[]> {
    requireRole(ctx.principal, READERS, "read agents");
    return (await ctx.services.catalog.agents()).map(Agent.from);
  }

  @Mutation(() => Product)
  async createProduct(@Ctx() ctx: Context, @Arg("code") code: string, @Arg("name") name: string): Promise<Product> {
    requireRole(ctx.principal, ["ADMIN"], "create products");
    return Product.from(await ctx.services.catalog.createProduct(code, name));
  }

  @Mutation(() => Contact)
  async createContact(@Ctx() ctx: Context, @Arg("input", () => ContactInput) input: ContactInput): Promise<Contact> {
    requireRole(ctx.principal, ["ADMIN", "INTEGRATOR"], "create contacts");
    return Contact.from(await ctx.services.catalog.createContact(input));
  }

  @Mutation(() => Agent)
  async createAgent(@Ctx() ctx: Context, @Arg("input", () => AgentInput) input: AgentInput): Promise<Agent> {
    requireRole(ctx.principal, ["ADMIN"], "create agents");
    return Agent.from(await ctx.services.catalog.createAgent(input));
  }
}
