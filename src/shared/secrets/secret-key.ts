import { hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFile } from '../private-files.js';
import { SecretBox, secretKey, type SecretKey } from './secret-box.js';

export const KEY_FILE = 'secret.key';
/** A rotation's new key, until every secret is sealed with it; then renamed over `secret.key`. */
export const NEXT_KEY_FILE = 'secret.key.next';

/** The settings that choose the key. */
export interface KeySettings {
  secret_key?: string | undefined;
  data_dir: string;
}

export interface SecretKeys {
  box: SecretBox;
  /** For the log: the setting, or the key file (and whether it was just created). */
  source: string;
  /** Set when a rotation was interrupted: call once every secret is sealed with `box.current`. */
  finishRotation?: () => void;
}

/** The 32-byte key of a `secret_key` setting (or `MCP_HEALTH_NEW_SECRET_KEY`), the same on every host. */
export function deriveKey(secret: string, source: string): SecretKey {
  const bytes = hkdfSync('sha256', secret, 'mcp-health', 'secrets at rest v1', 32);
  return secretKey(Buffer.from(bytes), source);
}

/**
 * The key that seals the store's secrets: from `secret_key` when set, else from
 * `<data_dir>/secret.key`, created (random, 0600) at first start. When a rotation left
 * `secret.key.next` behind, both keys open values and the next one seals them.
 */
export function loadSecretKeys(settings: KeySettings): SecretKeys {
  if (settings.secret_key)
    return { box: new SecretBox(deriveKey(settings.secret_key, 'secret_key')), source: 'secret_key' };
  const file = join(settings.data_dir, KEY_FILE);
  const created = createKeyFile(file);
  const key = readKeyFile(file);
  const next = join(settings.data_dir, NEXT_KEY_FILE);
  if (!existsSync(next)) return { box: new SecretBox(key), source: created ? `${file} (created)` : file };
  return {
    box: new SecretBox(readKeyFile(next), [key]),
    source: `${next} (an interrupted rotation, finished now)`,
    finishRotation: () => promoteNextKeyFile(settings.data_dir),
  };
}

/** Writes a new random key to `secret.key.next` (complete or absent: written aside, then renamed). */
export function writeNextKeyFile(dataDir: string): SecretKey {
  const next = join(dataDir, NEXT_KEY_FILE);
  const aside = `${next}.tmp`;
  rmSync(aside, { force: true });
  const bytes = randomBytes(32);
  writePrivate(aside, bytes);
  renameSync(aside, next);
  syncDir(dataDir);
  return secretKey(bytes, next);
}

/** The rotation is done: the next key becomes the key. */
export function promoteNextKeyFile(dataDir: string): void {
  renameSync(join(dataDir, NEXT_KEY_FILE), join(dataDir, KEY_FILE));
  syncDir(dataDir);
}

/** True when it made the file; false when one was there (perhaps made by a monitor starting beside). */
function createKeyFile(file: string): boolean {
  if (existsSync(file)) return false;
  try {
    writePrivate(file, randomBytes(32));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function writePrivate(file: string, bytes: Buffer): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${bytes.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readKeyFile(file: string): SecretKey {
  ensurePrivateFile(file, false);
  const bytes = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (bytes.length !== 32)
    throw new Error(`${file} is not a secret key file (it holds one line: 32 bytes in base64)`);
  return secretKey(bytes, file);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
