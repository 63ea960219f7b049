/**
 * Loose measures of what a hostile server costs the monitor running in the test's process: the
 * event loop's worst delay, the memory still held (after a forced collection), open sockets.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
// safe because: with --expose-gc set, a fresh context has `gc` as a function.
const collect = runInNewContext('gc') as () => void;

/** Starts watching the event loop; the stop function returns its worst delay in ms. */
export function watchEventLoop(): () => number {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    return histogram.max / 1e6;
  };
}

/** Heap plus buffers still held after a full collection, bytes. */
export function heldMemory(): number {
  // Twice: buffers freed by the first collection are swept concurrently, and may still count.
  collect();
  collect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Samples the memory held (after a collection) every `everyMs` until stopped; the stop function
 * returns the most held above what was held at the start, bytes.
 */
export function watchHeldMemory(everyMs = 100): () => number {
  const base = heldMemory();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, heldMemory())), everyMs);
  return () => {
    clearInterval(timer);
    peak = Math.max(peak, heldMemory());
    return peak - base;
  };
}

/** The TCP sockets open in this process. */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
}

export interface StreamedReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  sha256: string;
  /** The first and last 2 KiB of the body. */
  head: string;
  tail: string;
}

/** POSTs `body` and reads the answer as it streams, keeping only its hash, head and tail. */
export function postStreamed(
  url: string,
  body: string,
  onFirstChunk: () => void = () => undefined,
): Promise<StreamedReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      let head = '';
      let tail = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) onFirstChunk();
        bytes += chunk.length;
        hash.update(chunk);
        if (head.length < 2048) head += chunk.toString('latin1', 0, 2048 - head.length);
        tail = Buffer.concat([tail, chunk]).subarray(-2048);
      });
      res.once('error', reject);
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes,
          sha256: hash.digest('hex'),
          head,
          tail: tail.toString('utf8'),
        }),
      );
    });
    req.end(body);
  });
}

/** The sha256 and size of `parts`: strings, and runs of `x` given as their length. */
export function digestOf(parts: (string | number)[]): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  const filler = Buffer.alloc(64 * 1024, 'x');
  let bytes = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      hash.update(part);
      bytes += Buffer.byteLength(part);
      continue;
    }
    for (let left = part; left > 0; left -= filler.length) {
      const piece = filler.subarray(0, Math.min(left, filler.length));
      hash.update(piece);
      bytes += piece.length;
    }
  }
  return { sha256: hash.digest('hex'), bytes };
}
