import type { Logger } from 'pino';
import { buildApi } from '../api/app.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../log.js';
import { LogOutput } from '../log-output.js';
import { startMonitor } from '../monitor.js';
import { Scrubber } from '../shared/scrubber.js';

export interface Running {
  url: string;
  log: Logger;
  stop(): Promise<void>;
}

/** However much clients hold open, a signal stops the monitor within this; then it exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 5000;

/**
 * Starts the monitor and its HTTP face. On SIGTERM/SIGINT it stops in order: checks and alert
 * evaluation first (so stopping is never recorded as an outage), the gateway's streams and the
 * live sockets, the HTTP server, then buffers are flushed and stdio children stopped. A second
 * signal, or the deadline, exits at once.
 */
export async function serve(config: Config, onStop?: () => Promise<void>): Promise<Running> {
  const scrubber = new Scrubber();
  const output = new LogOutput();
  const log = createLogger(config.log_level, output, scrubber);
  const monitor = await startMonitor({ config, log, scrubber });
  const { app } = await buildApi(monitor);
  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await monitor.stop();
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new Error(
      `port ${config.port} on ${config.host} is in use by another program: choose another with --port <n> or MCP_HEALTH_PORT (port: in the config file)`,
    );
  }
  const url = address.replace('[::1]', 'localhost');
  monitor.listeningAt(url);
  log.info({ url }, 'listening');
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down');
      await monitor.quiesce();
      await app.close();
      await monitor.stop();
      await onStop?.();
      log.info('stopped');
    })());
  const onSignal = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    setTimeout(() => {
      log.error({ deadline_ms: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long: exiting now');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    void stop().then(
      // The last lines get a moment to reach a reader that is still there.
      () => output.flush(500).then(() => process.exit(0)),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { url, log, stop };
}
