/**
 * One long-lived worker thread that fits forecasts (fit-worker.ts), fed from a queue one job at a
 * time: a fit takes tens to hundreds of milliseconds of CPU, which on the API's thread would stall
 * every request and the live hub meanwhile. A fit that overruns its timeout has its worker ended
 * (WASM cannot be interrupted otherwise) and a new one started for the next job. Started at the
 * first fit, unref'd, ended by `close`.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../shared/errors.js';
import type { BaselineJob, BaselineResult } from './baseline.js';
import type { FitJob, FitResult } from './fit.js';
import type { FitRequest, WorkerJob, WorkerResult } from './fit-worker.js';

/** `.ts` when running from source (tsx), `.js` when built. */
const EXT = extname(fileURLToPath(import.meta.url));
const WORKER = new URL(`./fit-worker${EXT}`, import.meta.url);

interface Queued {
  job: WorkerJob;
  resolve: (r: WorkerResult) => void;
  reject: (err: Error) => void;
}

type Answer = { id: number; result: WorkerResult } | { id: number; error: string };

export class FitQueue {
  private worker: Worker | undefined;
  private readonly queue: Queued[] = [];
  private current: { id: number; item: Queued; timer: NodeJS.Timeout } | undefined;
  private seq = 0;
  private closed = false;

  constructor(private readonly options: { timeoutMs?: number; maxQueued?: number } = {}) {}

  fit(job: FitJob): Promise<FitResult> {
    // safe because: the worker answers a forecast job with fitForecast's result
    return this.run({ kind: 'forecast', ...job }) as Promise<FitResult>;
  }

  baseline(job: BaselineJob): Promise<BaselineResult> {
    // safe because: the worker answers a baseline job with fitBaseline's result
    return this.run({ kind: 'baseline', ...job }) as Promise<BaselineResult>;
  }

  private run(job: WorkerJob): Promise<WorkerResult> {
    if (this.closed) return Promise.reject(new AppError('unavailable', 'the monitor is stopping'));
    if (this.queue.length >= (this.options.maxQueued ?? 64))
      return Promise.reject(
        new AppError('unavailable', 'too many forecasts are being fitted; try again shortly'),
      );
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.current || this.closed) return;
    const item = this.queue.shift();
    if (!item) return;
    const worker = this.started();
    const id = ++this.seq;
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      this.settle(id, new AppError('unavailable', `fitting the forecast took over ${timeoutMs / 1000} s`));
      this.worker = undefined;
      void worker.terminate();
      this.next();
    }, timeoutMs);
    this.current = { id, item, timer };
    worker.postMessage({ id, job: item.job } satisfies FitRequest);
  }

  private settle(id: number, outcome: WorkerResult | Error): void {
    const c = this.current;
    if (c?.id !== id) return;
    clearTimeout(c.timer);
    this.current = undefined;
    if (outcome instanceof Error) c.item.reject(outcome);
    else c.item.resolve(outcome);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker =
      EXT === '.ts'
        ? // From source (tests, `npm run dev`): Node 20 does not carry `--import tsx` into a worker, so it registers tsx itself.
          new Worker(
            `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
              .then(({ register }) => { register(); return import(${JSON.stringify(WORKER.href)}); })`,
            { eval: true },
          )
        : new Worker(WORKER);
    worker.unref();
    worker.on('message', (a: Answer) => {
      this.settle(a.id, 'error' in a ? new Error(`the model could not be fitted: ${a.error}`) : a.result);
      this.next();
    });
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.current) this.settle(this.current.id, err);
      this.next();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the fit worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Refuses what is queued and ends the worker. */
  async close(): Promise<void> {
    this.closed = true;
    const stopping = new AppError('unavailable', 'the monitor is stopping');
    for (const item of this.queue.splice(0)) item.reject(stopping);
    if (this.current) this.settle(this.current.id, stopping);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
