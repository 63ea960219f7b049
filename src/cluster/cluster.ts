import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../store/tables.js';
import { clusterRepo, type InstanceRow } from './cluster-repo.js';
import { ownerOf } from './rendezvous.js';

/** A job only the leader runs (alert evaluation, roll-ups, retention, federation polling): started, it returns its stop. */
export type LeaderJob = () => Promise<() => Promise<void> | void> | (() => Promise<void> | void);

/** What the leader's writes are fenced on: they go through only while this lease is still the current one. */
export interface LeaderFence {
  owner: string;
  epoch: number;
}

/** An instance as `GET /api/v1/cluster` shows it. */
export interface InstanceView {
  id: string;
  name: string;
  address: string;
  version: string;
  started_at: number;
  heartbeat_at: number;
  live: boolean;
  leader: boolean;
  self: boolean;
  servers: string[];
}

/** Where servers are probed and leader jobs run: one instance (SQLite) or a cluster on PostgreSQL. */
export interface Cluster {
  /** This instance's id (recorded on its checks). */
  readonly id: string;
  /** Whether several instances may share the store (PostgreSQL). */
  readonly shared: boolean;
  /** Whether this instance probes the server now. */
  holds(serverId: string): boolean;
  /** Whether this instance is the leader now (its lease has not run out by its own clock). */
  isLeader(): boolean;
  /** The lease a leader write must still hold (null: not the leader; `undefined` owner means no fencing, one instance). */
  fence(): LeaderFence | null;
  /**
   * Runs `job` on the leader only: started when this instance becomes the leader (at once on a
   * single instance), stopped when it stops being it. For any part: `name` is for logs.
   */
  whileLeader(name: string, job: LeaderJob): void;
  /**
   * Asks for the server's lease now rather than at the next heartbeat (a server just added, or
   * checked on demand): resolves once a heartbeat ran; the lease is ours if hashing gives it to us.
   */
  claimSoon(serverId: string): Promise<void>;
  /** The address this instance serves on, for the list. */
  listeningAt(url: string): void;
  start(): Promise<void>;
  /** Stops leader jobs and leaves: its leases go to the others at once. */
  stop(): Promise<void>;
  instances(): Promise<InstanceView[]>;
}

interface Job {
  name: string;
  job: LeaderJob;
  stop: (() => Promise<void> | void) | undefined;
}

/** Starts and stops the leader's jobs as leadership comes and goes; each start and stop in turn. */
class LeaderJobs {
  private readonly jobs: Job[] = [];
  private running = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly log: Logger) {}

  add(name: string, job: LeaderJob): void {
    const entry: Job = { name, job, stop: undefined };
    this.jobs.push(entry);
    if (this.running) this.chain = this.chain.then(() => this.startOne(entry));
  }

  set(leader: boolean): Promise<void> {
    if (leader === this.running) return this.chain;
    this.running = leader;
    this.chain = this.chain.then(async () => {
      if (leader) for (const j of this.jobs) await this.startOne(j);
      else for (const j of [...this.jobs].reverse()) await this.stopOne(j);
    });
    return this.chain;
  }

  private async startOne(j: Job): Promise<void> {
    if (!this.running || j.stop) return;
    try {
      j.stop = await j.job();
    } catch (err) {
      this.log.error({ err, job: j.name }, 'a leader job failed to start');
    }
  }

  private async stopOne(j: Job): Promise<void> {
    const stop = j.stop;
    j.stop = undefined;
    try {
      await stop?.();
    } catch (err) {
      this.log.error({ err, job: j.name }, 'a leader job failed to stop');
    }
  }
}

/** SQLite: one instance per store (a lock file sees to it); it probes every server and leads. */
export class SingleInstance implements Cluster {
  readonly id = randomUUID();
  readonly shared = false;
  private readonly jobs: LeaderJobs;
  private address = '';
  private readonly startedAt = Date.now();

  constructor(
    private readonly deps: {
      log: Logger;
      version: string;
      name?: string | undefined;
      serverIds: () => string[];
    },
  ) {
    this.jobs = new LeaderJobs(deps.log);
  }

  holds(): boolean {
    return true;
  }
  isLeader(): boolean {
    return true;
  }
  fence(): LeaderFence | null {
    return { owner: '', epoch: 0 };
  }
  whileLeader(name: string, job: LeaderJob): void {
    this.jobs.add(name, job);
  }
  claimSoon(): Promise<void> {
    return Promise.resolve();
  }
  listeningAt(url: string): void {
    this.address = url;
  }
  start(): Promise<void> {
    return this.jobs.set(true);
  }
  stop(): Promise<void> {
    return this.jobs.set(false);
  }
  instances(): Promise<InstanceView[]> {
    const now = Date.now();
    return Promise.resolve([
      {
        id: this.id,
        name: this.deps.name ?? `${hostname()}:${process.pid}`,
        address: this.address,
        version: this.deps.version,
        started_at: this.startedAt,
        heartbeat_at: now,
        live: true,
        leader: true,
        self: true,
        servers: this.deps.serverIds(),
      },
    ]);
  }
}

export interface SharedClusterDeps {
  db: Db;
  log: Logger;
  version: string;
  name?: string | undefined;
  /** `cluster_heartbeat_interval`, ms. */
  heartbeatMs: number;
  /** Every server's id (the registry's). */
  serverIds: () => string[];
  /** Told the servers this instance took (`soon`: their owner died, check at once) and let go. */
  onLeases: { hold(ids: string[], soon: boolean): void; release(ids: string[]): void };
  /** Runs after each heartbeat (the others' findings are read then). */
  afterBeat?: () => Promise<void>;
}

/**
 * Several instances on one PostgreSQL (DESIGN §13). Every heartbeat interval each instance:
 * refreshes its row in `instances`; takes or renews the leader lease (an epoch bumped at each
 * change of hands fences the leader's writes); takes the leases of the servers that rendezvous
 * hashing over the live instances gives it — new ones, a dead owner's, and on a join those that
 * now hash to it from a live owner — and renews the rest it holds. An instance whose lease
 * another took sees it at its next heartbeat and stops probing the server: so a hand-over has
 * no gap (the new owner probes from its claim on, on the same slot of the interval) and both
 * probe at most during one heartbeat interval. A lease lasts 3 heartbeats; an instance that cannot
 * renew stops probing and leading itself before its leases run out (by its own clock, with a
 * margin), and the others take over within two lease periods of its last heartbeat.
 */
export class SharedCluster implements Cluster {
  readonly id = randomUUID();
  readonly shared = true;
  private readonly name: string;
  private address = '';
  private readonly startedAt = Date.now();
  private held = new Set<string>();
  private heldUntil = 0;
  private leaderUntil = 0;
  private epoch = 0;
  private leaderId = '';
  private readonly jobs: LeaderJobs;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopped = false;
  private beating: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(private readonly deps: SharedClusterDeps) {
    this.name = deps.name ?? `${hostname()}:${process.pid}`;
    this.jobs = new LeaderJobs(deps.log);
  }

  private get leaseMs(): number {
    return 3 * this.deps.heartbeatMs;
  }

  holds(serverId: string): boolean {
    return this.held.has(serverId);
  }

  isLeader(): boolean {
    return Date.now() < this.leaderUntil;
  }

  fence(): LeaderFence | null {
    return this.isLeader() ? { owner: this.id, epoch: this.epoch } : null;
  }

  whileLeader(name: string, job: LeaderJob): void {
    this.jobs.add(name, job);
  }

  listeningAt(url: string): void {
    this.address = url;
  }

  claimSoon(serverId: string): Promise<void> {
    if (this.held.has(serverId) || this.stopped) return Promise.resolve();
    return this.beatNext();
  }

  /** A heartbeat after the one under way, if any: they never overlap, and asks meanwhile share one. */
  private beatNext(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.beating.then(() => {
      this.queued = undefined;
      return this.beat();
    });
    this.queued = next;
    this.beating = next;
    return next;
  }

  async start(): Promise<void> {
    await this.beatNext();
    this.schedule();
    // Between heartbeats: a lease run out by our own clock (the store unreachable) stops the work.
    this.watchdog = setInterval(() => this.expire(), Math.max(50, this.deps.heartbeatMs / 4));
    this.watchdog.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    await this.beating;
    this.leaderUntil = 0;
    await this.jobs.set(false);
    const lost = [...this.held];
    this.held = new Set();
    this.deps.onLeases.release(lost);
    await clusterRepo
      .leave(this.deps.db, this.id)
      .catch((err: unknown) => this.deps.log.warn({ err }, 'leaving the cluster failed'));
  }

  async instances(): Promise<InstanceView[]> {
    const db = this.deps.db;
    const [rows, leases, leader] = await Promise.all([
      clusterRepo.instances(db, this.leaseMs),
      clusterRepo.leases(db),
      clusterRepo.leaderView(db),
    ]);
    const byOwner = new Map<string, string[]>();
    for (const l of leases) {
      const list = byOwner.get(l.owner) ?? [];
      list.push(l.server_id);
      byOwner.set(l.owner, list);
    }
    return rows.map((r: InstanceRow & { live: boolean }) => ({
      ...r,
      leader: leader.live && leader.owner === r.id,
      self: r.id === this.id,
      servers: (byOwner.get(r.id) ?? []).sort(),
    }));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.beatNext().finally(() => this.schedule());
    }, this.deps.heartbeatMs);
    this.timer.unref();
  }

  private expire(): void {
    const now = Date.now();
    if (this.held.size > 0 && now >= this.heldUntil) {
      this.deps.log.warn(
        { servers: this.held.size },
        'leases not renewed in time: this instance stops probing',
      );
      const lost = [...this.held];
      this.held = new Set();
      this.deps.onLeases.release(lost);
    }
    if (this.leaderUntil !== 0 && now >= this.leaderUntil) {
      this.leaderUntil = 0;
      this.deps.log.warn('leader lease not renewed in time: leader jobs stop');
      void this.jobs.set(false);
    }
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    const startedLocal = Date.now();
    // The lease as the store counts it started no earlier than now; a margin for the round trips.
    const until = startedLocal + this.leaseMs - this.deps.heartbeatMs / 2;
    const db = this.deps.db;
    try {
      await clusterRepo.heartbeat(db, {
        id: this.id,
        name: this.name,
        address: this.address,
        version: this.deps.version,
        started_at: this.startedAt,
      });
      const live = (await clusterRepo.instances(db, this.leaseMs)).filter((i) => i.live).map((i) => i.id);
      if (!live.includes(this.id)) live.push(this.id);
      const leader = await clusterRepo.claimLeader(db, this.id, this.leaseMs);
      const wasLeader = this.isLeader();
      if (leader.owner === this.id) {
        this.epoch = leader.epoch;
        this.leaderUntil = until;
      } else this.leaderUntil = 0;
      if (leader.owner !== this.leaderId) {
        this.leaderId = leader.owner;
        if (leader.owner === this.id) this.deps.log.info({ epoch: leader.epoch }, 'this instance leads');
      }
      const leases = new Map((await clusterRepo.leases(db)).map((l) => [l.server_id, l.owner]));
      const mine = this.deps
        .serverIds()
        .filter((s) => ownerOf(s, live) === this.id && leases.get(s) !== this.id);
      await clusterRepo.claim(db, this.id, mine, this.leaseMs);
      const held = new Set(await clusterRepo.renew(db, this.id, this.leaseMs));
      if (this.stopped) return;
      this.heldUntil = until;
      const liveSet = new Set(live);
      const fromDead: string[] = [];
      const handedOver: string[] = [];
      for (const id of held)
        if (!this.held.has(id)) {
          const before = leases.get(id);
          (before !== undefined && before !== this.id && liveSet.has(before) ? handedOver : fromDead).push(
            id,
          );
        }
      const lost = [...this.held].filter((id) => !held.has(id));
      this.held = held;
      if (lost.length > 0) this.deps.onLeases.release(lost);
      if (fromDead.length > 0) this.deps.onLeases.hold(fromDead, true);
      if (handedOver.length > 0) this.deps.onLeases.hold(handedOver, false);
      if (lost.length + fromDead.length + handedOver.length > 0)
        this.deps.log.info(
          { held: held.size, taken: fromDead.length, handed_over: handedOver.length, released: lost.length },
          'server leases changed',
        );
      if (this.isLeader() !== wasLeader || this.isLeader()) await this.jobs.set(this.isLeader());
      if (this.isLeader()) await clusterRepo.dropOrphans(db);
      await this.deps.afterBeat?.();
    } catch (err) {
      this.deps.log.error({ err }, 'cluster heartbeat failed');
      this.expire();
    }
  }
}
