import { Initial1764000000000 } from "./1764000000000-Initial.js";
import { SimulatedClock1764000000001 } from "./1764000000001-SimulatedClock.js";
import { Lifecycle1764000000002 } from "./1764000000002-Lifecycle.js";
import { Alerts1764000000003 } from "./1764000000003-Alerts.js";
import { Compliance1764000000004 } from "./1764000000004-Compliance.js";
import { Knowledge1764000000005 } from "./1764000000005-Knowledge.js";
import { Notifications1764000000006 } from "./1764000000006-Notifications.js";
import { Installation1764000000007 } from "./1764000000007-Installation.js";
import { DailyRollup1764000000008 } from "./1764000000008-DailyRollup.js";
import { RateLimits1764000000009 } from "./1764000000009-RateLimits.js";
import { AlertOrder1764000000010 } from "./1764000000010-AlertOrder.js";
import { RelayCursor1764000000011 } from "./1764000000011-RelayCursor.js";
import { RollupLevels1764000000012 } from "./1764000000012-RollupLevels.js";

/** Every committed migration, in order. The server runs them explicitly at start. */
export const migrations = [Initial1764000000000, SimulatedClock1764000000001, Lifecycle1764000000002, Alerts1764000000003, Compliance1764000000004, Knowledge1764000000005, Notifications1764000000006, Installation1764000000007, DailyRollup1764000000008, RateLimits1764000000009, AlertOrder1764000000010, RelayCursor1764000000011, RollupLevels1764000000012];
