/**
 * The write-ahead journal of request events: what makes "accepted" mean "kept" (issue 18).
 *
 * Every event the aggregator takes is appended here before anyone is told it was taken: an
 * ingest batch is written before its 202, gateway traffic every `writeEveryMs` (so a crash loses
 * at most that much of it). Segments follow the aggregator's flushes: when a flush takes the
 * pending batch, the current segment is sealed under that flush's id and a new one begins; once
 * the batch is committed (the id is in `metric_flushes`) its segment is deleted. At start, the
 * segments left are replayed into the aggregator — except those whose flush did commit (the
 * process died between the commit and the delete), so nothing is counted twice.
 *
 * What cannot be written (the disk full, or the journal at its bound because the store has been
 * down for long) is refused to ingest (503: not acknowledged) and counted for gateway traffic.
 *
 * Writes are synchronous appends to the page cache (an event survives the process's death as
 * soon as the append returns; fsync would only add safety against a power cut, at a cost per
 * batch). A segment is one JSON event per line; a torn last line is skipped on replay.
 */
import {
  closeSync,
  writevSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ingestBatch, toRequestEvent } from './ingest-schema.js';
import type { RequestEvent } from '../../model/request-event.js';

/** A segment left from before: its events, and the flush it was sealed under (undefined: never sealed). */
export interface LeftSegment {
  file: string;
  flushId: string | undefined;
  events(): RequestEvent[];
}

const OPEN = '.open.jsonl';
/** An ingest batch's line: `{"ingest":<the request body>}`. */
const INGEST_HEAD = Buffer.from('{"ingest":');
const INGEST_TAIL = Buffer.from('}\n');

export class Journal {
  private buffer: RequestEvent[] = [];
  private fd: number;
  private seq: number;
  private bytes = 0;
  /** Bytes in the sealed segments not yet committed (the store is down, say). */
  private sealedBytes = 0;
  private readonly sealed = new Map<string, { files: string[]; bytes: number }>();
  /** Segments of a previous run replayed into the current batch: sealed with it, deleted with it. */
  private carried: { file: string; bytes: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  /** Events that could not be written (the disk full, the journal over its bound). */
  unwritten = 0;
  lastError: string | null = null;

  constructor(
    private readonly dir: string,
    private readonly options: {
      writeEveryMs?: number;
      maxBytes?: number;
      onError?: (err: Error) => void;
    } = {},
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const seqs = readdirSync(dir)
      .map((f) => Number.parseInt(f, 10))
      .filter(Number.isFinite);
    this.seq = Math.max(0, ...seqs) + 1;
    this.fd = this.openSegment();
    this.timer = setInterval(() => this.writeQuietly(), options.writeEveryMs ?? 200);
    this.timer.unref();
  }

  /** The segments a previous run left, oldest first (the current one of this run excluded). */
  leftover(): LeftSegment[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.jsonl') && Number.parseInt(f, 10) < this.seq)
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
      .map((f) => {
        const [, id] = /^\d+\.([^.]+)\.jsonl$/.exec(f) ?? [];
        return {
          file: join(this.dir, f),
          flushId: id === 'open' ? undefined : id,
          events: () => parseSegment(readFileSync(join(this.dir, f), 'utf8')),
        };
      });
  }

  /** Deletes a segment left from before whose flush did commit. */
  forget(segment: LeftSegment): void {
    rmSync(segment.file, { force: true });
  }

  /**
   * A segment left from before, replayed into the current batch: it stays on disk (copying it into
   * the current segment would cost as much as the replay) and is sealed and deleted with the batch.
   */
  carry(segment: LeftSegment): void {
    this.carried.push({ file: segment.file, bytes: statSync(segment.file).size });
  }

  /** Buffers an event; it is written within `writeEveryMs` (gateway traffic). */
  add(event: RequestEvent): void {
    this.buffer.push(event);
  }

  /**
   * Writes events now, with what was buffered before them (an ingest batch, before its 202).
   * Throws when they cannot be written (ENOSPC, the bound): then none of them was.
   */
  append(events: readonly RequestEvent[]): void {
    this.buffer.push(...events);
    try {
      this.write();
    } catch (err) {
      this.buffer.length -= events.length;
      throw err;
    }
  }

  /**
   * Writes an ingest batch now as the bytes it came in (re-serialising every event cost more than
   * the aggregator itself), after what was buffered before it. Throws when it cannot be written.
   * `raw` is the request body, valid JSON: its line breaks are whitespace between tokens, made
   * spaces so that the batch stays on one line.
   */
  appendIngest(raw: Buffer): void {
    this.write();
    const body =
      raw.includes(0x0a) || raw.includes(0x0d) ? raw.map((b) => (b === 0x0a || b === 0x0d ? 0x20 : b)) : raw;
    const bytes = body.length + INGEST_HEAD.length + INGEST_TAIL.length;
    this.assertRoom(bytes);
    writevSync(this.fd, [INGEST_HEAD, body, INGEST_TAIL]);
    this.bytes += bytes;
  }

  private assertRoom(bytes: number): void {
    const max = this.options.maxBytes ?? 512 * 1024 * 1024;
    if (this.bytes + this.sealedBytes + bytes > max)
      throw new Error(
        `the event journal is full (${Math.round(max / 2 ** 20)} MiB): the store has not taken events for a while`,
      );
  }

  private write(): void {
    if (this.buffer.length === 0) return;
    let text = '';
    for (const e of this.buffer) text += `${JSON.stringify(e)}\n`;
    const bytes = Buffer.byteLength(text);
    this.assertRoom(bytes);
    writeSync(this.fd, text);
    this.bytes += bytes;
    this.buffer = [];
  }

  /**
   * The aggregator took its pending batch to write it under `flushId`: what was added up to now
   * is that batch, and goes into a segment of its own. Events that cannot be written are dropped
   * from the journal (they are in the batch, in memory) and counted.
   */
  seal(flushId: string): void {
    this.writeQuietly();
    const files: string[] = [];
    let bytes = 0;
    // Carried segments are renamed under this flush too: a crash before its commit replays them
    // again, one after it finds the flush committed and deletes them.
    for (const c of this.carried) {
      const file = c.file.replace(/\.[^./]+\.jsonl$/, `.${flushId}.jsonl`);
      renameSync(c.file, file);
      files.push(file);
      bytes += c.bytes;
    }
    this.carried = [];
    if (this.bytes > 0) {
      closeSync(this.fd);
      const file = join(this.dir, `${this.seq}.${flushId}.jsonl`);
      renameSync(this.openPath(), file);
      files.push(file);
      bytes += this.bytes;
      this.seq += 1;
      this.bytes = 0;
      this.fd = this.openSegment();
    }
    if (files.length === 0) return;
    this.sealed.set(flushId, { files, bytes });
    this.sealedBytes += bytes;
  }

  /** The batch of `flushId` is in the store: its segments go. */
  committed(flushId: string): void {
    const s = this.sealed.get(flushId);
    if (s === undefined) return;
    for (const file of s.files) rmSync(file, { force: true });
    this.sealed.delete(flushId);
    this.sealedBytes -= s.bytes;
  }

  close(): void {
    clearInterval(this.timer);
    this.writeQuietly();
    closeSync(this.fd);
  }

  /** Writes what is buffered; what cannot be written is dropped from the journal (it is in memory) and counted. */
  private writeQuietly(): void {
    try {
      this.write();
      this.lastError = null;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (this.lastError !== error.message) this.options.onError?.(error);
      this.lastError = error.message;
      this.unwritten += this.buffer.length;
      this.buffer = [];
    }
  }

  private openPath(): string {
    return join(this.dir, `${this.seq}${OPEN}`);
  }

  private openSegment(): number {
    return openSync(this.openPath(), 'a', 0o600);
  }
}

function parseSegment(text: string): RequestEvent[] {
  const events: RequestEvent[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // a line torn by the crash: what it held was never acknowledged
    }
    if (typeof value === 'object' && value !== null && 'ingest' in value) {
      // Validated when it came in; read again as the ingest API reads it.
      const batch = ingestBatch.safeParse(value.ingest);
      if (batch.success) events.push(...batch.data.events.map((e) => toRequestEvent(e, e.server)));
    } else events.push(value as RequestEvent);
  }
  return events;
}
