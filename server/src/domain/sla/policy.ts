/**
 * The SLA policy: per severity, the targets, the calendar they are measured
 * on, the at-risk ratio, recommended channels and the two wall-time intervals
 * (auto-close, longest customer wait). Seed values are SLA.md's defaults.
 */
import { badInput } from "../errors.js";
import { UTC_24X7_CALENDAR, validateCalendarDefinition, type CalendarDefinition } from "./calendar.js";
import { validateDuration, type SlaDuration } from "./duration.js";
import { SEVERITIES, type ContactChannel, type Severity } from "./types.js";

/** The targets in force for one severity (the contract's SlaTarget, with the calendar inlined). */
export interface SlaTargets {
  readonly severity: Severity;
  readonly firstResponse: SlaDuration;
  readonly updateInterval: SlaDuration;
  readonly escalationInterval: SlaDuration;
  /** Null: no resolution clock. */
  readonly resolution: SlaDuration | null;
  readonly calendar: CalendarDefinition;
  readonly atRiskRatio: number;
  readonly recommendedChannels: readonly ContactChannel[];
  /** Wall time after resolution before the product closes the incident. */
  readonly autoCloseAfterSeconds: number;
  /** Wall time in PENDING_CUSTOMER before the product resolves the incident. */
  readonly maxCustomerWaitSeconds: number;
}

/** A whole policy: one set of targets per severity. */
export type SlaPolicy = Readonly<Record<Severity, SlaTargets>>;

/** Seed: 72 h of wall time after resolution. */
export const DEFAULT_AUTO_CLOSE_SECONDS = 259_200;
/** Seed: 7 days of wall time waiting for the customer. */
export const DEFAULT_MAX_CUSTOMER_WAIT_SECONDS = 604_800;
/** Seed at-risk ratio. */
export const DEFAULT_AT_RISK_RATIO = 0.75;

const ALL_CHANNELS: readonly ContactChannel[] = ["PHONE", "EMAIL", "WEB"];

/**
 * The seed policy of SLA.md: CRITICAL 30 min / 2 h / 4 h, HIGH 2 h / 4 h / 8 h,
 * NORMAL 4 h / 1 working day / 2 working days, all on 24×7 UTC, ratio 0.75,
 * no resolution target, recommended channels CRITICAL: PHONE, HIGH: PHONE,
 * EMAIL, WEB, NORMAL: EMAIL, WEB. A fresh object each call, so callers may edit it.
 */
export function defaultSlaPolicy(calendar: CalendarDefinition = UTC_24X7_CALENDAR): SlaPolicy {
  const common = {
    resolution: null,
    calendar,
    atRiskRatio: DEFAULT_AT_RISK_RATIO,
    autoCloseAfterSeconds: DEFAULT_AUTO_CLOSE_SECONDS,
    maxCustomerWaitSeconds: DEFAULT_MAX_CUSTOMER_WAIT_SECONDS,
  };
  return {
    CRITICAL: { ...common, severity: "CRITICAL", firstResponse: { minutes: 30 }, updateInterval: { minutes: 120 }, escalationInterval: { minutes: 240 }, recommendedChannels: ["PHONE"] },
    HIGH: { ...common, severity: "HIGH", firstResponse: { minutes: 120 }, updateInterval: { minutes: 240 }, escalationInterval: { minutes: 480 }, recommendedChannels: ["PHONE", "EMAIL", "WEB"] },
    NORMAL: { ...common, severity: "NORMAL", firstResponse: { minutes: 240 }, updateInterval: { workingDays: 1 }, escalationInterval: { workingDays: 2 }, recommendedChannels: ["EMAIL", "WEB"] },
  };
}

/** The targets in force for `severity` under `policy`. */
export function targetsFor(policy: SlaPolicy, severity: Severity): SlaTargets {
  const t = policy[severity];
  if (!t) throw badInput(`Unknown severity "${String(severity)}"`);
  return t;
}

/**
 * True when an incident's channel is not one recommended for its severity:
 * the incident is accepted and flagged, never refused.
 */
export function channelMismatch(targets: Pick<SlaTargets, "recommendedChannels">, channel: ContactChannel): boolean {
  return !targets.recommendedChannels.includes(channel);
}

/**
 * Checks a full set of targets (durations, calendar, ratio in (0, 1],
 * channels, positive whole seconds) and returns a normalised copy; throws
 * DomainError BAD_USER_INPUT naming the field at fault.
 */
export function validateSlaTargets(t: SlaTargets): SlaTargets {
  if (!SEVERITIES.includes(t.severity)) throw badInput(`Unknown severity "${String(t.severity)}"`, { field: "severity" });
  validateCalendarDefinition(t.calendar);
  if (typeof t.atRiskRatio !== "number" || !(t.atRiskRatio > 0 && t.atRiskRatio <= 1)) {
    throw badInput(`atRiskRatio must be greater than 0 and at most 1, got ${String(t.atRiskRatio)}`, { field: "atRiskRatio" });
  }
  const channels = [...new Set(t.recommendedChannels)];
  if (channels.length === 0 || channels.some((c) => !ALL_CHANNELS.includes(c))) {
    throw badInput("recommendedChannels must list at least one of PHONE, EMAIL, WEB", { field: "recommendedChannels" });
  }
  for (const field of ["autoCloseAfterSeconds", "maxCustomerWaitSeconds"] as const) {
    const v = t[field];
    if (!Number.isInteger(v) || v <= 0) throw badInput(`${field} must be a positive whole number of seconds, got ${String(v)}`, { field });
  }
  return {
    severity: t.severity,
    firstResponse: validateDuration(t.firstResponse, "firstResponse"),
    updateInterval: validateDuration(t.updateInterval, "updateInterval"),
    escalationInterval: validateDuration(t.escalationInterval, "escalationInterval"),
    resolution: t.resolution === null || t.resolution === undefined ? null : validateDuration(t.resolution, "resolution"),
    calendar: t.calendar,
    atRiskRatio: t.atRiskRatio,
    recommendedChannels: channels,
    autoCloseAfterSeconds: t.autoCloseAfterSeconds,
    maxCustomerWaitSeconds: t.maxCustomerWaitSeconds,
  };
}

/** The contract's SlaTargetInput, with the calendar already looked up by the caller. */
export interface SlaTargetPatch {
  readonly firstResponse?: { minutes?: number | null; workingDays?: number | null } | null;
  readonly updateInterval?: { minutes?: number | null; workingDays?: number | null } | null;
  readonly escalationInterval?: { minutes?: number | null; workingDays?: number | null } | null;
  readonly resolution?: { minutes?: number | null; workingDays?: number | null } | null;
  readonly clearResolution?: boolean | null;
  readonly calendar?: CalendarDefinition | null;
  readonly atRiskRatio?: number | null;
  readonly recommendedChannels?: readonly ContactChannel[] | null;
  readonly autoCloseAfterSeconds?: number | null;
  readonly maxCustomerWaitSeconds?: number | null;
}

/**
 * `setSlaTarget`: a field left out keeps its current value; `clearResolution`
 * removes the resolution target (and may not be combined with a new one).
 * Returns validated targets; throws DomainError BAD_USER_INPUT.
 */
export function applySlaTargetPatch(current: SlaTargets, patch: SlaTargetPatch): SlaTargets {
  if (patch.clearResolution && patch.resolution) throw badInput("Give either resolution or clearResolution, not both", { field: "resolution" });
  const pick = <T>(v: T | null | undefined, keep: T): T => (v === null || v === undefined ? keep : v);
  return validateSlaTargets({
    severity: current.severity,
    firstResponse: patch.firstResponse ? validateDuration(patch.firstResponse, "firstResponse") : current.firstResponse,
    updateInterval: patch.updateInterval ? validateDuration(patch.updateInterval, "updateInterval") : current.updateInterval,
    escalationInterval: patch.escalationInterval ? validateDuration(patch.escalationInterval, "escalationInterval") : current.escalationInterval,
    resolution: patch.clearResolution ? null : patch.resolution ? validateDuration(patch.resolution, "resolution") : current.resolution,
    calendar: pick(patch.calendar, current.calendar),
    atRiskRatio: pick(patch.atRiskRatio, current.atRiskRatio),
    recommendedChannels: pick(patch.recommendedChannels, current.recommendedChannels),
    autoCloseAfterSeconds: pick(patch.autoCloseAfterSeconds, current.autoCloseAfterSeconds),
    maxCustomerWaitSeconds: pick(patch.maxCustomerWaitSeconds, current.maxCustomerWaitSeconds),
  });
}
