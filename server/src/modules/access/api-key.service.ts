import { createHash, randomBytes } from "node:crypto";
import { DomainError } from "../../domain/errors.js";
import type { Db } from "../../platform/data-source.js";
import type { EventBus } from "../../platform/event-bus.js";
import { LOCKS } from "../../platform/locks.js";
import { text } from "../common/validate.js";
import type { Principal } from "./principal.js";
import { ROLES, type RoleName } from "./role.js";

export interface ApiKeyRow {
  id: string;
  name: string;
  role: RoleName;
  agent_id: string | null;
  contact_id: string | null;
  created_at: Date;
  revoked_at: Date | null;
  rate_limit: number | null;
}

const hash = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
const newSecret = () => `atk_${randomBytes(24).toString("base64url")}`;
const BOOTSTRAP_LOCK = LOCKS.bootstrap;
const KEY_REVOKED_TOPIC = "api-key-revoked";
const CACHE_ENTRIES = 10_000;

export class ApiKeyService {
  /**
   * Verified keys by secret hash, trusted for `cacheMs`: reading the key costs a statement
   * per request otherwise (a quarter of a small list's time). A revocation evicts the key at
   * once on its replica and, through the bus, on the others; the expiry bounds what a lost
   * bus message can leave behind. Unknown secrets are never cached.
   */
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly bus?: EventBus,
    private readonly cacheMs = 0,
  ) {
    if (bus && cacheMs > 0) {
      this.unsubscribe.push(
        bus.on(KEY_REVOKED_TOPIC, (m) => this.evict(String(m.payload))),
        // a reconnect may have lost a revocation: trust nothing cached before it
        bus.onReconnect(() => this.cache.clear()),
      );
    }
  }

  close(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.cache.clear();
  }

  private evict(keyId: string): void {
    for (const [h, entry] of this.cache) if (entry.principal.keyId === keyId) this.cache.delete(h);
  }

  /** The principal behind a bearer secret; null when unknown or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    if (secret.length < 8 || secret.length > 200) return null;
    const secretHash = hash(secret);
    if (this.cacheMs > 0) {
      const hit = this.cache.get(secretHash);
      if (hit && hit.until > performance.now()) return hit.principal;
    }
    const [row] = await this.db.query<ApiKeyRow & { agent_name: string | null; contact_name: string | null }>(
      `SELECT k.id, k.name, k.role, k.agent_id, k.contact_id, k.rate_limit, a.name AS agent_name, c.name AS contact_name
         FROM api_key k LEFT JOIN agent a ON a.id = k.agent_id LEFT JOIN contact c ON c.id = k.contact_id
        WHERE k.secret_hash = $1 AND k.revoked_at IS NULL`,
      [secretHash],
    );
    if (!row) {
      this.cache.delete(secretHash);
      return null;
    }
    const principal: Principal = {
      keyId: row.id,
      keyName: row.name,
      role: row.role,
      agentId: row.agent_id,
      contactId: row.contact_id,
      actorName: row.agent_name ?? row.contact_name ?? row.name,
      rateLimit: row.rate_limit,
    };
    if (this.cacheMs > 0) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(secretHash, { principal, until: performance.now() + this.cacheMs });
    }
    return principal;
  }

  async list(): Promise<ApiKeyRow[]> {
    return this.db.query<ApiKeyRow>("SELECT id, name, role, agent_id, contact_id, created_at, revoked_at, rate_limit FROM api_key ORDER BY created_at, id");
  }

  async create(input: { name: string; role: RoleName; agentId: string | null; contactId: string | null; rateLimit?: number | null }): Promise<{ key: ApiKeyRow; secret: string }> {
    const name = text(input.name, "name", { max: 200 });
    if (input.rateLimit !== null && input.rateLimit !== undefined && (!Number.isInteger(input.rateLimit) || input.rateLimit < 1)) {
      throw new DomainError("BAD_USER_INPUT", "rateLimit must be a positive whole number of requests per 10 seconds", { field: "rateLimit" });
    }
    if (!ROLES.includes(input.role)) throw new DomainError("BAD_USER_INPUT", `role must be one of ${ROLES.join(", ")}`);
    if ((input.role === "AGENT" || input.role === "LEAD") && !input.agentId) {
      throw new DomainError("BAD_USER_INPUT", `a ${input.role} key acts as an agent: agentId is required`, { field: "agentId" });
    }
    if (input.role === "CUSTOMER" && !input.contactId) {
      throw new DomainError("BAD_USER_INPUT", "a CUSTOMER key acts as a contact: contactId is required", { field: "contactId" });
    }
    if (input.agentId && input.role !== "AGENT" && input.role !== "LEAD") {
      throw new DomainError("BAD_USER_INPUT", "agentId is only for AGENT and LEAD keys", { field: "agentId" });
    }
    if (input.contactId && input.role !== "CUSTOMER") {
      throw new DomainError("BAD_USER_INPUT", "contactId is only for CUSTOMER keys", { field: "contactId" });
    }
    return this.db.transaction(async (tx) => {
      if (input.agentId) {
        const [a] = await tx.query("SELECT 1 FROM agent WHERE id = $1", [input.agentId]);
        if (!a) throw new DomainError("NOT_FOUND", "no agent with that agentId");
      }
      if (input.contactId) {
        const [c] = await tx.query("SELECT 1 FROM contact WHERE id = $1", [input.contactId]);
        if (!c) throw new DomainError("NOT_FOUND", "no contact with that contactId");
      }
      const secret = newSecret();
      const [key] = await tx.query<ApiKeyRow>(
        `INSERT INTO api_key (name, role, secret_hash, agent_id, contact_id, rate_limit) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, name, role, agent_id, contact_id, created_at, revoked_at, rate_limit`,
        [name, input.role, hash(secret), input.agentId, input.contactId, input.rateLimit ?? null],
      );
      return { key, secret };
    });
  }

  async revoke(id: string, by: Principal): Promise<ApiKeyRow> {
    if (id === by.keyId) throw new DomainError("CONFLICT", "a key cannot revoke itself; use another ADMIN key");
    const [row] = await this.db.query<ApiKeyRow>(
      `UPDATE api_key SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
       RETURNING id, name, role, agent_id, contact_id, created_at, revoked_at, rate_limit`,
      [id],
    );
    if (!row) throw new DomainError("NOT_FOUND", "no API key with that id");
    this.evict(id);
    if (this.bus && this.cacheMs > 0) {
      // best effort: the cache's expiry covers a message Redis drops
      await this.bus.publish([{ topic: KEY_REVOKED_TOPIC, id: "0", txId: "0", sequence: null, payload: id }]).catch(() => undefined);
    }
    return row;
  }

  /**
   * First start: when no administrator key exists, take ADMIN_API_KEY if set; otherwise
   * create an administrator and a DISPLAY key and return their secrets to be shown once.
   */
  async bootstrap(adminApiKey: string | undefined): Promise<{ admin?: string; display?: string; adopted: boolean }> {
    return this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [BOOTSTRAP_LOCK]);
      if (adminApiKey) {
        const [existing] = await tx.query("SELECT 1 FROM api_key WHERE secret_hash = $1", [hash(adminApiKey)]);
        if (existing) return { adopted: false };
      }
      const [admin] = await tx.query("SELECT 1 FROM api_key WHERE role = 'ADMIN' AND revoked_at IS NULL LIMIT 1");
      if (admin) return { adopted: false };
      if (adminApiKey) {
        await tx.query("INSERT INTO api_key (name, role, secret_hash) VALUES ('administrator (ADMIN_API_KEY)', 'ADMIN', $1)", [hash(adminApiKey)]);
        return { adopted: true };
      }
      const adminSecret = newSecret();
      const displaySecret = newSecret();
      await tx.query("INSERT INTO api_key (name, role, secret_hash) VALUES ('administrator (first start)', 'ADMIN', $1)", [hash(adminSecret)]);
      await tx.query("INSERT INTO api_key (name, role, secret_hash) VALUES ('wallboard (first start)', 'DISPLAY', $1)", [hash(displaySecret)]);
      return { admin: adminSecret, display: displaySecret, adopted: false };
    });
  }
}
