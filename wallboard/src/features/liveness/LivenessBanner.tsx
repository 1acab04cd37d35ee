import type { ReadableStore } from "../../lib/store";
import { OverdueIcon, AtRiskIcon } from "../board/Icons";
import type { Now } from "../server-time/ticker";
import { useTick } from "../server-time/useTick";
import { formatFor, liveness, type Liveness, type LivenessInput } from "./liveness";

/** A banner nobody can miss when the board cannot vouch for what it shows. */
export function LivenessBanner({ liveness }: { liveness: Liveness }) {
  if (liveness.kind === "live") return null;
  const text =
    liveness.kind === "disconnected"
      ? { title: `Disconnected for ${formatFor(liveness.forMs)}`, body: "Reconnecting by itself. Figures and countdowns are from before the outage." }
      : liveness.kind === "stale"
        ? { title: `Stale: no update for ${formatFor(liveness.forMs)}`, body: "The server has sent no clock tick; what you see may be out of date." }
        : { title: `Connecting for ${formatFor(liveness.forMs)}`, body: "Waiting for the server." };
  return (
    <div className={`banner banner--${liveness.kind}`} role="alert" data-testid="liveness-banner" data-kind={liveness.kind}>
      {liveness.kind === "disconnected" ? <OverdueIcon /> : <AtRiskIcon />}
      <strong className="banner__title">{text.title}</strong>
      <span className="banner__body">{text.body}</span>
    </div>
  );
}

/** The banner, counting the outage each second on its own (the board re-renders only when the kind changes). */
export function TickingLivenessBanner({ input, ticker }: { input: Omit<LivenessInput, "now">; ticker: ReadableStore<Now> }) {
  // The whole seconds the banner shows: re-rendered once a second while it is up, never while live.
  const shown = useTick(ticker, (now) => {
    const l = liveness({ ...input, now: now.local });
    return l.kind === "live" ? "live" : `${l.kind}:${Math.floor(l.forMs / 1000)}`;
  });
  if (shown === "live") return null;
  const [kind, seconds] = shown.split(":");
  return <LivenessBanner liveness={{ kind: kind as Exclude<Liveness["kind"], "live">, forMs: Number(seconds) * 1000 }} />;
}
