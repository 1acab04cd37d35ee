import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { READERS, requireRole } from "../modules/access/principal.js";
import { Agent, Contact, Product } from "../modules/catalog/catalog.types.js";
import { visibleTo } from "../modules/incident/incident.service.js";
import { Incident } from "../modules/incident/incident.types.js";
import { mayRead } from "../modules/knowledge/knowledge.service.js";
import { KnowledgeArticle } from "../modules/knowledge/knowledge.types.js";
import { Problem } from "../modules/problem/problem.types.js";
import type { Ctx as Context } from "./context.js";
import { parseGlobalId } from "./ids.js";
import { Node } from "./node.js";

@Resolver()
export class RootResolver {
  @Query(() => Date, { description: "the server's time (a simulated clock's, where one runs)" })
  now(@Ctx() ctx: Context): Date {
    return ctx.now;
  }

  @Query(() => Node, { nullable: true, description: "any object by its global id; null when it does not exist or is not visible to the key" })
  async node(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Node | null> {
    const parsed = parseGlobalId(id);
    if (!parsed) return null;
    const { principal, loaders } = ctx;
    const staff = READERS.includes(principal.role);
    switch (parsed.type) {
      case "Product": {
        const row = await loaders.product.load(parsed.key);
        return row ? Product.from(row) : null;
      }
      case "Incident": {
        const row = await loaders.incident.load(parsed.key);
        return row && visibleTo(principal, row) ? Incident.from(row) : null;
      }
      case "Contact": {
        if (!["ADMIN", "LEAD", "AGENT", "INTEGRATOR"].includes(principal.role)) return null;
        const row = await loaders.contact.load(parsed.key);
        return row ? Contact.from(row) : null;
      }
      case "Agent": {
        if (!staff) return null;
        const row = await loaders.agent.load(parsed.key);
        return row ? Agent.from(row) : null;
      }
      case "KnowledgeArticle": {
        const row = await loaders.article.load(parsed.key);
        return row && mayRead(principal, row) ? KnowledgeArticle.from(row) : null;
      }
      case "Problem": {
        if (!staff) return null;
        const row = await loaders.problem.load(parsed.key);
        return row ? Problem.from(row) : null;
      }
      default:
        requireRole(principal, READERS, "read this object");
        return null;
    }
  }
}
