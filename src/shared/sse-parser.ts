/**
 * Server-Sent Events read from bytes as they stream past: an event's data is handed on in
 * pieces as it arrives, never gathered, so an event of any size costs nothing to read. Lines
 * end with LF, CR or CRLF (also split across chunks), as the SSE specification says.
 */
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
/** Longest `id` or `event` value kept; the rest of it is dropped. */
const MAX_FIELD_CHARS = 1024;
const FIELD_NAME_BYTES = 8;

export interface SseEventFields {
  id: string | undefined;
  event: string | undefined;
  /** Whether the event had at least one `data` line. */
  hasData: boolean;
}

export interface SseHandlers {
  /** A piece of the current event's data: a `data` line's value, or the line feed between two. */
  data(piece: Buffer): void;
  /** A blank line ended an event; `end` is the offset in the current chunk just past it. */
  dispatch(fields: SseEventFields, end: number): void;
}

type Field = 'data' | 'id' | 'event' | 'other';

export class SseParser {
  /** The last `id` field seen: the stream can be resumed from it. */
  lastEventId: string | undefined;
  private state: 'start' | 'name' | 'value' | 'skip' = 'start';
  private readonly name = Buffer.alloc(FIELD_NAME_BYTES);
  private nameLength = 0;
  private field: Field = 'other';
  /** The one space after the colon is not part of the value. */
  private valueStarted = false;
  private text = '';
  private dataLines = 0;
  private id: string | undefined;
  private event: string | undefined;
  /** The last chunk ended with CR: a LF starting the next one belongs to it. */
  private sawCr = false;

  constructor(private readonly handlers: SseHandlers) {}

  /** Whether the bytes so far end on an event boundary (nothing half-read). */
  get atBoundary(): boolean {
    return (
      this.state === 'start' && this.dataLines === 0 && this.id === undefined && this.event === undefined
    );
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = this.sawCr && chunk[0] === LF ? 1 : 0;
    this.sawCr = false;
    while (i < n) {
      if (this.state === 'value' || this.state === 'skip') {
        let j = i;
        while (j < n && chunk[j] !== LF && chunk[j] !== CR) j += 1;
        if (this.state === 'value') this.value(chunk, i, j);
        if (j === n) return;
        i = this.lineEnd(chunk, j);
        continue;
      }
      const c = chunk[i] ?? 0;
      if (c === LF || c === CR) {
        i = this.lineEnd(chunk, i);
        continue;
      }
      if (this.state === 'start') {
        this.nameLength = 0;
        this.state = c === COLON ? 'skip' : 'name';
      }
      if (this.state === 'name') {
        if (c === COLON) this.beginValue();
        else if (this.nameLength < FIELD_NAME_BYTES) this.name[this.nameLength++] = c;
        else this.nameLength = FIELD_NAME_BYTES + 1;
      }
      i += 1;
    }
  }

  private beginValue(): void {
    const name = this.nameLength <= FIELD_NAME_BYTES ? this.name.toString('latin1', 0, this.nameLength) : '';
    this.field = name === 'data' || name === 'id' || name === 'event' ? name : 'other';
    this.state = 'value';
    this.valueStarted = false;
    this.text = '';
    if (this.field !== 'data') return;
    if (this.dataLines > 0) this.handlers.data(Buffer.from('\n'));
    this.dataLines += 1;
  }

  private value(chunk: Buffer, from: number, to: number): void {
    let start = from;
    if (!this.valueStarted && start < to) {
      this.valueStarted = true;
      if (chunk[start] === SPACE) start += 1;
    }
    if (start >= to) return;
    if (this.field === 'data') this.handlers.data(chunk.subarray(start, to));
    else if (this.field !== 'other' && this.text.length < MAX_FIELD_CHARS)
      this.text += chunk.toString('utf8', start, Math.min(to, start + MAX_FIELD_CHARS));
  }

  /** Ends the line whose terminator is at `at`; returns the offset after the terminator. */
  private lineEnd(chunk: Buffer, at: number): number {
    let next = at + 1;
    if (chunk[at] === CR) {
      if (next === chunk.length) this.sawCr = true;
      else if (chunk[next] === LF) next += 1;
    }
    const state = this.state;
    // A line without a colon is a field name with an empty value.
    if (state === 'name') this.beginValue();
    this.state = 'start';
    if (state === 'start') this.dispatch(next);
    else if (state === 'name' || state === 'value') this.endField();
    return next;
  }

  private endField(): void {
    const value = this.text.slice(0, MAX_FIELD_CHARS);
    this.text = '';
    if (this.field === 'id' && !value.includes('\0')) this.id = value;
    else if (this.field === 'event') this.event = value;
  }

  private dispatch(end: number): void {
    const fields = { id: this.id, event: this.event, hasData: this.dataLines > 0 };
    if (fields.id !== undefined) this.lastEventId = fields.id;
    this.id = undefined;
    this.event = undefined;
    this.dataLines = 0;
    this.handlers.dispatch(fields, end);
  }
}
