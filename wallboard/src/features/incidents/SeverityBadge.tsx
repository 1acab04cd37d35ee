import { severityWord } from "./labels";
import { SeverityIcon } from "./SeverityIcon";
import type { Severity } from "../board/types";

/** Icon + word, coloured by severity. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`severity severity--${severity.toLowerCase()}`} data-testid="severity">
      <SeverityIcon severity={severity} />
      <span className="severity__word">{severityWord(severity)}</span>
    </span>
  );
}
