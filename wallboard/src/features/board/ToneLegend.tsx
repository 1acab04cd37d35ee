import { memo } from "react";
import { ToneIcon } from "./Icons";
import { TONE_WORD, type Tone } from "../urgent/urgency";

const TONES: Tone[] = ["overdue", "atRisk", "onTrack", "paused"];
const HINT: Record<Tone, string> = { overdue: "past due", atRisk: "due soon", onTrack: "in time", paused: "on customer", idle: "" };

/** What the colours and shapes mean, always on screen: nobody needs the documentation. */
export const ToneLegend = memo(function ToneLegend() {
  return (
    <ul className="legend-bar" aria-label="Legend">
      {TONES.map((tone) => {
        const cls = tone === "atRisk" ? "at-risk" : tone === "onTrack" ? "on-track" : tone;
        return (
          <li key={tone} className={`tone tone--${cls}`} title={HINT[tone]}>
            <ToneIcon tone={tone} />
            <span className="tone__word">
              {TONE_WORD[tone]} <span className="legend-bar__hint">= {HINT[tone]}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
});
