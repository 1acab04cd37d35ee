/** The operations the board sends (one snapshot query, one trend query, five subscriptions). */
import type { BoardFilter } from "./types";

export const DAY_SECONDS = 86_400;
export const WEEK_SECONDS = 7 * DAY_SECONDS;
/** The trend chart: the last 24 h in hourly buckets. */
export const TREND_BUCKET_SECONDS = 3_600;
/** Open incidents the snapshot asks for (the server's maximum). */
export const URGENT_LIMIT = 2_000;
/** Alerts kept for the ticker. */
export const ALERT_LIMIT = 30;

/**
 * Only what the board draws: the server's query-cost limit (50,000; list fields count once
 * per item of their page size) must admit urgent(first: 2000) × these fields (20 → 40,000).
 * Overdue and the order are computed on the board from dueAt and the server's clock.
 */
const CLOCK_FIELDS = `kind cycle level state dueAt remainingSeconds stoppedAt atRisk`;
export const URGENT_FIELDS = `id number title severity status level clocks { ${CLOCK_FIELDS} } product { code } requester { name organization }`;
const RATE = `target met breached rate meetingTarget`;
export const COMPLIANCE_FIELDS = `windowSeconds from to firstResponse { ${RATE} } updatesAndEscalations { ${RATE} } atRisk breachedOpen`;
export const QUEUE_FIELDS = `level severity open awaitingFirstResponse atRisk overdue oldestOpenedAt nextDueAt`;
export const ALERT_FIELDS = `id kind clock level cycle at dueAt incident { id number title severity }`;

export const WALLBOARD_QUERY = `query Wallboard($filter: BoardFilter, $urgent: Int!, $alerts: Int!) {
  wallboard(filter: $filter) {
    serverTime clockRate sequence
    queues { ${QUEUE_FIELDS} }
    compliance { ${COMPLIANCE_FIELDS} }
    urgent(first: $urgent) { ${URGENT_FIELDS} }
    recentAlerts(first: $alerts) { ${ALERT_FIELDS} }
  }
}`;

export const TREND_QUERY = `query Trend($filter: BoardFilter, $window: Int!, $bucket: Int!) {
  complianceTrend(windowSeconds: $window, bucketSeconds: $bucket, filter: $filter) { from to firstResponse { ${RATE} } updatesAndEscalations { ${RATE} } }
}`;

export const CLOCK_SUBSCRIPTION = `subscription ServerClock { serverClock { now rate } }`;
export const QUEUES_SUBSCRIPTION = `subscription Queues($filter: BoardFilter) { queuesChanged(filter: $filter) { ${QUEUE_FIELDS} } }`;
export const COMPLIANCE_SUBSCRIPTION = `subscription Compliance($filter: BoardFilter, $window: Int!) { complianceChanged(windowSeconds: $window, filter: $filter) { ${COMPLIANCE_FIELDS} } }`;
export const ALERTS_SUBSCRIPTION = `subscription Alerts($filter: BoardFilter) { slaAlerts(filter: $filter) { ${ALERT_FIELDS} } }`;
/**
 * Events are filtered by product only: severity and level change during an incident's life,
 * and the server filters "as the event left it", so an event that moves an incident *out*
 * of the board's severities or levels would never arrive. The board filters those itself.
 */
export const EVENTS_SUBSCRIPTION = `subscription Events($products: [String!], $after: String) {
  incidentEvents(productCodes: $products, afterSequence: $after) { id sequence type at incident { ${URGENT_FIELDS} } }
}`;

/** GraphQL variables for a filter: empty lists dropped (empty means "all"). */
export function filterVariables(filter: BoardFilter): BoardFilter | null {
  const out: BoardFilter = {};
  if (filter.productCodes?.length) out.productCodes = [...filter.productCodes];
  if (filter.levels?.length) out.levels = [...filter.levels];
  if (filter.severities?.length) out.severities = [...filter.severities];
  return Object.keys(out).length ? out : null;
}
