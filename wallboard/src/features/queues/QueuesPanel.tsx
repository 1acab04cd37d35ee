import { memo } from "react";
import type { BoardFilter, QueueStats, Severity, SupportLevel } from "../board/types";
import { LEVELS, SEVERITIES } from "../board/types";
import { AtRiskIcon, OverdueIcon } from "../board/Icons";
import { SeverityIcon } from "../incidents/SeverityIcon";
import { severityWord } from "../incidents/labels";

export interface QueueTotals {
  open: number;
  awaitingFirstResponse: number;
  atRisk: number;
  overdue: number;
}

/** Sums of the queue rows (all levels and severities shown). */
export function queueTotals(queues: readonly QueueStats[] | null): QueueTotals | null {
  if (!queues) return null;
  const t = { open: 0, awaitingFirstResponse: 0, atRisk: 0, overdue: 0 };
  for (const q of queues) {
    t.open += q.open;
    t.awaitingFirstResponse += q.awaitingFirstResponse;
    t.atRisk += q.atRisk;
    t.overdue += q.overdue;
  }
  return t;
}

function Num({ n, kind }: { n: number; kind?: "overdue" | "at-risk" | "awaiting" }) {
  return <span className={`qn${n === 0 ? " qn--zero" : kind ? ` qn--${kind}` : ""}`}>{n}</span>;
}

/** Queues by level × severity: open, awaiting first response, at risk, overdue. */
export const QueuesPanel = memo(function QueuesPanel({ queues, filter }: { queues: readonly QueueStats[] | null; filter: BoardFilter }) {
  const levels: readonly SupportLevel[] = filter.levels?.length ? filter.levels : LEVELS;
  const severities: readonly Severity[] = filter.severities?.length ? filter.severities : SEVERITIES;
  const find = (level: SupportLevel, severity: Severity) => queues?.find((q) => q.level === level && q.severity === severity);
  const totals = queueTotals(queues);
  return (
    <section className="panel queues" aria-labelledby="queues-title" data-testid="queues">
      <header className="panel__header">
        <h2 className="panel__title" id="queues-title">
          Queues
        </h2>
        <span className="panel__hint">level × severity</span>
      </header>
      <table className="qtable">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Open</th>
            <th scope="col" title="awaiting first response">
              No reply
            </th>
            <th scope="col" className="qth--at-risk">
              <AtRiskIcon /> At risk
            </th>
            <th scope="col" className="qth--overdue">
              <OverdueIcon /> Overdue
            </th>
          </tr>
        </thead>
        <tbody>
          {levels.map((level) =>
            severities.map((severity, i) => {
              const q = find(level, severity);
              return (
                <tr key={`${level}-${severity}`} className={`qrow${i === 0 ? " qrow--first" : ""}${q && q.open > 0 ? "" : " qrow--empty"}`} data-testid="queue-row" data-level={level} data-severity={severity}>
                  <th scope="row">
                    <span className="qrow__level">{i === 0 ? level : ""}</span>
                    <span className={`severity severity--${severity.toLowerCase()}`}>
                      <SeverityIcon severity={severity} />
                      <span className="severity__word">{severityWord(severity)}</span>
                    </span>
                  </th>
                  <td data-testid="queue-open">{q ? <Num n={q.open} /> : "–"}</td>
                  <td>{q ? <Num n={q.awaitingFirstResponse} kind="awaiting" /> : "–"}</td>
                  <td data-testid="queue-at-risk">{q ? <Num n={q.atRisk} kind="at-risk" /> : "–"}</td>
                  <td data-testid="queue-overdue">{q ? <Num n={q.overdue} kind="overdue" /> : "–"}</td>
                </tr>
              );
            }),
          )}
        </tbody>
        {totals ? (
          <tfoot>
            <tr className="qrow qrow--total">
              <th scope="row">Total</th>
              <td>
                <Num n={totals.open} />
              </td>
              <td>
                <Num n={totals.awaitingFirstResponse} kind="awaiting" />
              </td>
              <td>
                <Num n={totals.atRisk} kind="at-risk" />
              </td>
              <td>
                <Num n={totals.overdue} kind="overdue" />
              </td>
            </tr>
          </tfoot>
        ) : null}
      </table>
    </section>
  );
});
