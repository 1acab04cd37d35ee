import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Severity, SupportLevel, ClockKind } from "../../graphql/enums.js";
import { AlertKind } from "../../graphql/enums.js";
import { toGlobalId } from "../../graphql/ids.js";
import type { AlertMessage } from "./alert.repo.js";

@ObjectType({ simpleResolvers: true, description: "An alert the product raised: once per arming (incident, clock, level, cycle, kind, armed due)" })
export class SlaAlert {
  message!: AlertMessage;
  @Field(() => ID) id!: string;
  @Field(() => AlertKind) kind!: AlertKind;
  @Field(() => ClockKind) clock!: ClockKind;
  @Field(() => SupportLevel, { nullable: true }) level!: SupportLevel | null;
  @Field(() => Int) cycle!: number;
  @Field(() => Date, { description: "the instant the rules give (the threshold, the due, the change), never when it was noticed" }) at!: Date;
  @Field(() => Date, { description: "the due instant the cycle was armed for" }) dueAt!: Date;
  // incident: field resolver

  static from(m: AlertMessage): SlaAlert {
    return Object.assign(new SlaAlert(), {
      message: m,
      id: toGlobalId("SlaAlert", m.id),
      kind: m.kind as AlertKind,
      clock: m.clock as ClockKind,
      level: (m.level ?? null) as SupportLevel | null,
      cycle: m.cycle,
      at: new Date(m.at),
      dueAt: new Date(m.dueAt),
    });
  }
}

@InputType({ description: 'A board shows one team: empty lists mean "all"' })
export class BoardFilter {
  @Field(() => [String], { nullable: true }) productCodes?: string[] | null;
  @Field(() => [SupportLevel], { nullable: true }) levels?: SupportLevel[] | null;
  @Field(() => [Severity], { nullable: true }) severities?: Severity[] | null;
}

/** Whether an incident (as the alert or event left it) is on a team's board. */
export function onBoard(filter: BoardFilter | null | undefined, i: { productCode: string; level: string; severity: string }): boolean {
  if (!filter) return true;
  return (
    (!filter.productCodes?.length || filter.productCodes.includes(i.productCode)) &&
    (!filter.levels?.length || filter.levels.includes(i.level as SupportLevel)) &&
    (!filter.severities?.length || filter.severities.includes(i.severity as Severity))
  );
}
