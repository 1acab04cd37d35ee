/**
 * The pure domain: SLA rules and the incident status machine. No I/O, no wall
 * clock: every function that needs time takes it as an argument.
 */
export * from "./errors.js";
export * from "./sla/index.js";
export * from "./incident/lifecycle.js";
export * from "./problem/index.js";
