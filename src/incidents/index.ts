/**
 * The incidents part's front door (DESIGN §10): incidents that open and close by themselves from
 * the errors part's figures and the alerts that fire, their similar past incidents, and the window
 * analysis behind "click a spike". It reads the other parts only through what monitor.ts hands it
 * (deps.ts).
 */
export {
  IncidentsService,
  INCIDENT_RETENTION_DAYS,
  type IncidentDetail,
  type IncidentFilter,
} from './service.js';
export type { AlertFiring, IncidentsDeps, LevelShift } from './deps.js';
export type { Evaluation } from './detect.js';
export type { CorrelatedEvent } from './events.js';
export type { IncidentView, IncidentStatus, IncidentCause, SimilarIncident } from './views.js';
export type { WindowAnalysis, WindowGroup } from './window.js';
