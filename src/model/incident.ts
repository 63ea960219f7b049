/**
 * The kinds of event the window analysis ranks around a spike of errors (DESIGN §10). `level_shift`
 * comes from the forecasts part's changepoints once they are wired (incidents/deps.ts).
 */
export const CORRELATED_KINDS = [
  'deployment',
  'config_change',
  'status_change',
  'alert',
  'traffic_surge',
  'cpu_jump',
  'memory_jump',
  'level_shift',
] as const;
export type CorrelatedKind = (typeof CORRELATED_KINDS)[number];
