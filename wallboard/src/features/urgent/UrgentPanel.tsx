import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { UrgentIncident } from "../board/types";
import { ToneIcon } from "../board/Icons";
import { SeverityBadge } from "../incidents/SeverityBadge";
import { statusWord } from "../incidents/labels";
import { countdownCaption, shortClockWord, countTones, formatDuration, headline, orderUrgent, pageOf, TONE_WORD } from "./urgency";

/** How long each page of a list too long for the screen stays up. */
export const PAGE_MS = 10_000;
/** One row's height in rem (two lines); the CSS uses the same number. */
const ROW_REM = 3.1;

export interface UrgentPanelProps {
  incidents: readonly UrgentIncident[];
  /** Server time (epoch ms) or null before the first sample. */
  nowMs: number | null;
  loaded: boolean;
  /** Open incidents according to the server's queues (the list may hold fewer). */
  openTotal: number | null;
  truncated: boolean;
}

function useRowsThatFit(ref: React.RefObject<HTMLElement | null>): number {
  const [rows, setRows] = useState(8);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const rootPx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      const n = Math.max(1, Math.floor(el.clientHeight / (ROW_REM * rootPx)));
      setRows((r) => (r === n ? r : n));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return rows;
}

function usePageIndex(pages: number): number {
  const [index, setIndex] = useState(0);
  useEffect(() => {
    if (pages <= 1) {
      setIndex(0);
      return;
    }
    const t = setInterval(() => setIndex((i) => (i + 1) % pages), PAGE_MS);
    return () => clearInterval(t);
  }, [pages]);
  return index;
}

export const UrgentPanel = memo(function UrgentPanel({ incidents, nowMs, loaded, openTotal, truncated }: UrgentPanelProps) {
  const bodyRef = useRef<HTMLDivElement>(null);
  const rows = useRowsThatFit(bodyRef);
  const now = nowMs ?? 0;
  const counts = useMemo(() => countTones(incidents, now), [incidents, now]);
  // The order moves only when the list changes or a running due passes: not every second.
  const ordered = useMemo(
    () => (nowMs === null ? [] : orderUrgent(incidents, now)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [incidents, counts.crossed, nowMs === null],
  );
  const pages = Math.max(1, Math.ceil(ordered.length / rows));
  const pageIndex = usePageIndex(pages);
  const page = pageOf(ordered, rows, pageIndex);

  return (
    <section className="panel urgent" aria-labelledby="urgent-title" data-testid="urgent-panel">
      <header className="panel__header">
        <h2 className="panel__title" id="urgent-title">
          Urgent incidents
        </h2>
        <div className="urgent__counts">
          <span className="chip chip--overdue" data-testid="overdue-count">
            <ToneIcon tone="overdue" /> {counts.overdue} overdue
          </span>
          <span className="chip chip--at-risk" data-testid="at-risk-count">
            <ToneIcon tone="atRisk" /> {counts.atRisk} at risk
          </span>
          <span className="chip" data-testid="incident-count" aria-label="open incidents">
            {openTotal ?? incidents.length} open
          </span>
        </div>
      </header>
      <div className="urgent__body" ref={bodyRef}>
        {!loaded || nowMs === null ? (
          <div className="panel__empty" data-testid="incidents-loading">
            Loading open incidents…
          </div>
        ) : ordered.length === 0 ? (
          <div className="panel__empty" data-testid="no-incidents">
            <ToneIcon tone="onTrack" /> No open incidents
          </div>
        ) : (
          <ol className="urgent__list" data-testid="incident-table">
            {page.items.map((incident) => (
              <UrgentRow key={incident.id} incident={incident} nowMs={now} />
            ))}
          </ol>
        )}
      </div>
      <footer className="urgent__footer">
        <span>Overdue first, then by next due</span>
        {truncated ? <span data-testid="not-loaded">showing the {incidents.length.toLocaleString("en")} most urgent</span> : null}
        {page.pages > 1 ? (
          <span className="pager" data-testid="pager" aria-label={`page ${page.page + 1} of ${page.pages}`}>
            Page {page.page + 1} / {page.pages}
            <span className="pager__dots" aria-hidden="true">
              {Array.from({ length: Math.min(page.pages, 12) }, (_, i) => (
                <span key={i} className={i === page.page ? "pager__dot pager__dot--on" : "pager__dot"} />
              ))}
            </span>
          </span>
        ) : null}
      </footer>
    </section>
  );
});

const UrgentRow = memo(function UrgentRow({ incident, nowMs }: { incident: UrgentIncident; nowMs: number }) {
  const view = headline(incident, nowMs);
  const tone = view.tone;
  const cls = tone === "atRisk" ? "at-risk" : tone === "onTrack" ? "on-track" : tone;
  const { requester } = incident;
  return (
    <li
      className={`urow urow--${cls}`}
      data-testid="incident-row"
      data-number={incident.number}
      data-id={incident.id}
      data-severity={incident.severity}
      data-status={incident.status}
      data-tone={tone}
    >
      <span className={`tone tone--${cls}`} data-testid="tone">
        <ToneIcon tone={tone} />
        <span className="tone__word">{TONE_WORD[tone]}</span>
      </span>
      <span className="countdown">
        <span className="countdown__caption">
          {view.clock ? shortClockWord(view.clock) : statusWord(incident.status)} {countdownCaption(tone)}
        </span>
        <span className="countdown__digits" data-testid="countdown" data-seconds={view.seconds}>
          {tone === "idle" ? "—" : `${tone === "overdue" ? "+" : ""}${formatDuration(view.seconds)}`}
        </span>
      </span>
      <span className="urow__main">
        <span className="urow__title" title={incident.title}>
          {incident.title}
        </span>
        <span className="urow__meta">
          <span className="urow__number">{incident.number}</span>
          <SeverityBadge severity={incident.severity} />
          <span>
            {incident.product.code} · {incident.level}
          </span>
          <span className="urow__status">{statusWord(incident.status)}</span>
          <span className="urow__requester">
            {requester.name}
            {requester.organization ? ` · ${requester.organization}` : ""}
          </span>
        </span>
      </span>
    </li>
  );
});
