/**
 * Reads Server-Sent Events out of a byte stream that is forwarded unchanged: the gateway pipes
 * the upstream's bytes to the client and only looks at the messages (and `id`) of each event,
 * which it reads on the way past without gathering a large event whole.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { SseParser } from '../../shared/sse-parser.js';
import { MessageTap } from '../message-tap.js';

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  /** The JSON-RPC messages of its data (outlines when the event is large). */
  messages: JSONRPCMessage[];
  /** The size of its data in bytes. */
  bytes: number;
}

export class SseReader {
  private readonly tap = new MessageTap();
  private readonly parser: SseParser;

  constructor(onEvent: (event: SseEvent) => void) {
    this.parser = new SseParser({
      data: (piece) => this.tap.push(piece),
      dispatch: ({ id, event, hasData }) => {
        const { messages, bytes } = this.tap.take();
        if (hasData || id !== undefined) onEvent({ id, event, messages, bytes });
      },
    });
  }

  /** The last `id` field seen: the stream can be resumed from it. */
  get lastEventId(): string | undefined {
    return this.parser.lastEventId;
  }

  /** Whether the bytes so far end on an event boundary (nothing half-read). */
  get atBoundary(): boolean {
    return this.parser.atBoundary;
  }

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }
}
