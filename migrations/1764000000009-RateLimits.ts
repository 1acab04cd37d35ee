import type { MigrationInterface, QueryRunner } from "typeorm";

/** A key's own request budget (null: the server's default). */
export class RateLimits1764000000009 implements MigrationInterface {
  name = "RateLimits1764000000009";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE api_key ADD COLUMN rate_limit integer CHECK (rate_limit > 0)");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE api_key DROP COLUMN rate_limit");
  }
}
