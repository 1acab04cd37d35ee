import type { ReactNode } from "react";

export interface BoardLayoutProps {
  /** What this board shows (the team's filter). */
  subtitle?: ReactNode;
  /** Right side of the header. */
  summary?: ReactNode;
  /** Messages above the panels (disconnected, stale, key rejected, load errors). */
  notices?: ReactNode;
  /** The bottom status line. */
  statusBar: ReactNode;
  /** Dim the panels: the board cannot vouch for them. */
  stale?: boolean;
  children?: ReactNode;
}

/** The wall screen: header, notices, panels, status line, on one screen without scrolling. */
export function BoardLayout({ subtitle, summary, notices, statusBar, stale, children }: BoardLayoutProps) {
  return (
    <div className={`board${stale ? " board--stale" : ""}`}>
      <header className="board__header">
        <h1 className="board__title">
          <span className="board__brand">Atalaya</span>
          {subtitle ? <span className="board__subtitle" data-testid="board-filter">{subtitle}</span> : null}
        </h1>
        {summary}
      </header>
      {notices ? <div className="board__notices">{notices}</div> : null}
      <main className="board__main">{children}</main>
      {statusBar}
    </div>
  );
}
