/** Advisory lock keys, in one place so no two uses collide. */
export const LOCKS = {
  /** One outbox relay publishes at a time (transaction-level). */
  relay: 7_310_001,
  /** First-start key creation (transaction-level). */
  bootstrap: 7_310_002,
  /** Every batch of automatic decisions, and every move of the simulated clock (transaction-level). */
  decisions: 7_310_003,
  /** The breach watcher's leadership (session-level, PostgreSQL only). */
  watcherLeader: 7_310_004,
  /** One notification planner turns the committed stream into deliveries at a time (transaction-level). */
  notificationPlanner: 7_310_009,
  /** Claims of due notifications, so a digest is claimed whole by one replica (transaction-level). */
  notificationClaim: 7_310_010,
} as const;
