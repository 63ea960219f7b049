/**
 * Splits a stdio server's stdout into its lines, one JSON-RPC message each, holding at most the
 * limit of one line: a longer line is never gathered whole. Its bytes are read past for their
 * outline (the id of the request the line answers) and the line is reported as too large.
 */
import type { AnswerLimit } from '../../shared/answer-limit.js';
import type { RequestId } from '@modelcontextprotocol/client';
import { answeredId, JsonOutline } from '../../shared/json-outline.js';

const LF = 0x0a;

export class MessageLines {
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The outline of the line being dropped (it grew past the limit), until it says what it answers. */
  private dropping: JsonOutline | undefined;
  /** The rest of a dropped line already reported: its bytes are only looked through for its end. */
  private skipping = false;

  constructor(
    private readonly limit: AnswerLimit,
    private readonly onLine: (line: string) => void,
    /** A line over the limit: the ids of the requests it answered (reported as soon as they are known). */
    private readonly onTooLarge: (answered: RequestId[]) => void,
  ) {}

  write(chunk: Buffer): void {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(LF, from);
      this.add(chunk.subarray(from, newline === -1 ? chunk.length : newline));
      if (newline === -1) return;
      this.endLine();
      from = newline + 1;
    }
  }

  /** Ends a last line that had no line feed, if any. */
  flush(): void {
    if (this.heldBytes > 0 || this.dropping !== undefined || this.skipping) this.endLine();
  }

  private add(piece: Buffer): void {
    if (piece.length === 0 || this.skipping) return;
    if (this.dropping !== undefined) {
      this.dropping.push(piece);
      this.reportEarly();
      return;
    }
    this.held.push(piece);
    this.heldBytes += piece.length;
    if (this.heldBytes <= this.limit.bytes) return;
    const outline = new JsonOutline();
    for (const held of this.held) outline.push(held);
    this.dropping = outline;
    this.held = [];
    this.heldBytes = 0;
    this.reportEarly();
  }

  /** A single response's id is known: its request fails now, not after the rest of the line. */
  private reportEarly(): void {
    const id = this.dropping?.answerIdSoFar();
    if (id === undefined) return;
    this.dropping = undefined;
    this.skipping = true;
    this.onTooLarge([id]);
  }

  private endLine(): void {
    const dropped = this.dropping;
    this.dropping = undefined;
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (dropped !== undefined) {
      this.onTooLarge(dropped.messages.flatMap((m) => answeredId(m) ?? []));
      return;
    }
    const line = Buffer.concat(this.held, this.heldBytes).toString('utf8').replace(/\r$/, '');
    this.held = [];
    this.heldBytes = 0;
    if (line.trim() !== '') this.onLine(line);
  }
}
