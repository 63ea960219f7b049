/**
 * The outline of JSON-RPC messages, read from their bytes as they stream past without holding
 * them: the id, the method, an error's code and message, a result's `isError` and first texts,
 * `initialize`'s protocol version, a progress token. Whatever the size of a message, the outline
 * keeps a few KiB. A top-level array (a batch) gives one outline per element.
 *
 * It is lenient: bytes that are not JSON are skipped, and a malformed message gives whatever
 * outline its bytes make. Outlines classify answers; they are never forwarded.
 */
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';
import { Kept } from './kept-bytes.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** What a value is to the outline, from where it sits in the message. */
type Slot =
  | 'ignored'
  | 'batch'
  | 'message'
  | 'id'
  | 'method'
  | 'result'
  | 'error'
  | 'params'
  | 'errorCode'
  | 'errorMessage'
  | 'isError'
  | 'protocolVersion'
  | 'progressToken'
  | 'content'
  | 'contentItem'
  | 'itemType'
  | 'itemText';

/** How many bytes of a primitive in this slot are kept (0: none). */
const KEPT_BYTES: Partial<Record<Slot, number>> = {
  id: 1024,
  method: 1024,
  errorCode: 32,
  errorMessage: 1024,
  isError: 8,
  protocolVersion: 256,
  progressToken: 1024,
  itemType: 32,
  itemText: 16 * 1024,
};
const KEY_BYTES = 32;
/** The texts of a tool error kept in all (what a request event stores of them). */
const TEXT_BUDGET = 16 * 1024;
/** Outlines kept of one answer (a batch larger than this is not a real client's). */
const MAX_MESSAGES = 1000;

const SLOT_IN: Partial<Record<Slot, Record<string, Slot>>> = {
  message: { id: 'id', method: 'method', result: 'result', error: 'error', params: 'params' },
  error: { code: 'errorCode', message: 'errorMessage' },
  result: { isError: 'isError', protocolVersion: 'protocolVersion', content: 'content' },
  params: { progressToken: 'progressToken' },
  contentItem: { type: 'itemType', text: 'itemText' },
};

interface Frame {
  object: boolean;
  slot: Slot;
  /** The key whose value comes next (objects), once read. */
  key: string | undefined;
  expectKey: boolean;
}

interface Draft {
  id?: RequestId | null;
  method?: string;
  hasResult: boolean;
  hasError: boolean;
  code?: number;
  message?: string;
  isError: boolean;
  protocolVersion?: string;
  progressToken?: string | number;
  texts: string[];
  textBytes: number;
  itemType?: string;
  itemText?: string;
}

export class JsonOutline {
  readonly messages: JSONRPCMessage[] = [];
  private readonly stack: Frame[] = [];
  private draft: Draft | undefined;
  private inString = false;
  private inLiteral = false;
  private escaped = false;
  private isKey = false;
  private valueSlot: Slot = 'ignored';
  private kept: Kept | undefined;
  /** Keys are read one at a time, into one buffer. */
  private readonly keyBytes = new Kept(KEY_BYTES);

  /**
   * The id of the single response being read, once its id and its result or error have begun
   * (a response that is not a batch): what a reader that gives up on its size needs to answer it.
   */
  answerIdSoFar(): RequestId | undefined {
    const d = this.draft;
    if (d === undefined || this.stack[0]?.slot !== 'message' || d.method !== undefined) return undefined;
    if (!d.hasResult && !d.hasError) return undefined;
    return d.id ?? undefined;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        i = this.stringBytes(chunk, i);
        continue;
      }
      if (this.inLiteral) {
        i = this.literalBytes(chunk, i);
        continue;
      }
      const c = chunk[i] ?? 0;
      i += 1;
      if (c === QUOTE) this.beginString();
      else if (c === 0x7b || c === 0x5b) this.open(c === 0x7b);
      else if (c === 0x7d || c === 0x5d) this.close();
      else if (c === 0x2c) this.next();
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
        this.beginValue();
        this.inLiteral = true;
        i -= 1;
      }
      // Anything else (whitespace, ':', stray bytes) carries nothing the outline keeps.
    }
  }

  private get top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The slot of the value starting now, from its parent. */
  private slotHere(objectStart: boolean): Slot {
    const parent = this.top;
    if (parent === undefined) return objectStart ? 'message' : 'ignored';
    if (!parent.object) {
      if (parent.slot === 'batch' && objectStart) return 'message';
      if (parent.slot === 'content' && objectStart) return 'contentItem';
      return 'ignored';
    }
    const key = parent.key;
    return (key === undefined ? undefined : SLOT_IN[parent.slot]?.[key]) ?? 'ignored';
  }

  private beginValue(objectStart = false): Slot {
    const slot = this.slotHere(objectStart);
    this.valueSlot = slot;
    const draft = this.draft;
    let keep = KEPT_BYTES[slot];
    if (slot === 'itemText' && draft !== undefined && draft.texts.length > 0)
      keep = Math.min(keep ?? 0, TEXT_BUDGET - draft.textBytes);
    this.kept = keep === undefined || keep <= 0 ? undefined : new Kept(keep);
    if (draft !== undefined && slot === 'result') draft.hasResult = true;
    if (draft !== undefined && slot === 'error') draft.hasError = true;
    return slot;
  }

  private beginString(): void {
    const parent = this.top;
    this.inString = true;
    this.isKey = parent?.object === true && parent.expectKey;
    // Only the keys of objects whose members the outline keeps are read.
    if (this.isKey)
      this.kept = SLOT_IN[parent?.slot ?? 'ignored'] === undefined ? undefined : this.keyBytes.reset();
    else this.beginValue();
  }

  private stringBytes(chunk: Buffer, start: number): number {
    const n = chunk.length;
    let i = start;
    if (this.escaped) {
      this.escaped = false;
      i += 1;
    }
    while (i < n) {
      const c = chunk[i];
      if (c === QUOTE) {
        this.kept?.add(chunk, start, i);
        this.endString();
        return i + 1;
      }
      if (c === BACKSLASH) {
        if (i + 1 >= n) {
          this.escaped = true;
          break;
        }
        i += 2;
      } else i += 1;
    }
    this.kept?.add(chunk, start, n);
    return n;
  }

  private endString(): void {
    this.inString = false;
    const kept = this.kept;
    this.kept = undefined;
    const parent = this.top;
    if (this.isKey) {
      if (parent !== undefined) {
        parent.key = kept === undefined || kept.cut ? undefined : kept.text();
        parent.expectKey = false;
      }
      return;
    }
    if (kept !== undefined) this.keepString(kept.text());
  }

  private literalBytes(chunk: Buffer, start: number): number {
    const n = chunk.length;
    let i = start;
    while (i < n) {
      const c = chunk[i] ?? 0;
      if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)
        break;
      i += 1;
    }
    this.kept?.add(chunk, start, i);
    if (i < n) {
      this.inLiteral = false;
      const kept = this.kept;
      this.kept = undefined;
      if (kept !== undefined) this.keepLiteral(kept.literal());
    }
    return i;
  }

  private keepString(text: string): void {
    const d = this.draft;
    const slot = this.valueSlot;
    if (d === undefined) return;
    if (slot === 'id') d.id = text;
    else if (slot === 'progressToken') d.progressToken = text;
    else if (slot === 'method') d.method = text;
    else if (slot === 'errorMessage') d.message = text;
    else if (slot === 'protocolVersion') d.protocolVersion = text;
    else if (slot === 'itemType') d.itemType = text;
    else if (slot === 'itemText') d.itemText = text;
  }

  private keepLiteral(literal: string): void {
    const d = this.draft;
    if (d === undefined) return;
    const number = Number(literal);
    if (this.valueSlot === 'id') d.id = literal === 'null' ? null : number;
    else if (this.valueSlot === 'progressToken') d.progressToken = number;
    else if (this.valueSlot === 'errorCode') d.code = number;
    else if (this.valueSlot === 'isError') d.isError = literal === 'true';
  }

  private open(object: boolean): void {
    const slot = this.beginValue(object);
    this.kept = undefined;
    if (slot === 'message')
      this.draft = { hasResult: false, hasError: false, isError: false, texts: [], textBytes: 0 };
    else if (slot === 'contentItem' && this.draft !== undefined) {
      this.draft.itemType = undefined;
      this.draft.itemText = undefined;
    }
    const batch = this.stack.length === 0 && !object;
    this.stack.push({ object, slot: batch ? 'batch' : slot, key: undefined, expectKey: object });
  }

  private close(): void {
    const frame = this.stack.pop();
    const d = this.draft;
    if (frame === undefined || d === undefined) return;
    if (frame.slot === 'contentItem' && d.itemType === 'text' && d.itemText !== undefined) {
      const bytes = Buffer.byteLength(d.itemText, 'utf8');
      if (d.textBytes + bytes <= TEXT_BUDGET || d.texts.length === 0) d.texts.push(d.itemText);
      d.textBytes += bytes;
    }
    if (frame.slot === 'message') {
      this.draft = undefined;
      const message = messageOf(d);
      if (message !== undefined && this.messages.length < MAX_MESSAGES) this.messages.push(message);
    }
  }

  private next(): void {
    const frame = this.top;
    if (frame?.object === true) {
      frame.expectKey = true;
      frame.key = undefined;
    }
  }
}

/** The message an outline stands for, with only the parts it kept. */
function messageOf(d: Draft): JSONRPCMessage | undefined {
  const id = d.id ?? null;
  if (d.method !== undefined) {
    const params = d.progressToken === undefined ? {} : { params: { progressToken: d.progressToken } };
    // safe because: a request's id is a string or number; a notification has none.
    if (d.id !== undefined) return { jsonrpc: '2.0', id: id as RequestId, method: d.method, ...params };
    return { jsonrpc: '2.0', method: d.method, ...params };
  }
  // safe because: JSON-RPC answers an unreadable request with a null id; the gateway matches none.
  const answerId = id as RequestId;
  if (d.hasError)
    return { jsonrpc: '2.0', id: answerId, error: { code: d.code ?? 0, message: d.message ?? '' } };
  if (!d.hasResult) return undefined;
  const result: Record<string, unknown> = {
    content: d.texts.map((text) => ({ type: 'text', text })),
  };
  if (d.isError) result.isError = true;
  if (d.protocolVersion !== undefined) result.protocolVersion = d.protocolVersion;
  return { jsonrpc: '2.0', id: answerId, result };
}

/** The id of the request a message answers; undefined for requests, notifications and null ids. */
export function answeredId(message: JSONRPCMessage): RequestId | undefined {
  if ('method' in message || !('id' in message)) return undefined;
  const id: unknown = message.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}
