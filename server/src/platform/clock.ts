/**
 * Time is injected: a request reads `now` once and every field of its answer agrees.
 * The simulated clock (CLOCK_MODE=simulated) keeps its instant in the database so all
 * replicas share it; it arrives with the lifecycle issue.
 */
export interface Clock {
  readonly mode: "system" | "simulated";
  now(): Promise<Date>;
  /** Server seconds per real second: 1, or 0 while a simulated clock stands still. */
  readonly rate: number;
}

export class SystemClock implements Clock {
  readonly mode = "system" as const;
  readonly rate = 1;
  async now(): Promise<Date> {
    return new Date();
  }
}
