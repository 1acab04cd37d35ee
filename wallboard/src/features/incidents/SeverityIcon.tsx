import type { Severity } from "../board/types";

/** A distinct shape per severity (octagon, triangle, circle), so severity never rests on colour alone. */
export function SeverityIcon({ severity }: { severity: Severity }) {
  return (
    <svg className="severity-icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      {severity === "CRITICAL" ? (
        <>
          <polygon points="7.5,1.5 16.5,1.5 22.5,7.5 22.5,16.5 16.5,22.5 7.5,22.5 1.5,16.5 1.5,7.5" fill="currentColor" />
          <rect x="10.5" y="5.5" width="3" height="8.5" rx="1" className="severity-icon__mark" />
          <circle cx="12" cy="17.5" r="1.8" className="severity-icon__mark" />
        </>
      ) : severity === "HIGH" ? (
        <>
          <polygon points="12,1.5 23,21.5 1,21.5" fill="currentColor" strokeLinejoin="round" />
          <rect x="10.6" y="8" width="2.8" height="7" rx="1" className="severity-icon__mark" />
          <circle cx="12" cy="18" r="1.6" className="severity-icon__mark" />
        </>
      ) : (
        <>
          <circle cx="12" cy="12" r="10.5" fill="currentColor" />
          <circle cx="12" cy="7" r="1.7" className="severity-icon__mark" />
          <rect x="10.6" y="10" width="2.8" height="8" rx="1" className="severity-icon__mark" />
        </>
      )}
    </svg>
  );
}
