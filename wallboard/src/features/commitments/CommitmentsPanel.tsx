import { memo, useMemo } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from "recharts";
import type { Compliance, ComplianceRate, CompliancePoint } from "../board/types";
import { MeetsIcon, MissesIcon, NoneIcon } from "../board/Icons";
import { formatPercent, formatTarget, hourLabel, outcomeWords, trendFloor, trendRows, verdict, type Verdict } from "./commitments";

const VERDICT_WORD: Record<Verdict, string> = { meets: "Meets target", misses: "Below target", none: "No outcome yet" };

function VerdictMark({ v }: { v: Verdict }) {
  return (
    <span className={`verdict verdict--${v}`}>
      {v === "meets" ? <MeetsIcon /> : v === "misses" ? <MissesIcon /> : <NoneIcon />}
      <span>{VERDICT_WORD[v]}</span>
    </span>
  );
}

function Figure({ rate, period, testId }: { rate: ComplianceRate | null; period: string; testId: string }) {
  const v = verdict(rate);
  return (
    <div className={`figure figure--${v}`} data-testid={testId} data-verdict={v} data-rate={rate?.rate ?? ""}>
      <span className="figure__period">{period}</span>
      <span className="figure__value" data-testid={`${testId}-value`}>
        {formatPercent(rate?.rate)}
      </span>
      <VerdictMark v={v} />
      <span className="figure__outcomes">{outcomeWords(rate)}</span>
    </div>
  );
}

export interface CommitmentsPanelProps {
  day: Compliance | null;
  week: Compliance | null;
  trend: readonly CompliancePoint[] | null;
  /** Root font size in px: chart text scales with the screen like the rest. */
  rootPx: number;
}

export const CommitmentsPanel = memo(function CommitmentsPanel({ day, week, trend, rootPx }: CommitmentsPanelProps) {
  const frTarget = day?.firstResponse.target ?? week?.firstResponse.target ?? 0.95;
  const ueTarget = day?.updatesAndEscalations.target ?? week?.updatesAndEscalations.target ?? 0.9;
  return (
    <section className="panel commitments" aria-labelledby="commitments-title">
      <header className="panel__header">
        <h2 className="panel__title" id="commitments-title">
          Commitments
        </h2>
      </header>
      <div className="commitments__grid">
        <div className="commitment" data-testid="commitment-first-response">
          <h3 className="commitment__name">
            First response <span className="commitment__target">target {formatTarget(frTarget)}</span>
          </h3>
          <div className="commitment__figures">
            <Figure rate={day?.firstResponse ?? null} period="24 h" testId="fr-24h" />
            <Figure rate={week?.firstResponse ?? null} period="7 days" testId="fr-7d" />
          </div>
        </div>
        <div className="commitment" data-testid="commitment-updates">
          <h3 className="commitment__name">
            Updates &amp; escalations <span className="commitment__target">target {formatTarget(ueTarget)}</span>
          </h3>
          <div className="commitment__figures">
            <Figure rate={day?.updatesAndEscalations ?? null} period="24 h" testId="ue-24h" />
            <Figure rate={week?.updatesAndEscalations ?? null} period="7 days" testId="ue-7d" />
          </div>
        </div>
      </div>
      <TrendChart trend={trend} frTarget={frTarget} ueTarget={ueTarget} rootPx={rootPx} />
    </section>
  );
});

const FR_COLOR = "#56b4e9"; // Okabe–Ito sky blue
const UE_COLOR = "#e0a0ff"; // light purple: never amber or red, which mean at risk and overdue

const TrendChart = memo(function TrendChart({ trend, frTarget, ueTarget, rootPx }: { trend: readonly CompliancePoint[] | null; frTarget: number; ueTarget: number; rootPx: number }) {
  const rows = useMemo(() => trendRows(trend), [trend]);
  const floor = trendFloor(rows, [frTarget, ueTarget]);
  const font = Math.round(rootPx * 0.72);
  const empty = rows.every((r) => r.firstResponse === null && r.updates === null);
  return (
    <div className="trend" data-testid="trend">
      <div className="trend__head">
        <span className="trend__title">Last 24 h, per hour</span>
        <span className="trend__legend">
          <span className="legend legend--fr">
            <svg viewBox="0 0 30 10" aria-hidden="true">
              <line x1="0" y1="5" x2="30" y2="5" stroke={FR_COLOR} strokeWidth="3" />
              <circle cx="15" cy="5" r="3.5" fill={FR_COLOR} />
            </svg>
            First response
          </span>
          <span className="legend legend--ue">
            <svg viewBox="0 0 30 10" aria-hidden="true">
              <line x1="0" y1="5" x2="30" y2="5" stroke={UE_COLOR} strokeWidth="3" strokeDasharray="6 3" />
              <rect x="12" y="2" width="6" height="6" fill={UE_COLOR} />
            </svg>
            Updates &amp; escalations
          </span>
          <span className="legend legend--target">
            <svg viewBox="0 0 30 10" aria-hidden="true">
              <line x1="0" y1="5" x2="30" y2="5" stroke="#cfd8e3" strokeWidth="2" strokeDasharray="2 3" />
            </svg>
            targets
          </span>
        </span>
      </div>
      <div className="trend__chart">
        {rows.length === 0 ? null : (
          <ResponsiveContainer width="100%" height="100%" minWidth={0} minHeight={0}>
            <LineChart data={rows} margin={{ top: font * 0.6, right: font * 5.2, bottom: font * 0.3, left: 0 }}>
              <CartesianGrid stroke="#243242" vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={["dataMin", "dataMax"]}
                tickFormatter={hourLabel}
                tick={{ fill: "#9aa8b6", fontSize: font }}
                stroke="#3a4a5c"
                tickCount={7}
                height={font * 1.9}
                interval="preserveStartEnd"
              />
              <YAxis domain={[floor, 100]} tickFormatter={(v: number) => `${v}%`} tick={{ fill: "#9aa8b6", fontSize: font }} stroke="#3a4a5c" width={font * 3.4} allowDataOverflow />
              <ReferenceLine
                y={frTarget * 100}
                stroke={FR_COLOR}
                strokeDasharray="2 4"
                strokeWidth={2}
                label={{ value: `${formatTarget(frTarget)} FR`, position: "right", fill: FR_COLOR, fontSize: font }}
              />
              <ReferenceLine
                y={ueTarget * 100}
                stroke={UE_COLOR}
                strokeDasharray="2 4"
                strokeWidth={2}
                label={{ value: `${formatTarget(ueTarget)} U&E`, position: "right", fill: UE_COLOR, fontSize: font }}
              />
              <Line type="linear" dataKey="firstResponse" name="First response" stroke={FR_COLOR} strokeWidth={font * 0.2} dot={{ r: font * 0.22, fill: FR_COLOR }} connectNulls={false} isAnimationActive={false} />
              <Line
                type="linear"
                dataKey="updates"
                name="Updates & escalations"
                stroke={UE_COLOR}
                strokeWidth={font * 0.2}
                strokeDasharray="8 4"
                dot={{ r: font * 0.22, fill: UE_COLOR, strokeWidth: 0 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        )}
        {empty ? <div className="trend__empty">No outcome decided in the last 24 h</div> : null}
      </div>
    </div>
  );
});
