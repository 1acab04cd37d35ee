import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ReadableStore } from "../../lib/store";
import type { UrgentIncident } from "../board/types";
import { ToneIcon } from "../board/Icons";
import { SeverityBadge } from "../incidents/SeverityBadge";
import { statusWord } from "../incidents/labels";
import type { Now } from "../server-time/ticker";
import { useTick } from "../server-time/useTick";
import { countdownCaption, countPassed, formatDuration, fromHeadlineKey, headline, headlineKey, orderUrgent, pageOf, shortClockWord, toneCountsAt, toneIndex, TONE_WORD, type Tone } from "./urgency";

/** How long each page of a list too long for the screen stays up. */
export const PAGE_MS = 10_000;
/** One row's height in rem (two lines); the CSS uses the same number. */
const ROW_REM = 3.1;

export interface UrgentPanelProps {
  incidents: readonly UrgentIncident[];
  /** The board's heartbeat: server time (epoch ms, null before the first sample) each second. */
  ticker: ReadableStore<Now>;
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

/**
 * The panel re-renders when the list changes, the page turns or a running due passes (the
 * counts and the order move only then); the seconds themselves tick in each row's
 * Countdown, so a tick touches a dozen text nodes, not 2,000 incidents.
 */
export const UrgentPanel = memo(function UrgentPanel({ incidents, ticker, loaded, openTotal, truncated }: UrgentPanelProps) {
  const bodyRef = useRef<HTMLDivElement>(null);
  const rows = useRowsThatFit(bodyRef);
  const index = useMemo(() => toneIndex(incidents), [incidents]);
  const hasTime = useTick(ticker, (now) => now.server !== null);
  const crossed = useTick(ticker, (now) => (now.server === null ? 0 : countPassed(index.running, now.server)));
  // Read in render, consistently with `crossed` (useSyncExternalStore keeps them in step):
  // the counts and the order are functions of the list and of which dues have passed.
  const now = ticker.get().server ?? 0;
  const counts = useMemo(() => toneCountsAt(index, now), [index, crossed]); // eslint-disable-line react-hooks/exhaustive-deps
  const ordered = useMemo(
    () => (hasTime ? orderUrgent(incidents, now) : []),
    [incidents, crossed, hasTime], // eslint-disable-line react-hooks/exhaustive-deps
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
        {!loaded || !hasTime ? (
          <div className="panel__empty" data-testid="incidents-loading">
            Loading open incidents…
          </div>
        ) : ordered.length === 0 ? (
          <div className="panel__empty" data-testid="no-incidents">
            <ToneIcon tone="onTrack" /> No open incidents
          </div>
        ) : (
          <ol className="urgent__list" data-testid="incident-table">
            {page.items.map((incident, slot) => (
              // Keyed by the slot on screen: turning the page rewrites a dozen rows in place
              // instead of tearing them down and building new ones every 10 s.
              <UrgentRow key={slot} incident={incident} ticker={ticker} />
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

/** A row re-renders when its incident changes or its headline's tone or clock does (a due passed). */
const UrgentRow = memo(function UrgentRow({ incident, ticker }: { incident: UrgentIncident; ticker: ReadableStore<Now> }) {
  const key = useTick(ticker, (now) => headlineKey(incident, now.server ?? 0));
  const { tone, clock } = fromHeadlineKey(incident, key);
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
          {clock ? shortClockWord(clock) : statusWord(incident.status)} {countdownCaption(tone)}
        </span>
        <Countdown incident={incident} tone={tone} ticker={ticker} />
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

/** The digits: the only part of a row that changes every second (paused ones do not). */
function Countdown({ incident, tone, ticker }: { incident: UrgentIncident; tone: Tone; ticker: ReadableStore<Now> }) {
  const seconds = useTick(ticker, (now) => headline(incident, now.server ?? 0).seconds);
  return (
    <span className="countdown__digits" data-testid="countdown" data-seconds={seconds}>
      {tone === "idle" ? "—" : `${tone === "overdue" ? "+" : ""}${formatDuration(seconds)}`}
    </span>
  );
}
