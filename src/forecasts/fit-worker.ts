/** The fit worker's thread: one job at a time, fitted synchronously here so the API's loop never waits. */
import { parentPort } from 'node:worker_threads';
import { fitBaseline, type BaselineJob, type BaselineResult } from './baseline.js';
import { fitForecast, type FitJob, type FitResult } from './fit.js';

/** What the worker does: a forecast (fit.ts) or a baseline band with its level shifts (baseline.ts). */
export type WorkerJob = ({ kind: 'forecast' } & FitJob) | ({ kind: 'baseline' } & BaselineJob);
export type WorkerResult = FitResult | BaselineResult;

export interface FitRequest {
  id: number;
  job: WorkerJob;
}

const run = (job: WorkerJob): WorkerResult => (job.kind === 'forecast' ? fitForecast(job) : fitBaseline(job));

parentPort?.on('message', ({ id, job }: FitRequest) => {
  try {
    parentPort?.postMessage({ id, result: run(job) });
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
