import type { Logger } from 'pino';
import type { ServerState } from '../model/server.js';
import { checkRollupsRepo, type UptimeSpan } from '../store/check-rollups-repo.js';
import { checksRepo, type NewCheck } from '../store/checks-repo.js';
import type { Store } from '../store/open-store.js';
import { storeFullCause } from '../store/store-health.js';
import { eachInSavepoint, inTransaction, isRowError } from '../store/row-by-row.js';
import { serversRepo } from '../store/servers-repo.js';

const MAX_PENDING = 200_000;

/**
 * Buffers check rows and server states and writes them in one transaction per interval, so
 * that thousands of checks a minute cost a few writes a second. A crash loses at most the
 * last unflushed interval.
 */
export class CheckWriter {
  private checks: NewCheck[] = [];
  /** What each check adds to the uptime roll-ups, written with the checks (so the two never disagree). */
  private spans: UptimeSpan[] = [];
  private states = new Map<string, ServerState>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Check rows given up on while the store was unreachable for long (states are never dropped). */
  dropped = 0;
  /** Check rows and states the store refused for their data. */
  refused = 0;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  add(check: NewCheck, state: ServerState, span?: UptimeSpan): void {
    this.checks.push(check);
    if (span) this.spans.push(span);
    this.states.set(check.server_id, state);
  }

  saveState(serverId: string, state: ServerState): void {
    this.states.set(serverId, state);
  }

  forget(serverId: string): void {
    this.states.delete(serverId);
    this.checks = this.checks.filter((c) => c.server_id !== serverId);
    this.spans = this.spans.filter((s) => s.serverId !== serverId);
  }

  /** Writes what is buffered; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** One row the store refuses must not keep the others (and every later batch) out. */
  private async writeRowByRow(
    checks: NewCheck[],
    spans: UptimeSpan[],
    states: Map<string, ServerState>,
  ): Promise<void> {
    const refused = await inTransaction(this.store.db, async (trx) => {
      let bad = await eachInSavepoint(trx, checks, (t, c) => checksRepo.insertMany(t, [c]));
      bad += await eachInSavepoint(trx, spans, (t, s) => checkRollupsRepo.addSpans(t, [s]));
      return bad + (await eachInSavepoint(trx, [...states], (t, [id, s]) => serversRepo.saveState(t, id, s)));
    });
    this.refused += refused;
    this.log.warn({ refused }, 'writing checks: rows the store refused were dropped');
  }

  private async write(): Promise<void> {
    if (this.checks.length === 0 && this.spans.length === 0 && this.states.size === 0) return;
    const checks = this.checks;
    const spans = this.spans;
    const states = this.states;
    this.checks = [];
    this.spans = [];
    this.states = new Map();
    try {
      try {
        await this.store.db.transaction().execute(async (trx) => {
          await checksRepo.insertMany(trx, checks);
          await checkRollupsRepo.addSpans(trx, spans);
          for (const [id, state] of states) await serversRepo.saveState(trx, id, state);
        });
      } catch (err) {
        if (!isRowError(err)) throw err;
        await this.writeRowByRow(checks, spans, states);
      }
      this.store.health.succeeded();
    } catch (err) {
      // Keep them for the next try rather than lose them; the store may be back by then.
      this.checks = [...checks, ...this.checks];
      this.spans = [...spans, ...this.spans].slice(-MAX_PENDING);
      const excess = this.checks.length - MAX_PENDING;
      if (excess > 0) {
        this.checks.splice(0, excess);
        this.dropped += excess;
      }
      for (const [id, s] of states) if (!this.states.has(id)) this.states.set(id, s);
      const full = this.store.health.failed(err);
      this.log.error(
        {
          err: full ? storeFullCause(err) : (err as Error).message,
          pending: this.checks.length,
          dropped: this.dropped,
        },
        full
          ? 'writing checks failed: the store has no room; kept in memory'
          : 'writing checks failed; will retry',
      );
    }
  }
}
