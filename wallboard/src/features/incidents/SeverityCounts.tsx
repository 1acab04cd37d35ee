import { countBySeverity, SEVERITY_ORDER } from "./incidentList";
import { severityWord } from "./labels";
import { SeverityIcon } from "./SeverityIcon";
import type { IncidentSummary } from "./types";

/** "▲ 3 Critical  ▲ 4 High  ● 5 Normal" for the header. */
export function SeverityCounts({ incidents }: { incidents: readonly IncidentSummary[] }) {
  const counts = countBySeverity(incidents);
  return (
    <ul className="severity-counts" aria-label="Open incidents by severity">
      {SEVERITY_ORDER.map((severity) => (
        <li
          key={severity}
          className={`severity severity--${severity.toLowerCase()}${counts[severity] === 0 ? " severity--none" : ""}`}
          data-testid={`count-${severity.toLowerCase()}`}
        >
          <SeverityIcon severity={severity} />
          <span className="severity-counts__n">{counts[severity]}</span>
          <span className="severity__word">{severityWord(severity)}</span>
        </li>
      ))}
    </ul>
  );
}
