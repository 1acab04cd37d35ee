import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { fromGlobalId } from "../../graphql/ids.js";
import { READERS, requireRole } from "../access/principal.js";
import { BusinessCalendar, CalendarInput, SlaTarget, SlaTargetInput } from "./sla-policy.types.js";

@Resolver()
export class SlaPolicyResolver {
  @Query(() => [BusinessCalendar])
  async calendars(@Ctx() ctx: Context): Promise<BusinessCalendar[]> {
    requireRole(ctx.principal, READERS, "read calendars");
    return (await ctx.services.policy.calendars()).map(BusinessCalendar.from);
  }

  @Query(() => [SlaTarget])
  async slaTargets(@Ctx() ctx: Context): Promise<SlaTarget[]> {
    requireRole(ctx.principal, READERS, "read SLA targets");
    return (await ctx.services.policy.targets()).map((t) => SlaTarget.from(t.targets, t.calendar));
  }

  @Mutation(() => BusinessCalendar)
  async createCalendar(@Ctx() ctx: Context, @Arg("input", () => CalendarInput) input: CalendarInput): Promise<BusinessCalendar> {
    requireRole(ctx.principal, ["ADMIN", "LEAD"], "create calendars");
    return BusinessCalendar.from(await ctx.services.policy.createCalendar(input));
  }

  @Mutation(() => BusinessCalendar, { description: "recomputes running clocks that use it" })
  async updateCalendar(@Ctx() ctx: Context, @Arg("id", () => ID) id: string, @Arg("input", () => CalendarInput) input: CalendarInput): Promise<BusinessCalendar> {
    requireRole(ctx.principal, ["ADMIN", "LEAD"], "change calendars");
    return BusinessCalendar.from(await ctx.services.policy.updateCalendar(fromGlobalId(id, "BusinessCalendar"), input));
  }

  @Mutation(() => SlaTarget, { description: "recomputes running clocks of that severity" })
  async setSlaTarget(@Ctx() ctx: Context, @Arg("input", () => SlaTargetInput) input: SlaTargetInput): Promise<SlaTarget> {
    requireRole(ctx.principal, ["ADMIN", "LEAD"], "change SLA targets");
    const saved = await ctx.services.policy.setTarget(input.severity, {
      ...input,
      recommendedChannels: input.recommendedChannels ?? null,
      calendarId: input.calendarId ? fromGlobalId(input.calendarId, "BusinessCalendar", "calendarId") : null,
    });
    return SlaTarget.from(saved.targets, saved.calendar);
  }
}
