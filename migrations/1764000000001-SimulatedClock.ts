import type { MigrationInterface, QueryRunner } from "typeorm";

/** The simulated clock's instant, shared by every replica (CLOCK_MODE=simulated). */
export class SimulatedClock1764000000001 implements MigrationInterface {
  name = "SimulatedClock1764000000001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sim_clock (
        id smallint PRIMARY KEY CHECK (id = 1),
        now timestamptz NOT NULL,
        moved_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE sim_clock");
  }
}
