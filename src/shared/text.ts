/**
 * Text from outside (API input, upstream answers, gateway traffic) as the stores can keep it:
 * PostgreSQL refuses NUL in text (and a refused row fails the whole batch it is written in), and
 * an unpaired UTF-16 surrogate is not a character in any encoding.
 */

// Node 20 has both (V8 11.3); TypeScript lists them under ES2024, whose other members Node 20 lacks.
declare global {
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const NUL = /\u0000/;

/** Why `text` cannot be stored as it is, or undefined. */
export function textProblem(text: string): string | undefined {
  if (NUL.test(text)) return 'must not contain NUL characters (\\u0000)';
  if (!text.isWellFormed()) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

/** Text from a source we cannot refuse (an upstream's answer): NUL and lone surrogates become U+FFFD. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what this replaces
  return text.replace(/\u0000/g, '\uFFFD').toWellFormed();
}

/** A JSON-like value with `fn` applied to every string in it, keys too. */
export function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fn(k), mapStrings(v, fn)]));
  return value;
}
