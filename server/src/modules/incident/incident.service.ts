import { DomainError } from "../../domain/errors.js";
import type { Db, Sql } from "../../platform/data-source.js";
import type { OrderedStream, Position } from "../../platform/ordered-stream.js";
import type { PushQueue } from "../../platform/push-queue.js";
import { decodeCursor, encodeCursor } from "../../graphql/ids.js";
import { actorKindOf, type Principal } from "../access/principal.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import { text } from "../common/validate.js";
import { appendEvents } from "./incident-events.repo.js";
import { INCIDENT_COLUMNS, type IncidentEventMessage, type IncidentRow } from "./incident.rows.js";

export interface OpenIncidentCommand {
  title: string;
  description: string;
  productCode: string;
  channel: "PHONE" | "EMAIL" | "WEB";
  severity: "CRITICAL" | "HIGH" | "NORMAL";
  requester?: { name: string; email?: string | null; phone?: string | null; organization?: string | null } | null;
  requesterId?: string | null;
  openedAt?: Date | null;
}

export interface IncidentListFilter {
  status?: string[] | null;
  severity?: string[] | null;
  level?: string[] | null;
  productCode?: string | null;
  open?: boolean | null;
  search?: string | null;
}

export interface IncidentPage {
  rows: IncidentRow[];
  totalCount: number;
  hasNextPage: boolean;
}

export interface EventStreamFilter {
  severity?: string[] | null;
  level?: string[] | null;
  productCodes?: string[] | null;
  incidentId?: string | null;
}

/** Owns incident transactions: every change is events + projection + outbox, committed together. */
export class IncidentService {
  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly stream: OrderedStream<IncidentEventMessage>,
    private readonly afterCommit: () => void,
  ) {}

  async open(cmd: OpenIncidentCommand, by: Principal, now: Date): Promise<IncidentRow> {
    const title = text(cmd.title, "title", { max: 200 });
    const description = text(cmd.description, "description", { max: 20_000 });
    const openedAt = cmd.openedAt ?? now;
    if (openedAt.getTime() > now.getTime()) {
      throw new DomainError("BAD_USER_INPUT", `openedAt ${openedAt.toISOString()} is in the future (now is ${now.toISOString()})`, { field: "openedAt" });
    }
    const actorKind = actorKindOf(by);
    if (by.role !== "CUSTOMER" && !cmd.requester && !cmd.requesterId) {
      throw new DomainError("BAD_USER_INPUT", "requester or requesterId is required", { field: "requester" });
    }
    if (cmd.requester && cmd.requesterId) {
      throw new DomainError("BAD_USER_INPUT", "give requester or requesterId, not both", { field: "requester" });
    }
    const row = await this.db.transaction(async (tx) => {
      const product = await this.catalog.productByCode(tx, cmd.productCode);
      let requesterId: string;
      if (by.role === "CUSTOMER") {
        // a CUSTOMER key opens as its contact, whatever the input says
        requesterId = by.contactId!;
      } else if (cmd.requesterId) {
        requesterId = (await this.catalog.contactById(tx, cmd.requesterId)).id;
      } else {
        requesterId = (await this.catalog.findOrCreateContact(tx, cmd.requester!)).id;
      }
      const [{ n }] = await tx.query<{ n: string }>("SELECT nextval('incident_number_seq')::text AS n");
      const number = `INC-${n.padStart(6, "0")}`;
      const [incident] = await tx.query<IncidentRow>(
        `INSERT INTO incident (number, title, description, severity, channel, status, level, product_id, requester_id, opened_at, recorded_at)
         VALUES ($1, $2, $3, $4, $5, 'NEW', 'L1', $6, $7, $8, $9)
         RETURNING ${INCIDENT_COLUMNS}`,
        [number, title, description, cmd.severity, cmd.channel, product.id, requesterId, openedAt, now],
      );
      await appendEvents(
        tx,
        incident.id,
        [
          {
            type: "OPENED",
            at: openedAt,
            actorKind,
            actorAgentId: by.agentId,
            actorName: by.actorName,
            public: true,
            data: { number, severity: cmd.severity, channel: cmd.channel, level: "L1", productCode: product.code, title },
          },
        ],
        { severity: incident.severity, level: incident.level, productCode: product.code, status: incident.status, requesterId },
        now,
      );
      return incident;
    });
    this.afterCommit();
    return row;
  }

  /** One incident by id or number, as `by` may see it (another customer's incident does not exist). */
  async get(by: Principal, ref: { id?: string | null; number?: string | null }): Promise<IncidentRow | null> {
    if (!ref.id && !ref.number) throw new DomainError("BAD_USER_INPUT", "give id or number");
    const [row] = ref.id
      ? await this.db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incident WHERE id = $1`, [ref.id])
      : await this.db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incident WHERE number = $1`, [ref.number!.trim().toUpperCase()]);
    if (!row) return null;
    return visibleTo(by, row) ? row : null;
  }

  /** A page, newest first (openedAt, then id), with keyset cursors. */
  async list(by: Principal, filter: IncidentListFilter, first: number, after: string | null | undefined): Promise<IncidentPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (by.role === "CUSTOMER") where.push(`i.requester_id = ${p(by.contactId)}`);
    if (filter.status?.length) where.push(`i.status = ANY(${p(filter.status)}::text[])`);
    if (filter.severity?.length) where.push(`i.severity = ANY(${p(filter.severity)}::text[])`);
    if (filter.level?.length) where.push(`i.level = ANY(${p(filter.level)}::text[])`);
    if (filter.productCode) where.push(`i.product_id = (SELECT id FROM product WHERE code = ${p(filter.productCode)})`);
    if (filter.open === true) where.push(`i.status NOT IN ('RESOLVED','CLOSED')`);
    if (filter.open === false) where.push(`i.status IN ('RESOLVED','CLOSED')`);
    const search = filter.search?.trim();
    if (search) {
      if (search.length > 200) throw new DomainError("BAD_USER_INPUT", "search is too long (at most 200 characters)", { field: "search" });
      const words = search.split(/\s+/).map((w) => `%${w.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
      const number = /^(INC-)?\d+$/i.test(search) ? search.toUpperCase() : null;
      const titleMatch = words.map((w) => `i.title ILIKE ${p(w)}`).join(" AND ");
      where.push(number ? `(i.number = ${p(number.startsWith("INC-") ? number : `INC-${number.padStart(6, "0")}`)} OR (${titleMatch}))` : `(${titleMatch})`);
    }
    const filtered = where.length ? `WHERE ${where.join(" AND ")}` : "";
    let cursorClause = "";
    if (after) {
      const [openedAt, id] = decodeCursor(after, ["string", "string"]) as [string, string];
      cursorClause = `WHERE (s.opened_at, s.id) < (${p(openedAt)}::timestamptz, ${p(id)}::uuid)`;
    }
    const rows = await this.db.query<IncidentRow & { total: string }>(
      `SELECT * FROM (SELECT ${INCIDENT_COLUMNS.split(", ").map((c) => `i.${c}`).join(", ")}, count(*) OVER () AS total FROM incident i ${filtered}) s
       ${cursorClause}
       ORDER BY s.opened_at DESC, s.id DESC LIMIT ${first + 1}`,
      params,
    );
    let totalCount = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && (after || first === 0)) {
      const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM incident i ${filtered}`, params.slice(0, params.length - (after ? 2 : 0)));
      totalCount = Number(c.n);
    }
    return { rows: rows.slice(0, first), totalCount, hasNextPage: rows.length > first };
  }

  /** Live events as `by` may see them, optionally resuming right after `afterSequence`. */
  async subscribe(by: Principal, filter: EventStreamFilter, afterSequence: string | null | undefined): Promise<PushQueue<IncidentEventMessage>> {
    let from: Position | null = null;
    if (afterSequence !== null && afterSequence !== undefined) {
      if (!/^\d{1,19}$/.test(afterSequence)) throw new DomainError("BAD_USER_INPUT", "afterSequence must be an event sequence (digits)", { field: "afterSequence" });
      const [row] = await this.db.query<{ tx_id: string }>("SELECT tx_id::text AS tx_id FROM incident_event WHERE sequence = $1", [afterSequence]);
      if (!row) throw new DomainError("BAD_USER_INPUT", `no event with sequence ${afterSequence}`, { field: "afterSequence" });
      from = { tx: BigInt(row.tx_id), seq: BigInt(afterSequence) };
    }
    const accept = (m: IncidentEventMessage) =>
      (by.role !== "CUSTOMER" || (m.incident.requesterId === by.contactId && m.public)) &&
      (!filter.incidentId || m.incidentId === filter.incidentId) &&
      (!filter.severity?.length || filter.severity.includes(m.incident.severity)) &&
      (!filter.level?.length || filter.level.includes(m.incident.level)) &&
      (!filter.productCodes?.length || filter.productCodes.includes(m.incident.productCode));
    return this.stream.subscribe(from, accept);
  }

  cursorOf(row: IncidentRow): string {
    return encodeCursor([row.opened_at.toISOString(), row.id]);
  }
}

/** ACCESS.md: a CUSTOMER key sees its own incidents only. */
export function visibleTo(by: Principal, row: Pick<IncidentRow, "requester_id">): boolean {
  return by.role !== "CUSTOMER" || row.requester_id === by.contactId;
}

export type { Sql };
