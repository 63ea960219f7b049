import { REDACTED } from '../shared/scrubber.js';

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api_?key|credential/i;

/**
 * What the audit log keeps of a body: values under secret-looking keys replaced by the marker,
 * every string through `scrub` (which knows the configured secrets: header values, env values,
 * channel credentials), and the whole cut to a bounded size.
 */
export function redactWith(scrub: (text: string) => string): (value: unknown) => unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrub(v.length > 2000 ? `${v.slice(0, 2000)}…` : v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > 6) return '…';
    if (Array.isArray(v)) return v.slice(0, 100).map((x) => walk(x, depth + 1));
    return Object.fromEntries(
      Object.entries(v)
        .slice(0, 100)
        .map(([k, x]) => [
          k,
          SECRET_KEY.test(k) && x !== null && x !== 'changed' ? REDACTED : walk(x, depth + 1),
        ]),
    );
  };
  return (value) => walk(value, 0);
}
