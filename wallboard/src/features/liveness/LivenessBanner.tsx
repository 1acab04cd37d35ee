import { OverdueIcon, AtRiskIcon } from "../board/Icons";
import { formatFor, type Liveness } from "./liveness";

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
