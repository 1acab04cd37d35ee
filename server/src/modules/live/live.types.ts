import { Field, Float, Int, ObjectType } from "type-graphql";
import type { ComplianceRate as DomainRate } from "../../domain/index.js";
import { Severity, SupportLevel } from "../../graphql/enums.js";
import type { ComplianceFigures, QueueRow, Rates } from "../compliance/compliance.service.js";
import type { BoardFilter } from "../incident/alert.types.js";

@ObjectType({ simpleResolvers: true, description: "rate and meetingTarget are null when nothing was decided" })
export class ComplianceRate {
  @Field(() => Float) target!: number;
  @Field(() => Int) met!: number;
  @Field(() => Int) breached!: number;
  @Field(() => Float, { nullable: true }) rate!: number | null;
  @Field(() => Boolean, { nullable: true }) meetingTarget!: boolean | null;

  static from(r: DomainRate): ComplianceRate {
    return Object.assign(new ComplianceRate(), r);
  }
}

@ObjectType({ simpleResolvers: true })
export class SlaCompliance {
  @Field(() => Int) windowSeconds!: number;
  @Field(() => Date, { description: "exclusive" }) from!: Date;
  @Field(() => Date, { description: "inclusive" }) to!: Date;
  @Field(() => Severity, { nullable: true }) severity!: Severity | null;
  @Field(() => SupportLevel, { nullable: true }) level!: SupportLevel | null;
  @Field(() => String, { nullable: true }) productCode!: string | null;
  @Field(() => ComplianceRate, { description: "target 0.95" }) firstResponse!: ComplianceRate;
  @Field(() => ComplianceRate, { description: "target 0.90" }) updatesAndEscalations!: ComplianceRate;
  @Field(() => Int, { description: "open incidents with a cycle at risk now" }) atRisk!: number;
  @Field(() => Int, { description: "open incidents that are overdue now" }) breachedOpen!: number;

  static from(f: ComplianceFigures, dims: { severity?: string | null; level?: string | null; productCode?: string | null } = {}): SlaCompliance {
    return Object.assign(new SlaCompliance(), {
      windowSeconds: f.windowSeconds,
      from: f.from,
      to: f.to,
      severity: (dims.severity ?? null) as Severity | null,
      level: (dims.level ?? null) as SupportLevel | null,
      productCode: dims.productCode ?? null,
      firstResponse: ComplianceRate.from(f.firstResponse),
      updatesAndEscalations: ComplianceRate.from(f.updatesAndEscalations),
      atRisk: f.atRisk,
      breachedOpen: f.breachedOpen,
    });
  }

  /** A board's figures: one dimension shown only when the filter names exactly one value. */
  static forBoard(f: ComplianceFigures, filter: BoardFilter | null | undefined): SlaCompliance {
    const one = (v: readonly string[] | null | undefined) => (v?.length === 1 ? v[0] : null);
    return SlaCompliance.from(f, { severity: one(filter?.severities), level: one(filter?.levels), productCode: one(filter?.productCodes) });
  }
}

@ObjectType({ simpleResolvers: true, description: "outcomes decided in (from, to] only" })
export class CompliancePoint {
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => ComplianceRate) firstResponse!: ComplianceRate;
  @Field(() => ComplianceRate) updatesAndEscalations!: ComplianceRate;

  static from(p: Rates & { from: Date; to: Date }): CompliancePoint {
    return Object.assign(new CompliancePoint(), {
      from: p.from,
      to: p.to,
      firstResponse: ComplianceRate.from(p.firstResponse),
      updatesAndEscalations: ComplianceRate.from(p.updatesAndEscalations),
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class QueueStats {
  @Field(() => SupportLevel) level!: SupportLevel;
  @Field(() => Severity) severity!: Severity;
  @Field(() => Int) open!: number;
  @Field(() => Int) awaitingFirstResponse!: number;
  @Field(() => Int) atRisk!: number;
  @Field(() => Int) overdue!: number;
  @Field(() => Date, { nullable: true }) oldestOpenedAt!: Date | null;
  @Field(() => Date, { nullable: true }) nextDueAt!: Date | null;

  static from(q: QueueRow): QueueStats {
    return Object.assign(new QueueStats(), q);
  }
}

@ObjectType({ simpleResolvers: true })
export class ClockTick {
  @Field(() => Date) now!: Date;
  @Field(() => Float, { description: "server seconds per real second: 1, or 0 while a simulated clock stands still" }) rate!: number;
}

@ObjectType({ simpleResolvers: true })
export class WallboardSnapshot {
  filter!: BoardFilter | null;
  @Field(() => Date) serverTime!: Date;
  @Field(() => Float, { description: "server seconds per real second: 1, or 0 while a simulated clock stands still" }) clockRate!: number;
  @Field({ description: "the last event sequence this snapshot includes" }) sequence!: string;
  @Field(() => [QueueStats]) queues!: QueueStats[];
  @Field(() => [SlaCompliance], { description: "the 24 h and 7 day windows" }) compliance!: SlaCompliance[];
  // urgent, recentAlerts: field resolvers with arguments
}
