import type { Outcome, RequestEvent } from '../../model/request-event.js';

/** Seeded synthetic request events, for tests and the ingest benchmark: the same seed, the same traffic. */

/** mulberry32: a small, fast, seedable PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A lognormal draw (Box–Muller) with the given median and log-space sigma. */
export function lognormal(random: () => number, medianMs: number, sigma: number): number {
  const u1 = Math.max(random(), Number.MIN_VALUE);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * z);
}

/** An outcome drawn with the given probabilities (the rest `ok`). */
export function drawOutcome(random: () => number, p: Partial<Record<Outcome, number>>): Outcome {
  let r = random();
  for (const [outcome, prob] of Object.entries(p) as [Outcome, number][]) {
    if (r < prob) return outcome;
    r -= prob;
  }
  return 'ok';
}

export function requestEvent(
  fields: Partial<RequestEvent> & Pick<RequestEvent, 'serverId' | 'startedAt'>,
): RequestEvent {
  const outcome = fields.outcome ?? 'ok';
  const endpoint = fields.endpoint ?? 'tools/call:echo';
  return {
    endpoint,
    method: endpoint.split(':')[0] ?? endpoint,
    latencyMs: 10,
    outcome,
    errorCode: outcome === 'error' ? -32603 : null,
    errorMessage: outcome === 'ok' || outcome === 'cancelled' ? null : `${outcome} on request 42`,
    errorData: null,
    clientName: 'test-client',
    clientVersion: '1.0.0',
    protocolVersion: '2025-11-25',
    sessionId: 's-1',
    requestId: '42',
    bytesIn: 100,
    bytesOut: 200,
    ...fields,
  };
}

/**
 * Requests per hour of a seasonal service, for the forecast tests and benchmark: a daily cycle
 * (±50 %), weekends at 60 %, a trend of +0.1 % an hour and 5 % noise, from `base` requests an hour.
 * Hour 0 is a Monday 00:00 of the series' own calendar.
 */
export function seasonalHourlyCounts(hours: number, seed: number, base = 60): number[] {
  const random = seededRandom(seed);
  const gauss = () =>
    Math.sqrt(-2 * Math.log(Math.max(random(), Number.MIN_VALUE))) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: hours }, (_, h) => {
    const weekend = Math.floor(h / 24) % 7 >= 5 ? 0.6 : 1;
    const level = base * (1 + 0.001 * h) * (1 + 0.5 * Math.sin((2 * Math.PI * h) / 24)) * weekend;
    return Math.max(0, Math.round(level * (1 + 0.05 * gauss())));
  });
}
