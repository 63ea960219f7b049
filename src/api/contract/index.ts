/**
 * The API's contract: for every route, the schemas of its parameters, query, body and answers,
 * with their types. Routes declare them (`schema: { … }`), the OpenAPI document is made from the
 * routes, and the dashboard imports the types (`import type { ServerView } from …/contract`).
 */
export * from './common.js';
export * from './servers.js';
export * from './metrics.js';
export * from './usage.js';
export * from './ingest.js';
export * from './alerts.js';
export * from './notifications.js';
export * from './import.js';
export * from './errors.js';
export * from './forecasts.js';
export * from './incidents.js';
export * from './users.js';
export * from './maintenance.js';
export * from './federation.js';
export * from './uptime.js';
export * from './status-pages.js';
export * from './csv.js';
export * from './cluster.js';
