/**
 * Time is injected: a request reads `now` once and every field of its answer agrees.
 *
 * The simulated clock (CLOCK_MODE=simulated) keeps its instant in the database so every
 * replica reads the same time; it stands still between moves (rate 0) and only moves
 * forward, through `setClock`/`advanceClock`.
 */
import { DomainError } from "../domain/errors.js";
import type { Db, Sql } from "./data-source.js";

export interface Clock {
  readonly mode: "system" | "simulated";
  /** Server seconds per real second: 1, or 0 while a simulated clock stands still. */
  readonly rate: number;
  now(): Promise<Date>;
}

export class SystemClock implements Clock {
  readonly mode = "system" as const;
  readonly rate = 1;
  async now(): Promise<Date> {
    return new Date();
  }
}

export class SimulatedClock implements Clock {
  readonly mode = "simulated" as const;
  readonly rate = 0;

  private constructor(private readonly db: Db) {}

  /** Creates the shared clock at `start` unless another replica already did. */
  static async open(db: Db, start: Date): Promise<SimulatedClock> {
    await db.query("INSERT INTO sim_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO NOTHING", [start]);
    return new SimulatedClock(db);
  }

  async now(): Promise<Date> {
    const [row] = await this.db.query<{ now: Date }>("SELECT now FROM sim_clock WHERE id = 1");
    return row.now;
  }

  /** Moves the clock to `to` inside the caller's transaction (which holds the decision lock). */
  async moveTo(tx: Sql, to: Date): Promise<{ from: Date; to: Date }> {
    const [row] = await tx.query<{ now: Date }>("SELECT now FROM sim_clock WHERE id = 1 FOR UPDATE");
    if (to.getTime() < row.now.getTime()) {
      throw new DomainError("BAD_USER_INPUT", `the simulated clock moves forward only: it is ${row.now.toISOString()}, and ${to.toISOString()} is earlier`, { field: "to" });
    }
    await tx.query("UPDATE sim_clock SET now = $1, moved_at = now() WHERE id = 1", [to]);
    return { from: row.now, to };
  }
}
