import type { RequestEvent, RequestEventSink } from '../../model/request-event.js';

/** Hands each event to every sink; one failing sink never stops the others or the caller. */
export class FanoutSink implements RequestEventSink {
  failures = 0;

  constructor(private readonly sinks: RequestEventSink[]) {}

  record(event: RequestEvent): void {
    for (const sink of this.sinks) {
      try {
        sink.record(event);
      } catch {
        this.failures++;
      }
    }
  }
}
