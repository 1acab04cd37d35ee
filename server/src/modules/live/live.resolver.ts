import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { Severity, SupportLevel } from "../../graphql/enums.js";
import { pageSize } from "../../graphql/ids.js";
import { READERS, requireRole } from "../access/principal.js";
import type { ComplianceFigures, QueueRow } from "../compliance/compliance.service.js";
import { checkWindow } from "../compliance/compliance.service.js";
import { BoardFilter, SlaAlert } from "../incident/alert.types.js";
import { Incident } from "../incident/incident.types.js";
import type { ClockTickValue } from "./live.service.js";
import { ClockTick, CompliancePoint, QueueStats, SlaCompliance, WallboardSnapshot } from "./live.types.js";

const DAY = 86_400;

@Resolver(() => WallboardSnapshot)
export class LiveResolver {
  @Query(() => SlaCompliance, { description: "the commitments over the window ending now (SLA.md Compliance)" })
  async slaCompliance(
    @Ctx() ctx: Context,
    @Arg("windowSeconds", () => Int) windowSeconds: number,
    @Arg("severity", () => Severity, { nullable: true }) severity: Severity | null,
    @Arg("level", () => SupportLevel, { nullable: true }) level: SupportLevel | null,
    @Arg("productCode", () => String, { nullable: true }) productCode: string | null,
  ): Promise<SlaCompliance> {
    requireRole(ctx.principal, READERS, "read compliance");
    const dims = { severities: severity ? [severity] : null, levels: level ? [level] : null, productCodes: productCode ? [productCode] : null };
    return SlaCompliance.from(await ctx.services.compliance.compliance(windowSeconds, ctx.now, dims), { severity, level, productCode });
  }

  @Query(() => [CompliancePoint])
  async complianceTrend(
    @Ctx() ctx: Context,
    @Arg("windowSeconds", () => Int) windowSeconds: number,
    @Arg("bucketSeconds", () => Int) bucketSeconds: number,
    @Arg("filter", () => BoardFilter, { nullable: true }) filter: BoardFilter | null,
  ): Promise<CompliancePoint[]> {
    requireRole(ctx.principal, READERS, "read compliance");
    return (await ctx.services.compliance.trend(windowSeconds, bucketSeconds, ctx.now, filter)).map(CompliancePoint.from);
  }

  @Query(() => [QueueStats])
  async queues(@Ctx() ctx: Context, @Arg("filter", () => BoardFilter, { nullable: true }) filter: BoardFilter | null): Promise<QueueStats[]> {
    requireRole(ctx.principal, READERS, "read queues");
    return (await ctx.services.compliance.queues(ctx.now, filter)).map(QueueStats.from);
  }

  @Query(() => WallboardSnapshot, { description: "everything a board shows, at one instant, for one team" })
  async wallboard(@Ctx() ctx: Context, @Arg("filter", () => BoardFilter, { nullable: true }) filter: BoardFilter | null): Promise<WallboardSnapshot> {
    requireRole(ctx.principal, READERS, "read the wallboard");
    const svc = ctx.services.compliance;
    // one read snapshot: queues, figures and the sequence agree with each other
    const parts = await ctx.services.db.transaction(
      async (tx) => {
        const sequence = await svc.lastSequence(tx);
        const queues = await svc.queues(ctx.now, filter, tx);
        const day = await svc.compliance(DAY, ctx.now, filter, tx);
        const week = await svc.compliance(7 * DAY, ctx.now, filter, tx);
        return { sequence, queues, day, week };
      },
      "REPEATABLE READ",
    );
    return Object.assign(new WallboardSnapshot(), {
      filter,
      serverTime: ctx.now,
      clockRate: ctx.services.clock.rate,
      sequence: parts.sequence,
      queues: parts.queues.map(QueueStats.from),
      compliance: [SlaCompliance.forBoard(parts.day, filter), SlaCompliance.forBoard(parts.week, filter)],
    });
  }

  @FieldResolver(() => [Incident], { description: "open incidents: overdue first (longest overdue first), then by nextDueAt; first up to 2,000" })
  async urgent(@Root() snap: WallboardSnapshot, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number): Promise<Incident[]> {
    return (await ctx.services.compliance.urgent(snap.serverTime, pageSize(first, 50, 2000), snap.filter)).map(Incident.from);
  }

  @FieldResolver(() => [SlaAlert], { description: "newest first; first up to 500" })
  async recentAlerts(@Root() snap: WallboardSnapshot, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number): Promise<SlaAlert[]> {
    return (await ctx.services.compliance.recentAlerts(pageSize(first, 20, 500), snap.filter)).map(SlaAlert.from);
  }

  @Subscription(() => [QueueStats], {
    description: "the board's queues when they change: at most once a second, none when nothing changed",
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      requireRole(ctx.principal, READERS, "follow queues");
      return ctx.services.live.subscribeQueues(args.filter as BoardFilter | null);
    },
  })
  queuesChanged(@Root() rows: QueueRow[], @Arg("filter", () => BoardFilter, { nullable: true }) _filter: BoardFilter | null): QueueStats[] {
    return rows.map(QueueStats.from);
  }

  @Subscription(() => SlaCompliance, {
    description: "the commitments over the window when they change: at most once a second",
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      requireRole(ctx.principal, READERS, "follow compliance");
      checkWindow(args.windowSeconds as number);
      return ctx.services.live.subscribeCompliance(args.windowSeconds as number, args.filter as BoardFilter | null);
    },
  })
  complianceChanged(
    @Root() figures: ComplianceFigures,
    @Arg("windowSeconds", () => Int) _windowSeconds: number,
    @Arg("filter", () => BoardFilter, { nullable: true }) filter: BoardFilter | null,
  ): SlaCompliance {
    return SlaCompliance.forBoard(figures, filter);
  }

  @Subscription(() => ClockTick, {
    description: "at least every 5 s, and at once whenever a simulated clock moves",
    subscribe: ({ context }) => {
      const ctx = context as Context;
      requireRole(ctx.principal, READERS, "follow the server clock");
      return ctx.services.live.subscribeClock();
    },
  })
  serverClock(@Root() tick: ClockTickValue): ClockTick {
    return Object.assign(new ClockTick(), tick);
  }
}
