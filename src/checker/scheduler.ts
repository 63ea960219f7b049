import { MinHeap } from './min-heap.js';

const LAG_SAMPLES = 65_536;

/** A stable fraction in [0, 1) from an id (FNV-1a). */
function phaseOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

/** The first time after `t` that falls on the slot `phase` of an `intervalMs` grid. */
function nextSlot(t: number, intervalMs: number, phase: number): number {
  return Math.floor((t - phase) / intervalMs + 1) * intervalMs + phase;
}

interface Entry {
  id: string;
  intervalMs: number;
  /** Offset of this id's slot within each interval, ms. */
  phase: number;
  due: number;
  /** Bumped on every (re)schedule; heap nodes of an older version are stale and skipped. */
  version: number;
  running: boolean;
}

export interface SchedulerOptions {
  /** How many checks may run at once. */
  concurrency: number;
  run: (id: string) => Promise<void>;
  now?: () => number;
}

/**
 * Runs each id's check on its interval at a fixed rate, each id on its own slot of the
 * interval so that thousands of servers do not probe in the same millisecond, with a
 * concurrency limit. One
 * timer serves all ids. A check still running at its next due time is not started twice.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly heap = new MinHeap<{ id: string; version: number }>();
  private readonly queue: Entry[] = [];
  private queueHead = 0;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  /** The newest schedule lags, a ring: recording one allocates nothing. */
  private readonly lags = new Float64Array(LAG_SAMPLES);
  private lagCount = 0;
  private readonly now: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * (Re)schedules an id. Its checks fall on a fixed slot of each interval — a phase derived
   * from the id, so the fleet is spread evenly over the interval and keeps its spread across
   * restarts. `soon` adds one first run within a moment (a new or re-enabled server), spread
   * over up to an interval when many come at once.
   */
  schedule(id: string, intervalMs: number, soon = false): void {
    const prev = this.entries.get(id);
    const now = this.now();
    const phase = phaseOf(id) * intervalMs;
    const spread = Math.min(intervalMs, 1000 + 2 * this.entries.size);
    const entry: Entry = {
      id,
      intervalMs,
      phase,
      due: soon ? now + Math.random() * spread : nextSlot(now, intervalMs, phase),
      version: (prev?.version ?? 0) + 1,
      running: prev?.running ?? false,
    };
    this.entries.set(id, entry);
    this.push(entry);
  }

  unschedule(id: string): void {
    this.entries.delete(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Schedule lag samples (ms between due time and start), up to the newest 65,536, the newest last; cleared on read. */
  takeLags(): number[] {
    const count = Math.min(this.lagCount, LAG_SAMPLES);
    const out: number[] = [];
    for (let i = this.lagCount - count; i < this.lagCount; i++) out.push(this.lags[i % LAG_SAMPLES] ?? 0);
    this.lagCount = 0;
    return out;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.entries.clear();
  }

  private push(entry: Entry): void {
    this.heap.push(entry.due, { id: entry.id, version: entry.version });
    this.arm();
  }

  private arm(): void {
    const next = this.heap.peekKey();
    if (next === undefined || this.stopped || next >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - this.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timerAt = Infinity;
    const now = this.now();
    while ((this.heap.peekKey() ?? Infinity) <= now) {
      const node = this.heap.pop();
      const entry = node && this.entries.get(node.id);
      if (!entry || entry.version !== node.version) continue;
      if (!entry.running) {
        entry.running = true;
        this.queue.push({ ...entry });
      }
      // The next slot at least half an interval away: on time, exactly one interval later;
      // after a stall, the missed runs are skipped instead of bursting.
      entry.due = nextSlot(now + entry.intervalMs / 2, entry.intervalMs, entry.phase);
      this.heap.push(entry.due, node);
    }
    this.drain();
    this.arm();
  }

  private drain(): void {
    while (this.running < this.options.concurrency && this.queueHead < this.queue.length) {
      const job = this.queue[this.queueHead++];
      if (!job) break;
      const entry = this.entries.get(job.id);
      if (!entry) continue;
      this.running++;
      this.lags[this.lagCount++ % LAG_SAMPLES] = this.now() - job.due;
      this.options
        .run(job.id)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          const current = this.entries.get(job.id);
          if (current) current.running = false;
          this.drain();
        });
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }
}
