import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Alerts at the same instant (a breach and the escalation it causes), and comments written at
 * the same instant, keep the order they were written in.
 */
export class AlertOrder1764000000010 implements MigrationInterface {
  name = "AlertOrder1764000000010";

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE sla_alert ADD COLUMN seq bigserial; ALTER TABLE comment ADD COLUMN seq bigserial;");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE sla_alert DROP COLUMN seq; ALTER TABLE comment DROP COLUMN seq;");
  }
}
