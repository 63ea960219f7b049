/**
 * The metrics part's front door for the other parts (alerts, gateway, instrument): what they may
 * use of it. Everything else in metrics/ is its own business.
 */
export type { LiveFigures } from './aggregate/live-window.js';
export type { LiveStats, Aggregator } from './aggregate/aggregator.js';
export { latencySketches, latestGauges, sketchQuantile } from './read/rule-reads.js';
export { ingestBatch, ingestEvent, toRequestEvent, type IngestEvent } from './ingest/ingest-schema.js';
export { endpointOf, outcomeOf } from './ingest/classify.js';
export { MetricsReader } from './read/reader.js';
export { fleetWindows, type FleetWindow } from './read/fleet-window.js';
export { encodeSketch, addEncoded, newSketch, quantile } from './sketch/sketch-codec.js';
export { requestsPerStep } from './read/requests-per-step.js';
export { DAY_TIER_DAYS } from './read/tiers.js';
export {
  fleetStepRequests,
  stepSeries,
  type StepMetric,
  type StepPoint,
  type StepSeriesQuery,
} from './read/step-series.js';
export { requestTotals, type RequestTotals } from './read/request-totals.js';
export { defaultRetention, type MetricsRetention } from './read/tiers.js';
