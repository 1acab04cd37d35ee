import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { durationText, type CalendarDefinition, type SlaDuration, type SlaTargets } from "../../domain/index.js";
import { ContactChannel, Severity } from "../../graphql/enums.js";
import { toGlobalId } from "../../graphql/ids.js";
import { Node } from "../../graphql/node.js";

@ObjectType({ simpleResolvers: true, description: "A duration of working time on a calendar: exactly one of minutes or workingDays" })
export class Duration {
  @Field(() => Int, { nullable: true }) minutes!: number | null;
  @Field(() => Int, { nullable: true }) workingDays!: number | null;
  @Field({ description: '"30 minutes", "2 hours", "1 working day"' }) text!: string;

  static from(d: SlaDuration): Duration {
    return Object.assign(new Duration(), { minutes: d.minutes ?? null, workingDays: d.workingDays ?? null, text: durationText(d) });
  }
}

@InputType({ description: "exactly one of minutes or workingDays" })
export class DurationInput {
  @Field(() => Int, { nullable: true }) minutes?: number | null;
  @Field(() => Int, { nullable: true }) workingDays?: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'day 1 = Monday … 7 = Sunday; "09:00"–"18:00"; end may be "24:00"' })
export class WorkingSpan {
  @Field(() => Int) day!: number;
  @Field() start!: string;
  @Field() end!: string;
}

@InputType()
export class WorkingSpanInput {
  @Field(() => Int) day!: number;
  @Field() start!: string;
  @Field() end!: string;
}

export interface CalendarRow {
  id: string;
  name: string;
  time_zone: string;
  spans: Array<{ day: number; start: string; end: string }>;
  holidays: string[];
}

/** The domain's plain definition of a stored calendar. */
export function calendarDefinition(row: CalendarRow): CalendarDefinition {
  return { id: row.id, name: row.name, timeZone: row.time_zone, spans: row.spans, holidays: row.holidays };
}

@ObjectType({ simpleResolvers: true, implements: Node })
export class BusinessCalendar extends Node {
  @Field() name!: string;
  @Field() timeZone!: string;
  @Field(() => [WorkingSpan]) spans!: WorkingSpan[];
  @Field(() => [String], { description: 'local dates, "2025-01-06"' }) holidays!: string[];

  static from(row: CalendarRow): BusinessCalendar {
    return Object.assign(new BusinessCalendar(), {
      id: toGlobalId("BusinessCalendar", row.id),
      name: row.name,
      timeZone: row.time_zone,
      spans: row.spans.map((s) => Object.assign(new WorkingSpan(), s)),
      holidays: row.holidays,
    });
  }
}

@InputType()
export class CalendarInput {
  @Field() name!: string;
  @Field({ description: "IANA time zone, e.g. Europe/Madrid" }) timeZone!: string;
  @Field(() => [WorkingSpanInput]) spans!: WorkingSpanInput[];
  @Field(() => [String], { nullable: true }) holidays?: string[] | null;
}

@ObjectType({ simpleResolvers: true })
export class SlaTarget {
  calendarRow!: CalendarRow;
  @Field(() => Severity) severity!: Severity;
  @Field(() => Duration) firstResponse!: Duration;
  @Field(() => Duration) updateInterval!: Duration;
  @Field(() => Duration) escalationInterval!: Duration;
  @Field(() => Duration, { nullable: true }) resolution!: Duration | null;
  @Field(() => BusinessCalendar) calendar!: BusinessCalendar;
  @Field(() => Float) atRiskRatio!: number;
  @Field(() => [ContactChannel]) recommendedChannels!: ContactChannel[];
  @Field(() => Int, { description: "wall time after resolution (259,200 = 72 h by default)" }) autoCloseAfterSeconds!: number;
  @Field(() => Int, { description: "wall time in PENDING_CUSTOMER before the product resolves (604,800 = 7 days)" }) maxCustomerWaitSeconds!: number;

  static from(t: SlaTargets, calendar: CalendarRow): SlaTarget {
    return Object.assign(new SlaTarget(), {
      calendarRow: calendar,
      severity: t.severity as Severity,
      firstResponse: Duration.from(t.firstResponse),
      updateInterval: Duration.from(t.updateInterval),
      escalationInterval: Duration.from(t.escalationInterval),
      resolution: t.resolution ? Duration.from(t.resolution) : null,
      calendar: BusinessCalendar.from(calendar),
      atRiskRatio: t.atRiskRatio,
      recommendedChannels: t.recommendedChannels as ContactChannel[],
      autoCloseAfterSeconds: t.autoCloseAfterSeconds,
      maxCustomerWaitSeconds: t.maxCustomerWaitSeconds,
    });
  }
}

@InputType({ description: "a field left out keeps its current value" })
export class SlaTargetInput {
  @Field(() => Severity) severity!: Severity;
  @Field(() => DurationInput, { nullable: true }) firstResponse?: DurationInput | null;
  @Field(() => DurationInput, { nullable: true }) updateInterval?: DurationInput | null;
  @Field(() => DurationInput, { nullable: true }) escalationInterval?: DurationInput | null;
  @Field(() => DurationInput, { nullable: true }) resolution?: DurationInput | null;
  @Field(() => Boolean, { nullable: true, description: "true removes the resolution target" }) clearResolution?: boolean | null;
  @Field(() => ID, { nullable: true }) calendarId?: string | null;
  @Field(() => Float, { nullable: true }) atRiskRatio?: number | null;
  @Field(() => [ContactChannel], { nullable: true }) recommendedChannels?: ContactChannel[] | null;
  @Field(() => Int, { nullable: true }) autoCloseAfterSeconds?: number | null;
  @Field(() => Int, { nullable: true }) maxCustomerWaitSeconds?: number | null;
}
