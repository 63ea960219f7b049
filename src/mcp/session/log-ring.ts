/** A bounded buffer of recent stderr and supervisor lines, each also handed to `onLog`. */
import type { LogLine, SessionHooks } from '../../model/probe.js';

export const LOG_RING_SIZE = 500;
const MAX_LINE_CHARS = 4000;

export class LogRing {
  private readonly lines: LogLine[] = [];

  constructor(
    private readonly hooks: SessionHooks | undefined,
    private readonly capacity = LOG_RING_SIZE,
  ) {}

  push(stream: LogLine['stream'], text: string): void {
    const cut = text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text;
    const line: LogLine = { at: Date.now(), stream, line: this.hooks?.clean?.(cut) ?? cut };
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    try {
      this.hooks?.onLog?.(line);
    } catch {
      // A throwing observer must not break supervision.
    }
  }

  /** Oldest first; a copy. */
  recent(): LogLine[] {
    return this.lines.slice();
  }
}

/** Splits a byte stream into lines (LF or CRLF), keeping a partial last line until more arrives. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE_CHARS * 4) {
      parts.push(this.partial);
      this.partial = '';
    }
    for (const part of parts) this.emit(part);
  }

  /** Emits a trailing partial line, if any. */
  flush(): void {
    if (this.partial !== '') this.emit(this.partial);
    this.partial = '';
  }

  private emit(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.trim() !== '') this.onLine(line);
  }
}
