import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A 32-byte AES-256 key, its id (a hash, safe to print) and where it came from. */
export interface SecretKey {
  id: string;
  bytes: Buffer;
  /** For messages: "secret_key" or the key file's path. */
  source: string;
}

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The id under which values sealed with `bytes` are stored; it tells keys apart without revealing them. */
export function keyId(bytes: Buffer): string {
  return createHash('sha256').update('mcp-health secret key id\0').update(bytes).digest('hex').slice(0, 12);
}

export function secretKey(bytes: Buffer, source: string): SecretKey {
  if (bytes.length !== 32) throw new Error(`${source}: a secret key is 32 bytes, got ${bytes.length}`);
  return { id: keyId(bytes), bytes, source };
}

/** Thrown when a stored value was sealed with a key this monitor does not have. */
export class UnknownSecretKeyError extends Error {
  constructor(
    readonly storedKeyId: string,
    readonly current: SecretKey,
  ) {
    super(
      `the store holds secrets encrypted with key ${storedKeyId}, but the key in use is ${current.id} ` +
        `(from ${current.source}); start with the key the store was written with (the secret_key ` +
        `setting or the data_dir's secret.key file it had; after rotate-secret-key, the new one)`,
    );
    this.name = 'UnknownSecretKeyError';
  }
}

/**
 * Seals and opens the secret values kept in the store, with AES-256-GCM. A sealed value says
 * what it is — `enc:v1:<key id>:<base64 of iv | tag | ciphertext>` — so a plaintext value of an
 * older store is told apart (and sealed at start), and a value sealed with another key fails
 * naming that key. Values sealed with any `accepted` key open; new ones use `current`.
 */
export class SecretBox {
  private readonly keys = new Map<string, SecretKey>();

  constructor(
    readonly current: SecretKey,
    accepted: readonly SecretKey[] = [],
  ) {
    for (const k of [...accepted, current]) this.keys.set(k.id, k);
  }

  /** A box with a fresh random key, for tests and benchmarks that need no key on disk. */
  static ephemeral(): SecretBox {
    return new SecretBox(secretKey(randomBytes(32), 'an ephemeral key'));
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const head = `${PREFIX}${this.current.id}:`;
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    cipher.setAAD(Buffer.from(head));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return head + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The plaintext of a sealed value; a value that is not sealed (an older store's) is returned as is. */
  open(stored: string): string {
    const sealed = parse(stored);
    if (!sealed) return stored;
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new UnknownSecretKeyError(sealed.keyId, this.current);
    const raw = Buffer.from(sealed.body, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error(`a secret sealed with key ${key.id} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(stored.slice(0, stored.length - sealed.body.length)));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error(`a secret sealed with key ${key.id} does not open with it (altered or corrupt)`);
    }
  }

  /** Whether a stored value is plaintext or sealed with a key other than the current one. */
  needsSealing(stored: string): boolean {
    return parse(stored)?.keyId !== this.current.id;
  }

  /** The value sealed with the current key (opened first with whichever key sealed it). */
  reseal(stored: string): string {
    return this.needsSealing(stored) ? this.seal(this.open(stored)) : stored;
  }
}

function parse(stored: string): { keyId: string; body: string } | undefined {
  if (!stored.startsWith(PREFIX)) return undefined;
  const rest = stored.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  return { keyId: rest.slice(0, colon), body: rest.slice(colon + 1) };
}
