/**
 * Reads Server-Sent Events out of a byte stream that is forwarded unchanged: the gateway pipes
 * the upstream's bytes to the client and only looks at the `data` (and `id`) of each event.
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private data: string[] = [];
  private id: string | undefined;
  private event: string | undefined;
  /** The last `id` field seen: the stream can be resumed from it. */
  lastEventId: string | undefined;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  /** Whether the bytes so far end on an event boundary (nothing half-read). */
  get atBoundary(): boolean {
    return this.pending === '' && this.data.length === 0 && this.id === undefined && this.event === undefined;
  }

  push(chunk: Buffer): void {
    const text = this.pending + this.decoder.write(chunk);
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A lone CR at the end of the chunk may be the first half of CRLF: wait for more.
      if (c === 13 && i === text.length - 1) break;
      this.line(text.slice(start, i));
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.pending = text.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58) return; // a comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    else if (field === 'event') this.event = value;
  }

  private dispatch(): void {
    const { id, event } = this;
    if (id !== undefined) this.lastEventId = id;
    const data = this.data.join('\n');
    this.data = [];
    this.id = undefined;
    this.event = undefined;
    if (data !== '' || id !== undefined) this.onEvent({ id, event, data });
  }
}
