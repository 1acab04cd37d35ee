/** Problem management and knowledge-article rules: status machines and recurrence. */
export * from "./lifecycle.js";
export * from "./recurrence.js";
