import type { ConnectionState } from "../../graphql/connection";

/** Live-connection state: shape + word (the word alone is the testid's text). */
export function ConnectionIndicator({ state }: { state: ConnectionState }) {
  return (
    <span className={`connection connection--${state}`}>
      <svg className="connection__icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
        {state === "connected" ? (
          <circle cx="12" cy="12" r="8" fill="currentColor" />
        ) : state === "connecting" ? (
          <path d="M12 3a9 9 0 1 1-9 9" fill="none" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" />
        ) : (
          <path d="M5 5 19 19M19 5 5 19" fill="none" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" />
        )}
      </svg>
      <span className="connection__word" data-testid="connection-state">
        {state}
      </span>
    </span>
  );
}
