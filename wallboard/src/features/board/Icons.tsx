import type { Tone } from "../urgent/urgency";

/** Shapes that carry meaning without colour: overdue ✖, at risk ⧗, on track ◷, paused ⏸. */
function Svg({ children, className }: { children: React.ReactNode; className?: string }) {
  return (
    <svg className={`icon ${className ?? ""}`} viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export function OverdueIcon() {
  return (
    <Svg className="icon--overdue">
      <rect x="1.5" y="1.5" width="21" height="21" rx="3" fill="currentColor" />
      <path d="M7 7 17 17M17 7 7 17" stroke="var(--icon-mark)" strokeWidth="3.2" strokeLinecap="round" />
    </Svg>
  );
}

export function AtRiskIcon() {
  return (
    <Svg className="icon--at-risk">
      <path d="M5 2h14v2c0 3.5-3 5.6-4.6 8C16 14.4 19 16.5 19 20v2H5v-2c0-3.5 3-5.6 4.6-8C8 9.6 5 7.5 5 4z" fill="currentColor" />
      <path d="M8.5 20.2h7c-.4-2-2.2-3.2-3.5-4.6-1.3 1.4-3.1 2.6-3.5 4.6z" fill="var(--icon-mark)" />
    </Svg>
  );
}

export function OnTrackIcon() {
  return (
    <Svg className="icon--on-track">
      <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" strokeWidth="2.6" />
      <path d="M12 6.5V12l3.8 2.4" fill="none" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
    </Svg>
  );
}

export function PausedIcon() {
  return (
    <Svg className="icon--paused">
      <rect x="5" y="3" width="5" height="18" rx="1.2" fill="currentColor" />
      <rect x="14" y="3" width="5" height="18" rx="1.2" fill="currentColor" />
    </Svg>
  );
}

export function EscalatedIcon() {
  return (
    <Svg className="icon--escalated">
      <path d="M12 2 21 12h-5.5v10h-7V12H3z" fill="currentColor" />
    </Svg>
  );
}

export function MeetsIcon() {
  return (
    <Svg className="icon--meets">
      <circle cx="12" cy="12" r="10.5" fill="currentColor" />
      <path d="m6.5 12.5 3.8 3.8 7.4-8" fill="none" stroke="var(--icon-mark)" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
    </Svg>
  );
}

export function MissesIcon() {
  return (
    <Svg className="icon--misses">
      <path d="M12 1.5 23 21.5H1z" fill="currentColor" />
      <rect x="10.6" y="8" width="2.8" height="7" rx="1" fill="var(--icon-mark)" />
      <circle cx="12" cy="18" r="1.6" fill="var(--icon-mark)" />
    </Svg>
  );
}

export function NoneIcon() {
  return (
    <Svg className="icon--none">
      <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" strokeWidth="2.6" />
      <path d="M7.5 12h9" stroke="currentColor" strokeWidth="2.6" strokeLinecap="round" />
    </Svg>
  );
}

export function ToneIcon({ tone }: { tone: Tone }) {
  switch (tone) {
    case "overdue":
      return <OverdueIcon />;
    case "atRisk":
      return <AtRiskIcon />;
    case "paused":
      return <PausedIcon />;
    case "onTrack":
      return <OnTrackIcon />;
    default:
      return <NoneIcon />;
  }
}
