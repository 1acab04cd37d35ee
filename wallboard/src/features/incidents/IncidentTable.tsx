import { memo } from "react";
import { formatAge, statusWord } from "./labels";
import { SeverityBadge } from "./SeverityBadge";
import type { IncidentSummary } from "./types";

export interface IncidentTableProps {
  incidents: readonly IncidentSummary[];
  /** Server time floored to the minute (rows re-render once a minute for their age), or null. */
  nowMinuteMs: number | null;
  loaded: boolean;
}

/** The open incidents, already in board order. */
export function IncidentTable({ incidents, nowMinuteMs, loaded }: IncidentTableProps) {
  if (incidents.length === 0) {
    return (
      <div className="incidents-empty" data-testid={loaded ? "no-incidents" : "incidents-loading"}>
        {loaded ? "No open incidents" : "Loading open incidents…"}
      </div>
    );
  }
  return (
    <table className="incidents" data-testid="incident-table">
      <thead>
        <tr>
          <th scope="col">Severity</th>
          <th scope="col">Incident</th>
          <th scope="col" className="incidents__title">Title</th>
          <th scope="col">Product</th>
          <th scope="col">Requester</th>
          <th scope="col">Level</th>
          <th scope="col">Status</th>
          <th scope="col" className="incidents__age">Open for</th>
        </tr>
      </thead>
      <tbody>
        {incidents.map((incident) => (
          <IncidentRow key={incident.id} incident={incident} nowMinuteMs={nowMinuteMs} />
        ))}
      </tbody>
    </table>
  );
}

const IncidentRow = memo(function IncidentRow({ incident, nowMinuteMs }: { incident: IncidentSummary; nowMinuteMs: number | null }) {
  const age = formatAge(incident.openedAt, nowMinuteMs);
  const { requester } = incident;
  return (
    <tr
      className={`incident incident--${incident.severity.toLowerCase()}`}
      data-testid="incident-row"
      data-number={incident.number}
      data-id={incident.id}
      data-severity={incident.severity}
      data-status={incident.status}
    >
      <td>
        <SeverityBadge severity={incident.severity} />
      </td>
      <td className="incidents__number">{incident.number}</td>
      <td className="incidents__title" title={incident.title}>
        {incident.title}
      </td>
      <td title={incident.product.name}>{incident.product.code}</td>
      <td className="incidents__requester">
        {requester.name}
        {requester.organization ? <span className="incidents__org"> · {requester.organization}</span> : null}
      </td>
      <td>{incident.level}</td>
      <td className={`status status--${incident.status.toLowerCase()}`}>{statusWord(incident.status)}</td>
      <td className="incidents__age">
        <time dateTime={incident.openedAt} title={incident.openedAt}>
          {age ?? "–"}
        </time>
      </td>
    </tr>
  );
});
