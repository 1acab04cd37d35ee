import { Arg, Ctx, Int, Mutation, Resolver } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { requireRole } from "../access/principal.js";

@Resolver()
export class ClockResolver {
  @Mutation(() => Date, { description: "simulated clock only (CLOCK_MODE=simulated), ADMIN only: moves it forward by `seconds`" })
  async advanceClock(@Ctx() ctx: Context, @Arg("seconds", () => Int) seconds: number): Promise<Date> {
    requireRole(ctx.principal, ["ADMIN"], "move the clock");
    return ctx.services.clockControl.advance(seconds);
  }

  @Mutation(() => Date, { description: "simulated clock only (CLOCK_MODE=simulated), ADMIN only: forward only" })
  async setClock(@Ctx() ctx: Context, @Arg("to", () => Date) to: Date): Promise<Date> {
    requireRole(ctx.principal, ["ADMIN"], "move the clock");
    return ctx.services.clockControl.set(to);
  }
}
