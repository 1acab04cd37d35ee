/**
 * DataLoaders live per HTTP request and per pushed subscription event, never per
 * subscription: a graphql-ws context lives as long as its subscription, so loaders kept
 * there would serve stale rows.
 */
import DataLoader from "dataloader";
import type { Clock } from "../platform/clock.js";
import type { Db } from "../platform/data-source.js";
import type { AgentRow, ContactRow, ProductRow } from "../modules/catalog/catalog.types.js";
import { INCIDENT_COLUMNS, type IncidentRow } from "../modules/incident/incident.rows.js";
import type { CommentRow } from "../modules/incident/incident.service.js";
import { ALERT_COLUMNS, type AlertMessage } from "../modules/incident/alert.repo.js";
import { ARTICLE_COLUMNS, type ArticleRow, type RevisionRow } from "../modules/knowledge/knowledge.types.js";
import { PROBLEM_COLUMNS, type ProblemRow } from "../modules/problem/problem.types.js";

/**
 * A DataLoader by id that also answers synchronously once a row is known (primed by the
 * list query, or loaded earlier in the request): graphql-js then completes the field without
 * a promise, which is most of what a 50-incident page costs beyond its one SQL statement.
 */
export class RowLoader<T extends { id: string }> {
  private readonly known = new Map<string, T | null>();
  private readonly loader: DataLoader<string, T | null>;

  constructor(db: Db, sql: string) {
    this.loader = new DataLoader<string, T | null>(
      async (ids) => {
        const rows = await db.query<T>(sql, [ids as string[]]);
        const map = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => {
          const row = map.get(id) ?? null;
          this.known.set(id, row);
          return row;
        });
      },
      { maxBatchSize: 1000 },
    );
  }

  /** Only remembered here: DataLoader's own prime makes a promise per row, mostly never awaited. */
  prime(id: string, row: T): this {
    this.known.set(id, row);
    return this;
  }

  load(id: string): Promise<T | null> {
    const row = this.known.get(id);
    return row !== undefined ? Promise.resolve(row) : this.loader.load(id);
  }

  /** The row itself when already known, else a promise of it (null: no such row). */
  get(id: string): T | null | Promise<T | null> {
    const row = this.known.get(id);
    return row !== undefined ? row : this.loader.load(id);
  }
}

const byId = <T extends { id: string }>(db: Db, sql: string) => new RowLoader<T>(db, sql);

/** Applies `f` to a value that may still be a promise, without making a known one a promise. */
export function whenKnown<T, R>(value: T | Promise<T>, f: (v: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

const groupBy = <R, K extends keyof R>(rows: R[], key: K, ids: readonly string[]): R[][] => {
  const map = new Map<unknown, R[]>();
  for (const r of rows) {
    const list = map.get(r[key]);
    if (list) list.push(r);
    else map.set(r[key], [r]);
  }
  return ids.map((id) => map.get(id) ?? []);
};

/**
 * One request's (or one pushed event's) loaders, each made when first used: a list request
 * uses two or three of the eleven, and making all of them was a measurable part of its cost.
 */
export class Loaders {
  constructor(private readonly db: Db) {}

  private _product?: RowLoader<ProductRow>;
  get product(): RowLoader<ProductRow> {
    return (this._product ??= byId<ProductRow>(this.db, "SELECT id, code, name FROM product WHERE id = ANY($1::uuid[])"));
  }

  private _contact?: RowLoader<ContactRow>;
  get contact(): RowLoader<ContactRow> {
    return (this._contact ??= byId<ContactRow>(this.db, "SELECT id, name, email, phone, organization FROM contact WHERE id = ANY($1::uuid[])"));
  }

  private _agent?: RowLoader<AgentRow>;
  get agent(): RowLoader<AgentRow> {
    return (this._agent ??= byId<AgentRow>(this.db, "SELECT id, name, email, level, lead FROM agent WHERE id = ANY($1::uuid[])"));
  }

  private _incident?: RowLoader<IncidentRow>;
  get incident(): RowLoader<IncidentRow> {
    return (this._incident ??= byId<IncidentRow>(this.db, `SELECT ${INCIDENT_COLUMNS} FROM incident WHERE id = ANY($1::uuid[])`));
  }

  private _comments?: DataLoader<string, CommentRow[]>;
  get comments(): DataLoader<string, CommentRow[]> {
    return (this._comments ??= new DataLoader<string, CommentRow[]>(async (ids) => {
      const rows = await this.db.query<CommentRow>(
        `SELECT id, incident_id, body, visibility, channel, author_kind, author_agent_id, author_name, created_at
           FROM comment WHERE incident_id = ANY($1::uuid[]) ORDER BY created_at, seq`,
        [ids as string[]],
      );
      return groupBy(rows, "incident_id", ids);
    }));
  }

  private _alerts?: DataLoader<string, AlertMessage[]>;
  get alerts(): DataLoader<string, AlertMessage[]> {
    return (this._alerts ??= new DataLoader<string, AlertMessage[]>(async (ids) => {
      const rows = await this.db.query<AlertMessage>(`SELECT ${ALERT_COLUMNS} FROM sla_alert WHERE incident_id = ANY($1::uuid[]) ORDER BY at, seq`, [ids as string[]]);
      return groupBy(rows, "incidentId", ids);
    }));
  }

  private _article?: RowLoader<ArticleRow>;
  get article(): RowLoader<ArticleRow> {
    return (this._article ??= byId<ArticleRow>(this.db, `SELECT ${ARTICLE_COLUMNS} FROM knowledge_article WHERE id = ANY($1::uuid[])`));
  }

  private _problem?: RowLoader<ProblemRow>;
  get problem(): RowLoader<ProblemRow> {
    return (this._problem ??= byId<ProblemRow>(this.db, `SELECT ${PROBLEM_COLUMNS} FROM problem WHERE id = ANY($1::uuid[])`));
  }

  private _incidentLinks?: RowLoader<IncidentLinks>;
  /** An incident's links to the knowledge base and problem management (not in the incident projection's columns). */
  get incidentLinks(): RowLoader<IncidentLinks> {
    return (this._incidentLinks ??= byId<IncidentLinks>(this.db, "SELECT id, problem_id, resolution_article_id FROM incident WHERE id = ANY($1::uuid[])"));
  }

  private _revisions?: DataLoader<string, RevisionRow[]>;
  get revisions(): DataLoader<string, RevisionRow[]> {
    return (this._revisions ??= new DataLoader<string, RevisionRow[]>(async (ids) => {
      const rows = await this.db.query<RevisionRow>(
        `SELECT id::text AS id, article_id, title, body, edited_at, edited_by FROM knowledge_article_revision WHERE article_id = ANY($1::uuid[]) ORDER BY knowledge_article_revision.id DESC`,
        [ids as string[]],
      );
      return groupBy(rows, "article_id", ids);
    }));
  }
}

interface IncidentLinks {
  id: string;
  problem_id: string | null;
  resolution_article_id: string | null;
}

export function createLoaders(db: Db): Loaders {
  return new Loaders(db);
}

/** What the resolvers of one pushed subscription event share: its loaders and its one `now`. */
export interface EventScope {
  loaders: Loaders;
  now: Date;
}

const perEvent = new WeakMap<object, Promise<EventScope>>();

/**
 * The scope of one pushed subscription event, shared by every subscriber on this replica
 * that receives the same event object: a thousand screens cost one load and one reading of
 * the clock, not a thousand. (A subscription's own context lives as long as the subscription,
 * so its loaders and `now` would be stale by the next event.)
 */
function eventScope(db: Db, clock: Clock, event: object): Promise<EventScope> {
  let scope = perEvent.get(event);
  if (!scope) perEvent.set(event, (scope = clock.now().then((now) => ({ loaders: createLoaders(db), now }))));
  return scope;
}

/** Points a subscription's context at one pushed event's scope before its fields resolve. */
export async function enterEventScope(ctx: { loaders: Loaders; now: Date; services: { db: Db; clock: Clock } }, event: object): Promise<void> {
  const scope = await eventScope(ctx.services.db, ctx.services.clock, event);
  ctx.loaders = scope.loaders;
  ctx.now = scope.now;
}
