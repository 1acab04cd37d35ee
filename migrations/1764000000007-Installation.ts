import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One random id per database: replicas of one deployment share it (and their Redis
 * channel); deployments that share a Redis but not a database never see each other's events.
 */
export class Installation1764000000007 implements MigrationInterface {
  name = "Installation1764000000007";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE installation (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO installation DEFAULT VALUES;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE installation");
  }
}
