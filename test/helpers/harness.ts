import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApi, type ApiOptions } from '../../src/api/app.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { startMonitor, type Monitor } from '../../src/monitor.js';
import { Scrubber } from '../../src/shared/scrubber.js';
import type { Role } from '../../src/model/role.js';
import type { Access } from '../../src/api/auth.js';
import { dropStoreTarget, newStoreTarget, type StoreTarget } from './stores.js';

export interface Harness {
  monitor: Monitor;
  app: FastifyInstance;
  /** Every route the API registered (`GET /api/v1/servers/:id`). */
  routes: string[];
  /** The least role each route needs (`POST /api/v1/users` → `admin`). */
  roles: Map<string, Role>;
  /** What each route declares (`GET /api/v1/info` → `open`). */
  access: Map<string, Access>;
  /** Base URL once `listen()` was called. */
  url: string;
  target: StoreTarget;
  /** Every log line written, for checks that secrets never appear. */
  logLines: string[];
  /** Stops the monitor and the API; the store is kept (see `destroy`). */
  stop(): Promise<void>;
  /** Stops and drops the store. */
  destroy(): Promise<void>;
}

export interface HarnessOptions {
  kind?: StoreTarget['kind'];
  /** Reuse a store (to test a restart). */
  target?: StoreTarget;
  settings?: Record<string, unknown>;
  listen?: boolean;
  /** The port to listen on (a restarted instance keeps its address); default any free one. */
  port?: number;
  api?: ApiOptions;
}

/** A whole monitor in-process, on its own store, with its logs captured. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const target = options.target ?? newStoreTarget(options.kind ?? 'sqlite');
  const config: Config = configSchema.parse({
    data_dir: target.dataDir,
    ...(target.databaseUrl ? { database_url: target.databaseUrl } : {}),
    log_level: 'debug',
    port: 0,
    ...options.settings,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const scrubber = new Scrubber();
  const log = createLogger('debug', sink, scrubber);
  const monitor = await startMonitor({ config, log, schema: target.schema, scrubber });
  // Every answer is checked against its route's schema in the tests (src/api/schema-compilers.ts).
  const { app, routes, roles, access } = await buildApi(monitor, { checkAnswers: true, ...options.api });
  let url = '';
  if (options.listen) {
    url = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
    monitor.listeningAt(url);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await monitor.stop();
  };
  return {
    monitor,
    app,
    routes,
    roles,
    access,
    url,
    target,
    logLines,
    stop,
    async destroy() {
      await stop();
      await dropStoreTarget(target);
    },
  };
}

/** Polls until `fn` returns a truthy value, or fails after `timeoutMs` with the last value seen. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
