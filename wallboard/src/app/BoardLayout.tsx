import type { ReactNode } from "react";

export interface BoardLayoutProps {
  /** Open incidents shown; null while unknown. */
  count: number | null;
  /** Right side of the header (e.g. counts by severity). */
  summary?: ReactNode;
  /** Messages above the panels (key rejected, load errors). */
  notices?: ReactNode;
  /** The bottom status line. */
  statusBar: ReactNode;
  children?: ReactNode;
}

/** The wall screen: header, notices, panels, status line. Later panels go in `children`. */
export function BoardLayout({ count, summary, notices, statusBar, children }: BoardLayoutProps) {
  return (
    <div className="board">
      <header className="board__header">
        <h1 className="board__title">
          <span className="board__brand">Atalaya</span> Open incidents
          <span className="board__count" data-testid="incident-count" aria-label="open incidents">
            {count === null ? "–" : count}
          </span>
        </h1>
        {summary}
      </header>
      {notices ? (
        <div className="board__notices" role="status">
          {notices}
        </div>
      ) : null}
      <main className="board__main">{children}</main>
      {statusBar}
    </div>
  );
}
