/**
 * The sketch encoding as it was when migration 006 was written (version 1), frozen here so that
 * what the migration writes never changes with today's code: a version byte, the zero count, the
 * number of non-empty bins, then per bin its key as a zig-zag delta from the previous key and its
 * count, all LEB128 varints. Merging two sketches is adding their bins.
 */

/** A sketch as bins: the zero count, and key -> count. */
export interface Bins {
  zeros: number;
  counts: Map<number, number>;
}

export const emptyBins = (): Bins => ({ zeros: 0, counts: new Map() });

/** Adds encoded bytes into `into`; bytes it cannot read add nothing. */
export function addEncoded(into: Bins, bytes: Uint8Array): void {
  const read: [number, number][] = [];
  let zeros: number;
  try {
    const r = { bytes, pos: 0 };
    if (readVarint(r) !== 1) return;
    zeros = readVarint(r);
    const n = readVarint(r);
    let key = 0;
    for (let i = 0; i < n; i++) {
      key += unzigzag(readVarint(r));
      read.push([key, readVarint(r)]);
    }
  } catch {
    return;
  }
  into.zeros += zeros;
  for (const [key, c] of read) if (c > 0) into.counts.set(key, (into.counts.get(key) ?? 0) + c);
}

export function encode(bins: Bins): Buffer {
  const out: number[] = [1];
  writeVarint(out, Math.round(bins.zeros));
  const keys = [...bins.counts.keys()].sort((a, b) => a - b);
  writeVarint(out, keys.length);
  let prev = 0;
  for (const key of keys) {
    writeVarint(out, zigzag(key - prev));
    writeVarint(out, Math.round(bins.counts.get(key) ?? 0));
    prev = key;
  }
  return Buffer.from(out);
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
