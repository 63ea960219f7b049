import type { DDSketch } from '@datadog/sketches-js';
import { SKETCH_VERSION, encodeBins, newSketch } from './sketch-codec.js';

/**
 * Many stored sketches merged into one, fast: the encoded bins (sketch-codec.ts) are added
 * straight into a flat array of counts indexed by bin key, and a DDSketch is built once at the
 * end. Adding the same bins to the same keys is exactly what `DDSketch.merge` does, so the
 * percentiles are the merged sketch's — this only skips a per-row intermediate sketch and the
 * per-bin calls into the package's store, which were most of a 30-day query's time.
 */
export class SketchBins {
  private counts = new Float64Array(0);
  /** The key of `counts[0]`. */
  private offset = 0;
  private zeroCount = 0;
  /**
   * The one decoded sketch added so far, read in place rather than copied (a server's series
   * step is most often a single row): copied into `counts` when a second one comes. Never written.
   */
  private borrowed: DenseBins | undefined;

  /** Adds one value, as `DDSketch.accept` does (values are never negative: latencies). */
  accept(value: number): void {
    if (!(value > mapping.minPossible)) {
      this.zeroCount++;
      return;
    }
    const key = mapping.key(value);
    // the first value makes room for latencies ~14× either side of it (128 keys at 1 %), so
    // that a bucket's array is rarely grown again
    if (this.counts.length === 0) this.reserve(key - 128, key + 128);
    else if (key < this.offset || key >= this.offset + this.counts.length || this.borrowed)
      this.reserve(key, key);
    const at = key - this.offset;
    this.counts[at] = (this.counts[at] as number) + 1;
  }

  /** The bins in the stored encoding: the bytes `encodeSketch` gives for the same counts. */
  encode(): Buffer {
    const { counts, offset } = this.borrowed ?? { counts: this.counts, offset: this.offset };
    return encodeBins(this.zeroCount, counts, offset);
  }

  /** Adds encoded bytes; returns false, adding nothing, when they cannot be read. */
  addEncoded(bytes: Uint8Array): boolean {
    const n = decode(bytes);
    if (n < 0) return false;
    this.zeroCount += decodedZeros;
    if (n === 0) return true;
    this.reserve(decodedMin, decodedMax);
    const { counts, offset } = this;
    for (let i = 0; i < n; i++) {
      const at = (scratchKeys[i] as number) - offset;
      counts[at] = (counts[at] as number) + (scratchCounts[i] as number);
    }
    return true;
  }

  /** Adds a decoded sketch (`denseOf`): a plain loop over two arrays. */
  addDense(d: DenseBins): void {
    this.zeroCount += d.zeros;
    const src = d.counts;
    if (src.length === 0) return;
    if (this.counts.length === 0 && this.borrowed === undefined) {
      this.borrowed = d;
      return;
    }
    this.reserve(d.offset, d.offset + src.length - 1);
    const { counts } = this;
    const shift = d.offset - this.offset;
    for (let i = 0; i < src.length; i++) {
      const at = i + shift;
      counts[at] = (counts[at] as number) + (src[i] as number);
    }
  }

  /** Adds another accumulator's counts. */
  addBins(other: SketchBins): void {
    if (other.borrowed) {
      this.addDense({ ...other.borrowed, zeros: other.zeroCount });
      return;
    }
    this.zeroCount += other.zeroCount;
    const src = other.counts;
    if (src.length === 0) return;
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < src.length; i++)
      if ((src[i] as number) > 0) {
        if (lo < 0) lo = i;
        hi = i;
      }
    if (lo < 0) return;
    this.reserve(lo + other.offset, hi + other.offset);
    const { counts, offset } = this;
    const shift = other.offset - offset;
    for (let i = lo; i <= hi; i++) {
      const at = i + shift;
      counts[at] = (counts[at] as number) + (src[i] as number);
    }
  }

  /**
   * The q-quantile (0..1) of the merged counts, or null when empty: the same ranking and the
   * same key → value mapping as `DDSketch.getValueAtQuantile`, without building the sketch.
   */
  quantile(q: number): number | null {
    const { counts, offset } = this.borrowed ?? { counts: this.counts, offset: this.offset };
    const { zeroCount } = this;
    let total = zeroCount;
    for (let i = 0; i < counts.length; i++) total += counts[i] as number;
    if (total <= 0 || q < 0 || q > 1) return null;
    const rank = q * (total - 1);
    if (rank < zeroCount) return 0;
    const within = rank - zeroCount;
    let running = 0;
    let key = offset;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] as number;
      if (c <= 0) continue;
      running += c;
      key = i + offset;
      if (running > within) break;
    }
    const v = mapping.value(key);
    return Number.isFinite(v) ? v : null;
  }

  /** The merged sketch (a new DDSketch at the store's accuracy). */
  toSketch(): DDSketch {
    const sketch = newSketch();
    const { counts, offset } = this.borrowed ?? { counts: this.counts, offset: this.offset };
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < counts.length; i++)
      if ((counts[i] as number) > 0) {
        if (lo < 0) lo = i;
        hi = i;
      }
    if (lo >= 0) {
      // The highest and lowest keys first, so that the package's store sizes itself once.
      sketch.store.add(hi + offset, counts[hi]);
      if (lo !== hi) sketch.store.add(lo + offset, counts[lo]);
      for (let i = lo + 1; i < hi; i++) {
        const c = counts[i] as number;
        if (c > 0) sketch.store.add(i + offset, c);
      }
    }
    sketch.zeroCount = this.zeroCount;
    sketch.count = sketch.store.count + sketch.zeroCount;
    return sketch;
  }

  /** Copies the borrowed bins into `counts`, before they are added to. */
  private own(): void {
    const b = this.borrowed;
    if (!b) return;
    this.borrowed = undefined;
    this.counts = new Float64Array(b.counts);
    this.offset = b.offset;
  }

  /** Makes room for keys lo..hi (inclusive), keeping what is counted (and owning it first). */
  private reserve(lo: number, hi: number): void {
    this.own();
    const { counts, offset } = this;
    if (counts.length > 0 && lo >= offset && hi < offset + counts.length) return;
    const from = counts.length === 0 ? lo : Math.min(lo, offset);
    const to = counts.length === 0 ? hi : Math.max(hi, offset + counts.length - 1);
    // Slack on both sides, so that a run of similar rows grows the array once or twice.
    const slack = Math.max(32, (to - from + 1) >> 1);
    const next = new Float64Array(to - from + 1 + 2 * slack);
    const nextOffset = from - slack;
    if (counts.length > 0) next.set(counts, offset - nextOffset);
    this.counts = next;
    this.offset = nextOffset;
  }
}

/** One stored sketch decoded: the counts of keys `offset` … `offset + counts.length − 1`, and zeros. */
export interface DenseBins {
  offset: number;
  counts: Float64Array;
  zeros: number;
}

const decoded = new WeakMap<Uint8Array, DenseBins | null>();

/**
 * The bins of encoded bytes, decoded once per bytes object (rows kept by the row cache keep
 * theirs), or null when the bytes cannot be read.
 */
export function denseOf(bytes: Uint8Array): DenseBins | null {
  const known = decoded.get(bytes);
  if (known !== undefined) return known;
  const n = decode(bytes);
  let d: DenseBins | null = null;
  if (n === 0) d = { offset: 0, counts: new Float64Array(0), zeros: decodedZeros };
  else if (n > 0) {
    const counts = new Float64Array(decodedMax - decodedMin + 1);
    for (let i = 0; i < n; i++) {
      const at = (scratchKeys[i] as number) - decodedMin;
      counts[at] = (counts[at] as number) + (scratchCounts[i] as number);
    }
    d = { offset: decodedMin, counts, zeros: decodedZeros };
  }
  decoded.set(bytes, d);
  return d;
}

/** The key → value mapping every stored sketch shares (same relative accuracy). */
const mapping = newSketch().mapping;

// One decode at a time (JavaScript is single-threaded and decode() never yields), so the
// scratch arrays are shared rather than allocated per row.
let scratchKeys = new Int32Array(1024);
let scratchCounts = new Float64Array(1024);
let decodedZeros = 0;
let decodedMin = 0;
let decodedMax = 0;
let pos = 0;

/** A LEB128 varint at `pos`, or -1 when truncated or too long (values are never negative). */
function varint(b: Uint8Array): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const x = b[pos++];
    if (x === undefined) return -1;
    value += (x & 0x7f) * scale;
    if (x < 0x80) return value;
    scale *= 0x80;
  }
  return -1;
}

/** Decodes into the scratch arrays; returns the number of bins, or -1 for unreadable bytes. */
function decode(b: Uint8Array): number {
  pos = 0;
  if (varint(b) !== SKETCH_VERSION) return -1;
  const zeros = varint(b);
  const n = varint(b);
  if (zeros < 0 || n < 0 || n > b.length) return -1;
  if (n > scratchKeys.length) {
    scratchKeys = new Int32Array(n);
    scratchCounts = new Float64Array(n);
  }
  let key = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const delta = varint(b);
    const count = varint(b);
    if (delta < 0 || count < 0) return -1;
    key += delta % 2 === 0 ? delta / 2 : -(delta + 1) / 2;
    if (key < min) min = key;
    if (key > max) max = key;
    scratchKeys[i] = key;
    scratchCounts[i] = count;
  }
  decodedZeros = zeros;
  decodedMin = min;
  decodedMax = max;
  return n;
}
