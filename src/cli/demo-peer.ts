import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildApi } from '../api/app.js';
import { configSchema, type Config } from '../config/schema.js';
import type { ServerInput } from '../config/server-input.js';
import { createLogger } from '../log.js';
import { startMonitor } from '../monitor.js';
import { Scrubber } from '../shared/scrubber.js';

/** A second, small instance the demo's monitor polls as a federation peer. */
export interface DemoPeer {
  name: string;
  url: string;
  /** Its api_token, generated for this run and given to the hub only (the config's peer entry). */
  token: string;
  stop(): Promise<void>;
}

export const DEMO_PEER_NAME = 'demo-peer';

/**
 * Starts a monitor on loopback (any free port) with its own data directory and SQLite store
 * beside the hub's, its own random token, watching `servers`; so that `npm start` shows a
 * Federation view of two instances. Its logs above `warn` only.
 */
export async function startDemoPeer(hub: Config, servers: ServerInput[]): Promise<DemoPeer> {
  const token = randomBytes(24).toString('base64url');
  const config = configSchema.parse({
    data_dir: join(hub.data_dir, DEMO_PEER_NAME),
    host: '127.0.0.1',
    port: 0,
    api_token: token,
    instance_name: DEMO_PEER_NAME,
    log_level: 'warn',
    health_check_interval: hub.health_check_interval,
    servers,
  });
  const scrubber = new Scrubber();
  const log = createLogger(config.log_level, undefined, scrubber).child({ instance: DEMO_PEER_NAME });
  const monitor = await startMonitor({ config, log, scrubber });
  const { app } = await buildApi(monitor);
  let url: string;
  try {
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await monitor.stop();
    throw err;
  }
  monitor.listeningAt(url);
  return {
    name: DEMO_PEER_NAME,
    url,
    token,
    async stop() {
      await monitor.quiesce();
      await app.close();
      await monitor.stop();
    },
  };
}
