import type { Logger } from 'pino';
import { buildApi } from '../api/app.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../log.js';
import { startMonitor } from '../monitor.js';
import { Scrubber } from '../shared/scrubber.js';

export interface Running {
  url: string;
  log: Logger;
  stop(): Promise<void>;
}

/** Starts the monitor and its HTTP face; stops both, in order, on SIGTERM/SIGINT. */
export async function serve(config: Config, onStop?: () => Promise<void>): Promise<Running> {
  const scrubber = new Scrubber();
  const log = createLogger(config.log_level, undefined, scrubber);
  const monitor = await startMonitor({ config, log, scrubber });
  const { app } = await buildApi(monitor);
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('[::1]', 'localhost');
  monitor.listeningAt(url);
  log.info({ url }, 'listening');
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down');
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
    void stop().then(
      () => process.exit(0),
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
