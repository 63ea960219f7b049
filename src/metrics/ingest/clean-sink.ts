import type { Scrubber } from '../../shared/scrubber.js';
import { cleanText, mapStrings, textProblem } from '../../shared/text.js';
import type { RequestEvent, RequestEventSink } from '../../model/request-event.js';

const textFields = [
  'endpoint',
  'method',
  'clientName',
  'clientVersion',
  'protocolVersion',
  'sessionId',
  'requestId',
] as const;

/**
 * The first stop of every request event (gateway traffic and ingested reports): its text is made
 * safe to store and show before anything keeps it. NUL and lone surrogates become U+FFFD (a tool
 * named "evil\u0000tool" would otherwise fail every later PostgreSQL write of its batch), and an
 * error's message and data lose any secret an upstream echoed.
 */
export class CleanSink implements RequestEventSink {
  constructor(
    private readonly next: RequestEventSink,
    private readonly scrubber: Scrubber,
  ) {}

  record(event: RequestEvent): void {
    this.next.record(this.clean(event));
  }

  recordBatch(events: readonly RequestEvent[], raw?: Buffer): void {
    const clean = events.map((e) => this.clean(e));
    if (this.next.recordBatch) this.next.recordBatch(clean, raw);
    else for (const e of clean) this.next.record(e);
  }

  private clean(event: RequestEvent): RequestEvent {
    let e = event;
    for (const field of textFields) {
      const value = e[field];
      if (value !== null && textProblem(value) !== undefined) e = { ...e, [field]: cleanText(value) };
    }
    if (e.errorMessage !== null || e.errorData !== null) {
      const clean = (text: string): string => this.scrubber.scrub(cleanText(text));
      e = {
        ...e,
        errorMessage: e.errorMessage === null ? null : clean(e.errorMessage),
        errorData: e.errorData === null ? null : mapStrings(e.errorData, clean),
      };
    }
    return e;
  }
}
