/**
 * One loop per peer: reads its summary every `federation_poll_interval`, keeps the link's health
 * (last success, poll latency, consecutive failures, last error) and the peer's status. A peer is
 * `unreachable` after `health_check_retries` failed polls in a row; while it stays so, polls back
 * off (doubling, at most 8 intervals, jittered) so that dead peers cost little, and the first
 * answer makes it healthy (or degraded) again.
 */
import type { FederationSummary, InstanceStatus } from '../model/peer.js';
import { statusOfFigures } from './compose.js';
import { fetchSummary, PollError } from './fetch-summary.js';
import type { PeerTarget } from './peers.js';

export interface LinkHealth {
  last_success: number | null;
  latency_ms: number | null;
  consecutive_failures: number;
  last_error: string | null;
}

/** What the hub knows of one peer. */
export interface PeerState {
  target: PeerTarget;
  status: InstanceStatus;
  link: LinkHealth;
  /** Its latest summary (kept while it is unreachable: the last figures known). */
  summary: FederationSummary | null;
}

export interface PollerOptions {
  intervalMs: number;
  /** Failed polls in a row that make a peer unreachable (`health_check_retries`). */
  retries: number;
  timeoutMs?: number;
  /** Told when a peer's status changes. */
  onStatus: (state: PeerState, previous: InstanceStatus) => void;
  /** Told after every successful poll. */
  onSummary: (state: PeerState) => void;
  /** The id of this instance: a peer that is this instance itself (a loop) is refused. */
  selfId: () => string;
  random?: () => number;
}

/** Most backoff, in intervals. */
const MAX_BACKOFF = 8;

class PeerLoop {
  readonly state: PeerState;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(
    target: PeerTarget,
    private readonly options: PollerOptions,
  ) {
    this.state = {
      target,
      status: 'unknown',
      link: { last_success: null, latency_ms: null, consecutive_failures: 0, last_error: null },
      summary: null,
    };
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => {
        this.running = null;
        this.schedule(this.nextDelay());
      });
    }, delayMs);
    this.timer.unref();
  }

  /** The interval; once unreachable, doubling per failed poll past the count, jittered ±20 %. */
  private nextDelay(): number {
    const { intervalMs, retries } = this.options;
    const over = Math.max(0, this.state.link.consecutive_failures - retries + 1);
    const factor = over === 0 ? 1 : Math.min(MAX_BACKOFF, 2 ** over);
    const jitter = 0.8 + 0.4 * (this.options.random ?? Math.random)();
    return over === 0 ? intervalMs : intervalMs * factor * jitter;
  }

  private async poll(): Promise<void> {
    const { target } = this.state;
    const started = performance.now();
    try {
      const summary = await fetchSummary(
        target.url,
        target.token,
        this.options.timeoutMs ?? Math.min(10_000, Math.max(3_000, this.options.intervalMs)),
      );
      if (summary.instance.id === this.options.selfId())
        throw new PollError('the peer is this instance itself (its URL points back here)');
      if (this.stopped) return;
      const link = this.state.link;
      link.last_success = Date.now();
      link.latency_ms = Math.round((performance.now() - started) * 10) / 10;
      link.consecutive_failures = 0;
      link.last_error = null;
      this.state.summary = summary;
      this.setStatus(statusOfFigures(summary));
      this.options.onSummary(this.state);
    } catch (err) {
      if (this.stopped) return;
      const link = this.state.link;
      link.consecutive_failures++;
      link.latency_ms = null;
      link.last_error = err instanceof PollError ? err.message : String(err).slice(0, 500);
      if (link.consecutive_failures >= this.options.retries) this.setStatus('unreachable');
    }
  }

  private setStatus(next: InstanceStatus): void {
    const previous = this.state.status;
    if (previous === next) return;
    this.state.status = next;
    this.options.onStatus(this.state, previous);
  }
}

/** The loops of every enabled peer; `sync` starts, restarts (changed URL or token) and ends them. */
export class Poller {
  private readonly loops = new Map<string, PeerLoop>();

  constructor(private readonly options: PollerOptions) {}

  sync(targets: readonly PeerTarget[]): Promise<void> {
    const wanted = new Map(targets.map((t) => [t.id, t]));
    const ending: Promise<void>[] = [];
    for (const [id, loop] of this.loops) {
      const t = wanted.get(id);
      if (t && sameTarget(t, loop.state.target)) {
        loop.state.target = t; // its name may have changed
        wanted.delete(id);
        continue;
      }
      this.loops.delete(id);
      ending.push(loop.stop());
    }
    for (const t of wanted.values()) {
      const loop = new PeerLoop(t, this.options);
      this.loops.set(t.id, loop);
      loop.start();
    }
    return Promise.all(ending).then(() => undefined);
  }

  states(): PeerState[] {
    return [...this.loops.values()].map((l) => l.state);
  }

  state(id: string): PeerState | undefined {
    return this.loops.get(id)?.state;
  }

  async stop(): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((l) => l.stop()));
  }
}

const sameTarget = (a: PeerTarget, b: PeerTarget): boolean => a.url === b.url && a.token === b.token;
