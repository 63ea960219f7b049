/**
 * The JSON-RPC messages of one upstream answer, read on the way past while its bytes go on to
 * the client: a small answer (the usual case) is kept and parsed whole, so it is classified
 * exactly; a larger one is read as outlines (../shared/json-outline.ts), so the gateway never
 * holds it, and only its head is kept (for an HTTP error's text).
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { JsonOutline } from '../shared/json-outline.js';

/** Answers up to this size are parsed whole. */
export const WHOLE_ANSWER_BYTES = 64 * 1024;

export interface TappedMessages {
  messages: JSONRPCMessage[];
  /** The messages are the answer's own (parsed whole), not outlines. */
  whole: boolean;
  /** The answer's size in bytes. */
  bytes: number;
}

function parse(text: string): JSONRPCMessage[] {
  try {
    const value: unknown = JSON.parse(text);
    // safe because: the messages are only read structurally (json-rpc.ts guards) on the way past.
    return (Array.isArray(value) ? value : [value]) as JSONRPCMessage[];
  } catch {
    return [];
  }
}

export class MessageTap {
  private head: Buffer[] = [];
  private headBytes = 0;
  private bytes = 0;
  private outline: JsonOutline | undefined;

  constructor(private readonly wholeBytes = WHOLE_ANSWER_BYTES) {}

  push(piece: Buffer): void {
    this.bytes += piece.length;
    if (this.outline !== undefined) {
      this.outline.push(piece);
      return;
    }
    this.head.push(piece);
    this.headBytes += piece.length;
    if (this.headBytes <= this.wholeBytes) return;
    this.outline = new JsonOutline();
    for (const held of this.head) this.outline.push(held);
    this.head = [Buffer.concat(this.head).subarray(0, this.wholeBytes)];
    this.headBytes = this.wholeBytes;
  }

  /** The first bytes of the answer as text (all of it when small). */
  text(): string {
    return Buffer.concat(this.head).toString('utf8');
  }

  /** The answer's messages; the tap starts empty again for the next answer. */
  take(): TappedMessages {
    const { outline, bytes } = this;
    const taken: TappedMessages =
      outline === undefined
        ? { messages: this.headBytes === 0 ? [] : parse(this.text()), whole: true, bytes }
        : { messages: outline.messages, whole: false, bytes };
    this.head = [];
    this.headBytes = 0;
    this.bytes = 0;
    this.outline = undefined;
    return taken;
  }
}
