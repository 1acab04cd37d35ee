import {
  applySlaTargetPatch,
  validateCalendarDefinition,
  DomainError,
  type CalendarDefinition,
  type Severity,
  type SlaDuration,
  type SlaPolicy,
  type SlaTargetPatch,
  type SlaTargets,
} from "../../domain/index.js";
import type { Db, Sql } from "../../platform/data-source.js";
import { text } from "../common/validate.js";
import { calendarDefinition, type CalendarRow } from "./sla-policy.types.js";

interface TargetRow {
  severity: Severity;
  first_response: SlaDuration;
  update_interval: SlaDuration;
  escalation_interval: SlaDuration;
  resolution: SlaDuration | null;
  calendar_id: string;
  at_risk_ratio: number;
  recommended_channels: string[] | string;
  auto_close_after_seconds: number;
  max_customer_wait_seconds: number;
}

const CALENDAR_COLUMNS = "id, name, time_zone, spans, holidays";

/** pg returns text[] as an array; keep a defensive parse for drivers that hand back the literal. */
function textArray(v: string[] | string): string[] {
  if (Array.isArray(v)) return v;
  return v.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
}

function toTargets(row: TargetRow, calendar: CalendarRow): SlaTargets {
  return {
    severity: row.severity,
    firstResponse: row.first_response,
    updateInterval: row.update_interval,
    escalationInterval: row.escalation_interval,
    resolution: row.resolution,
    calendar: calendarDefinition(calendar),
    atRiskRatio: Number(row.at_risk_ratio),
    recommendedChannels: textArray(row.recommended_channels) as SlaTargets["recommendedChannels"],
    autoCloseAfterSeconds: row.auto_close_after_seconds,
    maxCustomerWaitSeconds: row.max_customer_wait_seconds,
  };
}

export interface CalendarFields {
  name: string;
  timeZone: string;
  spans: Array<{ day: number; start: string; end: string }>;
  holidays?: string[] | null;
}

/**
 * Calendars and SLA targets. An edit is followed by a recompute of the open incidents it
 * affects (the caller's `recompute` hook: the incident service owns those transactions).
 */
export class SlaPolicyService {
  constructor(
    private readonly db: Db,
    private readonly recompute: (severities: Severity[]) => Promise<number>,
  ) {}

  calendars(): Promise<CalendarRow[]> {
    return this.db.query<CalendarRow>(`SELECT ${CALENDAR_COLUMNS} FROM business_calendar ORDER BY name, id`);
  }

  async calendar(sql: Sql, id: string): Promise<CalendarRow> {
    const [row] = await sql.query<CalendarRow>(`SELECT ${CALENDAR_COLUMNS} FROM business_calendar WHERE id = $1`, [id]);
    if (!row) throw new DomainError("NOT_FOUND", "no calendar with that id");
    return row;
  }

  private check(input: CalendarFields): CalendarDefinition {
    const def: CalendarDefinition = {
      name: text(input.name, "name", { max: 200 }),
      timeZone: (input.timeZone ?? "").trim(),
      spans: input.spans.map((s) => ({ day: s.day, start: s.start, end: s.end })),
      holidays: [...new Set(input.holidays ?? [])].sort(),
    };
    if (def.spans.length > 200) throw new DomainError("BAD_USER_INPUT", "a calendar has at most 200 spans", { field: "spans" });
    if ((def.holidays ?? []).length > 5000) throw new DomainError("BAD_USER_INPUT", "a calendar has at most 5,000 holidays", { field: "holidays" });
    validateCalendarDefinition(def);
    return def;
  }

  async createCalendar(input: CalendarFields): Promise<CalendarRow> {
    const def = this.check(input);
    const [row] = await this.db.query<CalendarRow>(
      `INSERT INTO business_calendar (name, time_zone, spans, holidays) VALUES ($1, $2, $3::jsonb, $4::jsonb) RETURNING ${CALENDAR_COLUMNS}`,
      [def.name, def.timeZone, JSON.stringify(def.spans), JSON.stringify(def.holidays)],
    );
    return row;
  }

  /** Saves the calendar, then recomputes the running clocks of the open incidents whose severity uses it. */
  async updateCalendar(id: string, input: CalendarFields): Promise<CalendarRow> {
    const def = this.check(input);
    const { row, severities } = await this.db.transaction(async (tx) => {
      const [row] = await tx.query<CalendarRow>(
        `UPDATE business_calendar SET name = $2, time_zone = $3, spans = $4::jsonb, holidays = $5::jsonb, updated_at = now()
          WHERE id = $1 RETURNING ${CALENDAR_COLUMNS}`,
        [id, def.name, def.timeZone, JSON.stringify(def.spans), JSON.stringify(def.holidays)],
      );
      if (!row) throw new DomainError("NOT_FOUND", "no calendar with that id");
      const uses = await tx.query<{ severity: Severity }>("SELECT severity FROM sla_target WHERE calendar_id = $1", [id]);
      return { row, severities: uses.map((u) => u.severity) };
    });
    if (severities.length) await this.recompute(severities);
    return row;
  }

  /** Every severity's targets in force, with their calendars. */
  async policy(sql: Sql = this.db): Promise<SlaPolicy> {
    const rows = await sql.query<TargetRow & { cal: CalendarRow }>(
      `SELECT t.*, json_build_object('id', c.id, 'name', c.name, 'time_zone', c.time_zone, 'spans', c.spans, 'holidays', c.holidays) AS cal
         FROM sla_target t JOIN business_calendar c ON c.id = t.calendar_id`,
    );
    const policy = {} as Record<Severity, SlaTargets>;
    for (const r of rows) policy[r.severity] = toTargets(r, r.cal);
    return policy;
  }

  async targets(): Promise<Array<{ targets: SlaTargets; calendar: CalendarRow }>> {
    const policy = await this.policy();
    return (["CRITICAL", "HIGH", "NORMAL"] as const).map((s) => ({ targets: policy[s], calendar: rowOf(policy[s].calendar) }));
  }

  /** `setSlaTarget`: applies the patch, saves, then recomputes the open incidents of that severity. */
  async setTarget(severity: Severity, patch: Omit<SlaTargetPatch, "calendar"> & { calendarId?: string | null }): Promise<{ targets: SlaTargets; calendar: CalendarRow }> {
    const saved = await this.db.transaction(async (tx) => {
      const current = (await this.policy(tx))[severity];
      if (!current) throw new DomainError("BAD_USER_INPUT", `unknown severity ${severity}`);
      const calendar = patch.calendarId ? calendarDefinition(await this.calendar(tx, patch.calendarId)) : null;
      const next = applySlaTargetPatch(current, { ...patch, calendar });
      await tx.query(
        `UPDATE sla_target SET first_response = $2::jsonb, update_interval = $3::jsonb, escalation_interval = $4::jsonb,
                resolution = $5::jsonb, calendar_id = $6, at_risk_ratio = $7, recommended_channels = $8::text[],
                auto_close_after_seconds = $9, max_customer_wait_seconds = $10, updated_at = now()
          WHERE severity = $1`,
        [
          severity,
          JSON.stringify(next.firstResponse),
          JSON.stringify(next.updateInterval),
          JSON.stringify(next.escalationInterval),
          next.resolution ? JSON.stringify(next.resolution) : null,
          next.calendar.id,
          next.atRiskRatio,
          next.recommendedChannels,
          next.autoCloseAfterSeconds,
          next.maxCustomerWaitSeconds,
        ],
      );
      return { targets: next, calendar: rowOf(next.calendar) };
    });
    await this.recompute([severity]);
    return saved;
  }
}

function rowOf(def: CalendarDefinition): CalendarRow {
  return { id: def.id!, name: def.name ?? "", time_zone: def.timeZone, spans: def.spans.map((s) => ({ ...s })), holidays: [...(def.holidays ?? [])] };
}
