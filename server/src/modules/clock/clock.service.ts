import { DomainError } from "../../domain/errors.js";
import type { Clock, SimulatedClock } from "../../platform/clock.js";
import type { Db, Sql } from "../../platform/data-source.js";
import { LOCKS } from "../../platform/locks.js";

const MAX_STEP_SECONDS = 366 * 24 * 3600;

/** Moves the simulated clock; in system mode there is nothing to move (FORBIDDEN). */
export class ClockService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Runs every decision due before the new instant, in the move's transaction. */
    private readonly decideUntil: (tx: Sql, until: Date) => Promise<number>,
    private readonly afterCommit: () => void,
  ) {}

  private simulated(): SimulatedClock {
    if (this.clock.mode !== "simulated") {
      throw new DomainError("FORBIDDEN", "the clock can only be moved when the server runs with CLOCK_MODE=simulated");
    }
    return this.clock as SimulatedClock;
  }

  async advance(seconds: number): Promise<Date> {
    const clock = this.simulated();
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_STEP_SECONDS) {
      throw new DomainError("BAD_USER_INPUT", `seconds must be a whole number from 0 to ${MAX_STEP_SECONDS} (the clock moves forward only)`, { field: "seconds" });
    }
    return this.move(clock, async (current) => new Date(current.getTime() + seconds * 1000));
  }

  async set(to: Date): Promise<Date> {
    const clock = this.simulated();
    return this.move(clock, async () => to);
  }

  private async move(clock: SimulatedClock, target: (current: Date) => Promise<Date>): Promise<Date> {
    // The decision lock: automatic decisions due up to the new instant run under it too,
    // so no other replica decides while time jumps.
    const to = await this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.decisions]);
      const [row] = await tx.query<{ now: Date }>("SELECT now FROM sim_clock WHERE id = 1");
      const moved = await clock.moveTo(tx, await target(row.now));
      // every decision due before the new instant (a due reached exactly is not yet breached), chains included
      await this.decideUntil(tx, moved.to);
      return moved.to;
    });
    this.afterCommit();
    return to;
  }
}
