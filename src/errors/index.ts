/**
 * The errors part's front door (DESIGN §10): errors in (the aggregator's failed requests, the
 * checker's failed checks), grouped by fingerprint and written with each metrics flush; groups
 * out (the list, the trend, a group, status changes) for the API; retention. Everything else in
 * errors/ is its own business.
 */
export { ERROR_KINDS, errorType, type ErrorKind } from './fingerprint/fingerprint.js';
export { maskMessage } from './fingerprint/mask.js';
export { ErrorTracker, type ErrorBatch, type TrackerOptions } from './record/tracker.js';
export type { ProbeError } from './record/sample.js';
export { writeErrors } from './store/write-repo.js';
export { pruneErrors, GROUP_RETENTION_DAYS, type ErrorsPruned } from './retention.js';
export { ErrorsService, type ErrorsServiceOptions, type Window } from './service.js';
export type { RequestCounts, Trend, TrendPoint } from './read/trend.js';
export type { GroupView, SampleView, GroupStatus } from './read/views.js';
export type { GroupDetail } from './read/detail.js';
export type { GroupFilter } from './store/read-repo.js';
