import { validationError } from '../../shared/errors.js';

/**
 * A query's [from, to): `to` defaults to now and `from` to `defaultMs` before it; a range that ends
 * before it starts, or spans more than `maxMs` when given, is a 400 naming `query.from`.
 * `noun` is how the route's answers call it ("range", "window").
 */
export function queryRange(
  q: { from?: number | undefined; to?: number | undefined },
  limits: { defaultMs: number; maxMs?: number; noun?: string },
): { from: number; to: number } {
  const to = q.to ?? Date.now();
  const from = q.from ?? to - limits.defaultMs;
  if (from >= to) throw validationError([{ field: 'query.from', message: 'must be before to' }]);
  if (limits.maxMs !== undefined && to - from > limits.maxMs)
    throw validationError([
      {
        field: 'query.from',
        message: `the ${limits.noun ?? 'range'} may span at most ${Math.round(limits.maxMs / 86_400_000)} days`,
      },
    ]);
  return { from, to };
}
