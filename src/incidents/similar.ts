/**
 * How alike two incidents are (DESIGN §10): the errors they share (Jaccard overlap of their
 * fingerprint sets), the servers and endpoints they touched, and the shape of their error rate
 * (dynamic time warping over the shapes scaled to their peaks, so a spike of 30 % and one of 60 %
 * that rise and fall alike are close).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Dtw, initSync } from '@bsull/augurs/dtw';

/** What is compared of an incident. */
export interface Signature {
  fingerprints: string[];
  servers: string[];
  endpoints: string[];
  shape: (number | null)[];
}

const WEIGHTS = { fingerprints: 0.5, servers: 0.2, endpoints: 0.15, shape: 0.15 };
/** Below this an incident is not shown as similar. */
export const MIN_SIMILARITY = 0.25;

let dtw: Dtw | undefined;

/** augurs is built for the web: its .wasm is read from beside the module, once (as forecasts/augurs.ts does). */
function dtwOf(): Dtw {
  if (!dtw) {
    const wasm = createRequire(import.meta.url)
      .resolve('@bsull/augurs/dtw')
      .replace(/\.js$/, '_bg.wasm');
    initSync({ module: readFileSync(wasm) });
    dtw = Dtw.euclidean({ window: 10 });
  }
  return dtw;
}

export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const set = new Set(a);
  const shared = b.filter((x) => set.has(x)).length;
  return shared / (set.size + new Set(b).size - shared);
}

/** A shape scaled to its peak (0…1), gaps as 0; at most 120 points (the rest averaged away). */
function normalized(shape: (number | null)[]): number[] {
  const values = shape.map((v) => v ?? 0);
  const every = Math.ceil(values.length / 120);
  const out: number[] = [];
  for (let i = 0; i < values.length; i += every) {
    const part = values.slice(i, i + every);
    out.push(part.reduce((s, v) => s + v, 0) / part.length);
  }
  const peak = Math.max(0, ...out);
  return peak > 0 ? out.map((v) => v / peak) : out;
}

/** 1 for the same shape, toward 0 as the warped distance grows (per point, so lengths compare). */
export function shapeSimilarity(a: (number | null)[], b: (number | null)[]): number {
  const x = normalized(a);
  const y = normalized(b);
  if (x.length === 0 || y.length === 0) return 0;
  const distance = dtwOf().distance(x, y) / Math.max(x.length, y.length);
  return 1 / (1 + 10 * distance);
}

/** 0…1, three decimals. */
export function similarity(a: Signature, b: Signature): number {
  const score =
    WEIGHTS.fingerprints * jaccard(a.fingerprints, b.fingerprints) +
    WEIGHTS.servers * jaccard(a.servers, b.servers) +
    WEIGHTS.endpoints * jaccard(a.endpoints, b.endpoints) +
    WEIGHTS.shape * shapeSimilarity(a.shape, b.shape);
  return Math.round(score * 1000) / 1000;
}
