/**
 * Session and token secrets: 32 random bytes, kept only as their SHA-256. A salted slow hash
 * (scrypt) is for passwords, which people choose and which can be guessed; a 256-bit random
 * secret cannot be guessed whatever the hash, and SHA-256 lets a request find its token by an
 * index lookup instead of trying every stored hash at scrypt's cost.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of API tokens, so that secret scanners and people can tell what one is. */
export const TOKEN_PREFIX = 'mhp_';

export const newSecret = (prefix = ''): string => prefix + randomBytes(32).toString('base64url');
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** The CSRF value of a session: derived from its secret, so nothing more is stored. */
export const csrfOf = (sessionSecret: string): string =>
  createHmac('sha256', sessionSecret).update('mcp-health csrf').digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
