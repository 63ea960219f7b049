/**
 * The uptime part's front door (issue 17, DESIGN §14): uptime from checks, request success,
 * SLO error budgets and burn rates, heartbeats and daily bars. The check writer adds to the
 * roll-ups it reads (store/check-rollups-repo.ts); everything else here only reads.
 */
export {
  UptimeService,
  type ServerUptime,
  type WindowUptime,
  type SloStatus,
  type DailyUptime,
} from './service.js';
export { burnRates } from './burn-rates.js';
export { burnPairFor, BURN_PAIRS, type BurnPair } from './slo.js';
export { windowMs, MAX_WINDOW_MS, DEFAULT_WINDOWS } from './windows.js';
export type { Heartbeat } from '../store/checks-repo.js';
