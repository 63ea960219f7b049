import { DDSketch } from '@datadog/sketches-js';

/** DESIGN §2: 1% relative accuracy; every sketch in the store uses it, so any two merge. */
export const RELATIVE_ACCURACY = 0.01;

export const newSketch = (): DDSketch => new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

/**
 * Our own compact encoding, because the package's `toProto` needs `protobufjs` (not a
 * dependency) and drops min/max anyway (they live in their own columns).
 *
 * Layout: version byte (1), zero count, number of non-empty bins, then per bin the key as a
 * zig-zag delta from the previous key and its count — all LEB128 varints. Latencies are never
 * negative (the aggregator clamps them), so the negative store is not written.
 */
export const SKETCH_VERSION = 1;
const VERSION = SKETCH_VERSION;

export function encodeSketch(sketch: DDSketch): Buffer {
  const { bins, offset } = sketch.store;
  return encodeBins(sketch.zeroCount, bins, offset);
}

/** The encoding of a zero count and the counts of keys `offset`, `offset + 1`, … */
export function encodeBins(zeroCount: number, bins: ArrayLike<number>, offset: number): Buffer {
  const out: number[] = [VERSION];
  writeVarint(out, Math.round(zeroCount));
  let nonEmpty = 0;
  for (let i = 0; i < bins.length; i++) if ((bins[i] ?? 0) > 0) nonEmpty++;
  writeVarint(out, nonEmpty);
  let prev = 0;
  for (let i = 0; i < bins.length; i++) {
    const c = bins[i] ?? 0;
    if (c <= 0) continue;
    const key = i + offset;
    writeVarint(out, zigzag(key - prev));
    writeVarint(out, Math.round(c));
    prev = key;
  }
  return Buffer.from(out);
}

/** Decodes `encodeSketch` output; bytes it cannot read give an empty sketch (never throws). */
export function decodeSketch(bytes: Uint8Array): DDSketch {
  const sketch = newSketch();
  addEncoded(sketch, bytes);
  return sketch;
}

/**
 * Merges encoded bytes straight into `into` (no intermediate sketch). Returns false, adding
 * nothing, when the bytes cannot be read.
 */
export function addEncoded(into: DDSketch, bytes: Uint8Array): boolean {
  const bins: [number, number][] = [];
  let zeros: number;
  try {
    const r = { bytes, pos: 0 };
    if (readVarint(r) !== VERSION) return false;
    zeros = readVarint(r);
    const n = readVarint(r);
    let key = 0;
    for (let i = 0; i < n; i++) {
      key += unzigzag(readVarint(r));
      bins.push([key, readVarint(r)]);
    }
  } catch {
    return false;
  }
  for (const [key, c] of bins) if (c > 0) into.store.add(key, c);
  into.zeroCount += zeros;
  into.count = into.store.count + into.zeroCount + into.negativeStore.count;
  return true;
}

/** The q-quantile (0..1), or null for an empty sketch. */
export function quantile(sketch: DDSketch, q: number): number | null {
  if (sketch.count <= 0) return null;
  const v = sketch.getValueAtQuantile(q);
  return Number.isFinite(v) ? v : null;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readVarint(r: { bytes: Uint8Array; pos: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const b = r.bytes[r.pos++];
    if (b === undefined) throw new Error('truncated sketch');
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 0x80;
  }
  throw new Error('varint too long');
}

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);
