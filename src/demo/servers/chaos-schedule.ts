/** The chaos server's behaviour phases, in cycle order. */
export type ChaosPhase = 'healthy' | 'slow' | 'very-slow' | 'erroring' | 'down';

export interface ChaosPhaseSpec {
  phase: ChaosPhase;
  /** Fraction of the cycle this phase lasts. The shares add up to 1. */
  share: number;
  /** Extra latency added to every HTTP request (ping and server/discover included), ms. */
  delayMs?: readonly [min: number, max: number];
}

/**
 * With the default 4-minute cycle: 72 s healthy, then 42 s each of slow (600–800 ms → Warning at a
 * 500 ms threshold), very slow (1,200–1,500 ms → Critical at 1,000 ms), erroring, and down — long
 * enough for 3+ consecutive failed checks at a 10 s interval.
 */
export const CHAOS_SCHEDULE: readonly ChaosPhaseSpec[] = [
  { phase: 'healthy', share: 0.3 },
  { phase: 'slow', share: 0.175, delayMs: [600, 800] },
  { phase: 'very-slow', share: 0.175, delayMs: [1_200, 1_500] },
  { phase: 'erroring', share: 0.175 },
  { phase: 'down', share: 0.175 },
];

export const DEFAULT_CHAOS_CYCLE_MS = 240_000;

/** Share of requests that fail during the erroring phase. */
export const CHAOS_ERROR_RATE = 0.8;

export interface ChaosPosition {
  spec: ChaosPhaseSpec;
  /** Time already spent in this phase, ms. */
  intoPhaseMs: number;
  /** Time left until the next phase starts, ms. */
  leftMs: number;
}

/** Where in the cycle `elapsedMs` (time since the server started) falls. */
export function chaosPositionAt(elapsedMs: number, cycleMs: number): ChaosPosition {
  const inCycle = ((elapsedMs % cycleMs) + cycleMs) % cycleMs;
  let start = 0;
  for (const spec of CHAOS_SCHEDULE) {
    const end = start + spec.share * cycleMs;
    if (inCycle < end) return { spec, intoPhaseMs: inCycle - start, leftMs: end - inCycle };
    start = end;
  }
  // Floating-point leftovers at the very end of the cycle belong to the last phase.
  const last = CHAOS_SCHEDULE[CHAOS_SCHEDULE.length - 1];
  if (last === undefined) throw new Error('empty chaos schedule');
  return { spec: last, intoPhaseMs: inCycle - start, leftMs: cycleMs - inCycle };
}

/** Time from `elapsedMs` until `phase` next begins (0 when already in it), ms. */
export function msUntilPhase(elapsedMs: number, cycleMs: number, phase: ChaosPhase): number {
  const current = chaosPositionAt(elapsedMs, cycleMs);
  if (current.spec.phase === phase) return 0;
  let start = 0;
  for (const spec of CHAOS_SCHEDULE) {
    if (spec.phase === phase) break;
    start += spec.share * cycleMs;
  }
  const inCycle = ((elapsedMs % cycleMs) + cycleMs) % cycleMs;
  return start > inCycle ? start - inCycle : cycleMs - inCycle + start;
}

/** A deterministic spread over [min, max] driven by a request counter (no randomness, so runs repeat). */
export function jitter(counter: number, [min, max]: readonly [number, number]): number {
  const steps = 16;
  return min + ((((counter * 7) % steps) + steps) % steps) * ((max - min) / (steps - 1));
}

/** Deterministically fails `rate` of requests: exactly ⌊n·rate⌋ of the first n. */
export function shouldFail(counter: number, rate: number = CHAOS_ERROR_RATE): boolean {
  return Math.floor((counter + 1) * rate) > Math.floor(counter * rate);
}
