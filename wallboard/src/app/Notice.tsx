import type { ReactNode } from "react";

/** A banner above the panels; `tone` sets the colour, the heading carries the meaning. */
export function Notice({ tone, title, children, testId }: { tone: "error" | "warning" | "info"; title: string; children?: ReactNode; testId?: string }) {
  return (
    <section className={`notice notice--${tone}`} data-testid={testId}>
      <h2 className="notice__title">{title}</h2>
      {children ? <div className="notice__body">{children}</div> : null}
    </section>
  );
}
