/**
 * Passwords as scrypt hashes (node:crypto): a random 16-byte salt per password, N = 2^15, r = 8,
 * p = 1 (about 32 MiB and tens of milliseconds per try, OWASP's recommended floor), stored as
 * `scrypt$15$8$1$<salt>$<hash>` so that the cost can rise later without breaking old hashes.
 * Compared in constant time. A password must be at least 12 characters: scrypt makes each guess
 * slow, but a short password has few enough candidates that slow guesses still find it (NIST
 * SP 800-63B asks for at least 8, 15 when single-factor; 12 is where an offline attack on a
 * stolen store stops being practical at this cost).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const MIN_PASSWORD_CHARS = 12;
export const MAX_PASSWORD_CHARS = 1024;

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_BYTES,
      { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` is the one `stored` was made from. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(logN), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of no one's password: an unknown user name costs what a wrong password costs. */
export const decoyHash = hashPassword(randomBytes(16).toString('hex'));
