/** The fit worker's thread: one job at a time, fitted synchronously here so the API's loop never waits. */
import { parentPort } from 'node:worker_threads';
import { fitForecast, type FitJob } from './fit.js';

export interface FitRequest {
  id: number;
  job: FitJob;
}

parentPort?.on('message', ({ id, job }: FitRequest) => {
  try {
    parentPort?.postMessage({ id, result: fitForecast(job) });
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
