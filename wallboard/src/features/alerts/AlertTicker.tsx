import { memo } from "react";
import type { ReadableStore } from "../../lib/store";
import type { SlaAlert } from "../board/types";
import { AtRiskIcon, EscalatedIcon, OverdueIcon } from "../board/Icons";
import { formatUtcHms } from "../server-time/serverClock";
import type { Now } from "../server-time/ticker";
import { useTick } from "../server-time/useTick";
import { clockWord } from "../urgent/urgency";

const KIND_WORD: Record<string, string> = { AT_RISK: "At risk", BREACHED: "Breached", ESCALATED: "Escalated" };

/** "3 min ago" by the server's clock (alerts carry the instant the rules give). */
export function alertAge(atIso: string, nowMs: number | null): string {
  const at = Date.parse(atIso);
  if (nowMs === null || Number.isNaN(at)) return "";
  const m = Math.max(0, Math.floor((nowMs - at) / 60_000));
  if (m < 1) return "just now";
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** The newest alerts first. Ages move once a minute, so the list re-renders at most that often. */
export const AlertTicker = memo(function AlertTicker({ alerts, ticker }: { alerts: readonly SlaAlert[]; ticker: ReadableStore<Now> }) {
  const nowMinuteMs = useTick(ticker, (now) => (now.server === null ? null : Math.floor(now.server / 60_000) * 60_000));
  return (
    <section className="panel alerts" aria-labelledby="alerts-title" data-testid="alerts">
      <header className="panel__header">
        <h2 className="panel__title" id="alerts-title">
          Alerts
        </h2>
        <span className="panel__hint">newest first</span>
      </header>
      {alerts.length === 0 ? (
        <div className="panel__empty panel__empty--small">No alerts</div>
      ) : (
        <ol className="alerts__list">
          {alerts.map((a) => {
            const kind = a.kind === "AT_RISK" ? "at-risk" : a.kind === "BREACHED" ? "overdue" : "escalated";
            return (
              <li key={a.id} className={`alert alert--${kind}`} data-testid="alert" data-kind={a.kind} data-number={a.incident.number}>
                <span className={`alert__kind tone tone--${kind}`}>
                  {a.kind === "AT_RISK" ? <AtRiskIcon /> : a.kind === "BREACHED" ? <OverdueIcon /> : <EscalatedIcon />}
                  <span className="tone__word">{KIND_WORD[a.kind] ?? a.kind}</span>
                </span>
                <span className="alert__what">
                  <span className="alert__line">
                    <span className="alert__number">{a.incident.number}</span> {clockWord({ kind: a.clock, level: a.level, cycle: a.cycle })}
                  </span>
                  <span className="alert__title">{a.incident.title}</span>
                </span>
                <span className="alert__when">
                  <time dateTime={a.at}>{formatUtcHms(Date.parse(a.at))}</time>
                  <span className="alert__ago">{alertAge(a.at, nowMinuteMs)}</span>
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
});
