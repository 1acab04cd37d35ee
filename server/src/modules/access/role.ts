export const ROLES = ["ADMIN", "LEAD", "AGENT", "INTEGRATOR", "DISPLAY", "CUSTOMER"] as const;
export type RoleName = (typeof ROLES)[number];
