import { DomainError } from "../../domain/errors.js";
import type { Db, Sql } from "../../platform/data-source.js";
import { email, optionalText, text, uniqueViolation } from "../common/validate.js";
import type { AgentRow, ContactRow, ProductRow } from "./catalog.types.js";

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const CONTACT_COLUMNS = "id, name, email, phone, organization";

export interface ContactFields { name: string; email?: string | null; phone?: string | null; organization?: string | null }

/** Products, contacts and agents: the reference data incidents point at. */
export class CatalogService {
  constructor(private readonly db: Db) {}

  products(): Promise<ProductRow[]> {
    return this.db.query<ProductRow>("SELECT id, code, name FROM product ORDER BY code");
  }

  async productByCode(sql: Sql, code: string): Promise<ProductRow> {
    const [row] = await sql.query<ProductRow>("SELECT id, code, name FROM product WHERE code = $1", [code]);
    if (!row) throw new DomainError("BAD_USER_INPUT", `unknown product code "${code.slice(0, 40)}"`, { field: "productCode" });
    return row;
  }

  async createProduct(code: string, name: string): Promise<ProductRow> {
    const c = text(code, "code", { max: 32 });
    if (!CODE.test(c)) throw new DomainError("BAD_USER_INPUT", "code must be 1–32 letters, digits, '.', '_' or '-', starting with a letter or digit", { field: "code" });
    const n = text(name, "name", { max: 200 });
    try {
      const [row] = await this.db.query<ProductRow>("INSERT INTO product (code, name) VALUES ($1, $2) RETURNING id, code, name", [c, n]);
      return row;
    } catch (err) {
      uniqueViolation(err, `a product with code "${c}" already exists`);
    }
  }

  contacts(search: string | null | undefined, first: number): Promise<ContactRow[]> {
    const s = optionalText(search, "search", 200);
    if (!s) return this.db.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contact ORDER BY name, id LIMIT $1`, [first]);
    const like = `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    return this.db.query<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM contact
        WHERE name ILIKE $1 OR email ILIKE $1 OR organization ILIKE $1 OR phone ILIKE $1
        ORDER BY name, id LIMIT $2`,
      [like, first],
    );
  }

  /** Validates contact fields (a requester or a new contact). */
  checkContact(input: ContactFields, prefix = ""): Required<ContactFields> {
    return {
      name: text(input.name, `${prefix}name`, { max: 200 }),
      email: email(input.email, `${prefix}email`, false),
      phone: optionalText(input.phone, `${prefix}phone`, 50),
      organization: optionalText(input.organization, `${prefix}organization`, 200),
    };
  }

  async createContact(input: ContactFields, sql: Sql = this.db): Promise<ContactRow> {
    const c = this.checkContact(input);
    try {
      const [row] = await sql.query<ContactRow>(
        `INSERT INTO contact (name, email, phone, organization) VALUES ($1, $2, $3, $4) RETURNING ${CONTACT_COLUMNS}`,
        [c.name, c.email, c.phone, c.organization],
      );
      return row;
    } catch (err) {
      uniqueViolation(err, `a contact with e-mail "${c.email}" already exists`);
    }
  }

  /**
   * The requester of a new incident: matched to an existing contact by e-mail
   * (case-insensitive), else created. Runs inside the caller's transaction.
   */
  async findOrCreateContact(sql: Sql, input: ContactFields): Promise<ContactRow> {
    const c = this.checkContact(input, "requester.");
    if (c.email) {
      // ON CONFLICT keeps two concurrent openings by one new requester from failing
      const [row] = await sql.query<ContactRow>(
        `WITH ins AS (
           INSERT INTO contact (name, email, phone, organization) VALUES ($1, $2, $3, $4)
           ON CONFLICT ((lower(email))) WHERE email IS NOT NULL DO NOTHING
           RETURNING ${CONTACT_COLUMNS})
         SELECT ${CONTACT_COLUMNS} FROM ins
         UNION ALL
         SELECT ${CONTACT_COLUMNS} FROM contact WHERE lower(email) = lower($2)
         LIMIT 1`,
        [c.name, c.email, c.phone, c.organization],
      );
      if (row) return row;
      // a concurrent transaction created it after this statement's snapshot: read it now
      const [again] = await sql.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contact WHERE lower(email) = lower($1)`, [c.email]);
      return again;
    }
    return this.createContact(c, sql);
  }

  async contactById(sql: Sql, id: string): Promise<ContactRow> {
    const [row] = await sql.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contact WHERE id = $1`, [id]);
    if (!row) throw new DomainError("NOT_FOUND", "no contact with that id");
    return row;
  }

  agents(): Promise<AgentRow[]> {
    return this.db.query<AgentRow>("SELECT id, name, email, level, lead FROM agent ORDER BY level, name, id");
  }

  async createAgent(input: { name: string; email: string; level: string; lead?: boolean | null }): Promise<AgentRow> {
    const name = text(input.name, "name", { max: 200 });
    const mail = email(input.email, "email", true)!;
    if (!["L1", "L2", "L3"].includes(input.level)) throw new DomainError("BAD_USER_INPUT", "level must be L1, L2 or L3", { field: "level" });
    try {
      const [row] = await this.db.query<AgentRow>(
        "INSERT INTO agent (name, email, level, lead) VALUES ($1, $2, $3, $4) RETURNING id, name, email, level, lead",
        [name, mail, input.level, input.lead ?? false],
      );
      return row;
    } catch (err) {
      uniqueViolation(err, `an agent with e-mail "${mail}" already exists`);
    }
  }
}
