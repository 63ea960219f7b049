import type { Logger } from 'pino';
import { settingsShape } from '../config/schema.js';
import type { Store } from '../store/open-store.js';
import { openSecrets, resealInOneTransaction, sealedValues, type SealCounts } from './at-rest.js';
import { SecretBox, type SecretKey } from '../shared/secrets/secret-box.js';
import {
  deriveKey,
  NEXT_KEY_FILE,
  promoteNextKeyFile,
  writeNextKeyFile,
  type KeySettings,
} from '../shared/secrets/secret-key.js';

export const NEW_KEY_ENV = 'MCP_HEALTH_NEW_SECRET_KEY';

export interface Rotation extends SealCounts {
  from: SecretKey;
  to: SecretKey;
  /** What the person must change before starting the monitor again, if anything. */
  todo: string[];
}

/**
 * Seals every secret of the store with a new key, in one transaction. With the key file the
 * new key is written to `secret.key.next` first and renamed over `secret.key` after the commit;
 * a crash in between leaves both files, and the next start opens values with either key and
 * finishes. With `secret_key` (or when `newSecret` is given) the new key is `newSecret`.
 */
export async function rotateSecretKey(
  settings: KeySettings,
  store: Store,
  log: Logger,
  newSecret: string | undefined,
): Promise<Rotation> {
  const current = await openSecrets(settings, store, log);
  if (settings.secret_key && newSecret === undefined)
    throw new Error(`secret_key is set: give the new key in ${NEW_KEY_ENV} (at least 16 characters)`);
  if (newSecret !== undefined && !settingsShape.secret_key.safeParse(newSecret).success)
    throw new Error(`${NEW_KEY_ENV} must be at least 16 characters`);
  const to =
    newSecret === undefined ? writeNextKeyFile(settings.data_dir) : deriveKey(newSecret, NEW_KEY_ENV);
  if (to.id === current.current.id) throw new Error(`${NEW_KEY_ENV} is the key already in use`);
  let counts: SealCounts;
  try {
    counts = await resealInOneTransaction(store, new SecretBox(to, [current.current]));
  } catch (err) {
    const kept =
      newSecret === undefined
        ? `; the new key stays in ${NEXT_KEY_FILE}, and the next start (or run) of mcp-health finishes the rotation`
        : '';
    throw new Error(`re-encrypting the secrets failed: ${(err as Error).message}${kept}`);
  }
  if (newSecret === undefined) promoteNextKeyFile(settings.data_dir);
  const todo =
    newSecret === undefined
      ? []
      : [
          `set secret_key (MCP_HEALTH_SECRET_KEY) to the value of ${NEW_KEY_ENV} on every host before starting the monitor: the old key no longer opens the store`,
          ...(settings.secret_key ? [] : ["the data_dir's secret.key is no longer used; delete it"]),
        ];
  log.info({ from: current.current.id, to: to.id, values: sealedValues(counts) }, 'secret key rotated');
  return { ...counts, from: current.current, to, todo };
}
