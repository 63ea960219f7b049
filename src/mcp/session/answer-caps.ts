/**
 * Caps on what the checker reads of an answer's body stream (the SSE paths of the SDK's HTTP
 * transports; JSON bodies are capped where they are read, in http-fetch.ts).
 *
 * An SSE stream is passed on event by event; an event larger than the limit is dropped, and in
 * its place goes an error response for the request it answered (its id read by the outline as
 * the event streams past), so that request fails at once with the reason instead of waiting for
 * the check's timeout. Any other body fails with AnswerTooLargeError past the limit.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { AnswerTooLargeError, tooLargeResponse, type AnswerLimit } from '../../shared/answer-limit.js';
import { answeredId, JsonOutline } from '../../shared/json-outline.js';
import { SseParser } from '../../shared/sse-parser.js';

const CR = 0x0d;
const LF = 0x0a;

export class SseEventCap extends Transform {
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The outline of the event being dropped (it grew past the limit before it ended). */
  private dropping: JsonOutline | undefined;
  private current: Buffer = Buffer.alloc(0);
  /** Where the current chunk's unfinished event starts. */
  private from = 0;
  /** The last event ended the last chunk with a CR: the LF of its CRLF may start this one. */
  private endedOnCr: 'passed' | 'replaced' | undefined;
  private readonly parser = new SseParser({
    data: (piece) => this.dropping?.push(piece),
    dispatch: (_fields, end) => this.eventEnd(end),
  });

  constructor(private readonly limit: AnswerLimit) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.current = chunk;
    this.from = 0;
    if (this.endedOnCr !== undefined && chunk[0] === LF) {
      if (this.endedOnCr === 'passed') this.push(chunk.subarray(0, 1));
      this.from = 1;
    }
    this.endedOnCr = undefined;
    this.parser.push(chunk);
    if (this.dropping === undefined && this.from < chunk.length) {
      this.held.push(chunk.subarray(this.from));
      this.heldBytes += chunk.length - this.from;
      if (this.heldBytes > this.limit.bytes) {
        // Too large already: what was held is read for the outline and let go.
        this.dropping = outlineOf(this.held);
        this.held = [];
        this.heldBytes = 0;
      }
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.dropping === undefined) for (const piece of this.held) this.push(piece);
    done();
  }

  private eventEnd(end: number): void {
    const tail = this.current.subarray(this.from, end);
    this.from = end;
    let outline = this.dropping;
    if (outline === undefined && this.heldBytes + tail.length > this.limit.bytes)
      outline = outlineOf([...this.held, tail]);
    if (outline === undefined) {
      for (const piece of this.held) this.push(piece);
      this.push(tail);
    } else {
      for (const message of outline.messages) {
        const id = answeredId(message);
        if (id === undefined) continue;
        const replacement = tooLargeResponse(id, this.limit);
        this.push(Buffer.from(`event: message\ndata: ${JSON.stringify(replacement)}\n\n`));
      }
    }
    this.dropping = undefined;
    this.held = [];
    this.heldBytes = 0;
    if (end === this.current.length && this.current[end - 1] === CR)
      this.endedOnCr = outline === undefined ? 'passed' : 'replaced';
  }
}

/** The outline of an event's data, from its raw bytes. */
function outlineOf(raw: Buffer[]): JsonOutline {
  const outline = new JsonOutline();
  const parser = new SseParser({ data: (piece) => outline.push(piece), dispatch: () => undefined });
  for (const piece of raw) parser.push(piece);
  return outline;
}

/** Passes a body on until it exceeds the limit, then fails with AnswerTooLargeError. */
export class ByteCap extends Transform {
  private bytes = 0;

  constructor(private readonly limit: AnswerLimit) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit.bytes) done(new AnswerTooLargeError(this.limit));
    else done(null, chunk);
  }
}
