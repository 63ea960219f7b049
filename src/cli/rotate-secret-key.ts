import pino from 'pino';
import type { Config } from '../config/schema.js';
import { createLogger } from '../log.js';
import { NEW_KEY_ENV, rotateSecretKey } from '../secrets/rotate.js';
import { sealedValues } from '../secrets/at-rest.js';
import { openStore } from '../store/open-store.js';
import { ensurePrivateDir } from '../shared/private-files.js';

/**
 * `mcp-health rotate-secret-key`: every secret of the store sealed with a new key, in one
 * transaction. With SQLite it refuses while a monitor has the store open; with PostgreSQL,
 * stop every monitor of the store first.
 */
export async function runRotateSecretKey(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  // Logs go to stderr: stdout is the command's report.
  const log = createLogger(config.log_level, pino.destination({ dest: 2, sync: true }));
  ensurePrivateDir(config.data_dir);
  const store = await openStore({
    databaseUrl: config.database_url,
    dataDir: config.data_dir,
    exclusive: true,
  });
  try {
    const newSecret = env[NEW_KEY_ENV] === '' ? undefined : env[NEW_KEY_ENV];
    const r = await rotateSecretKey(config, store, log, newSecret);
    out.write(
      `mcp-health: re-encrypted ${sealedValues(r)} secret values (${r.servers} of servers, ${r.channels} of channels${r.peers > 0 ? `, ${r.peers} of peers` : ''}) ` +
        `with key ${r.to.id} (was ${r.from.id}), in ${store.location}\n`,
    );
    for (const line of r.todo) out.write(`mcp-health: now ${line}\n`);
  } finally {
    await store.close();
  }
}
