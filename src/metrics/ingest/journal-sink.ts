import type { Logger } from 'pino';
import type { Db } from '../../store/tables.js';
import { flushLog } from '../aggregate/flush-log-repo.js';
import type { Journal } from './journal.js';
import type { RequestEvent, RequestEventSink } from '../../model/request-event.js';

/**
 * Journals every event before passing it on (see journal.ts): gateway traffic within the
 * journal's write period, an ingest batch at once, before the caller acknowledges it.
 */
export class JournalSink implements RequestEventSink {
  constructor(
    private readonly journal: Journal,
    private readonly next: RequestEventSink,
  ) {}

  record(event: RequestEvent): void {
    this.journal.add(event);
    this.next.record(event);
  }

  recordBatch(events: readonly RequestEvent[], raw?: Buffer): void {
    // Throws when they cannot be kept: then none is taken.
    if (raw === undefined) this.journal.append(events);
    else this.journal.appendIngest(raw);
    for (const e of events) this.next.record(e);
  }

  /**
   * Replays what a previous run journaled and did not commit, into this run (and its journal);
   * segments whose flush did commit are only deleted. Returns how many events were replayed.
   */
  async replay(db: Db, log: Logger): Promise<number> {
    let replayed = 0;
    for (const segment of this.journal.leftover()) {
      if (segment.flushId !== undefined && (await flushLog.has(db, segment.flushId))) {
        this.journal.forget(segment);
        continue;
      }
      const events = segment.events();
      for (const e of events) this.next.record(e);
      this.journal.carry(segment);
      replayed += events.length;
    }
    if (replayed > 0) log.info({ replayed }, 'request events journaled before a stop, now recorded');
    return replayed;
  }
}
