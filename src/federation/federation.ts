/**
 * Federation (DESIGN §6): this instance's peers, the poller reading their summaries, the summary
 * this instance serves (its own part and every part its peers cover), the federated view and
 * the cross-instance series.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ErrorsService } from '../errors/index.js';
import { newSketch } from '../metrics/index.js';
import type {
  FederationMetric,
  FederationSummary,
  InstancePart,
  InstanceStatus,
  PeerInput,
  ServersByStatus,
} from '../model/peer.js';
import type { ServerRecord } from '../model/server.js';
import type { Bus } from '../shared/bus.js';
import type { Scrubber } from '../shared/scrubber.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import type { Db } from '../store/tables.js';
import {
  addBase64,
  emptyByStatus,
  mergeErrors,
  percentiles,
  statusOfFigures,
  summaryOf,
  totalsOf,
  unionOfParts,
  type MergedError,
} from './compose.js';
import { readLocalPart } from './local-part.js';
import { Peers } from './peers.js';
import { peersRepo } from './peers-repo.js';
import { PollHistory } from './poll-history.js';
import { Poller, type LinkHealth, type PeerState } from './poller.js';

export interface FederationDeps {
  db: Db;
  secrets: SecretBox;
  scrubber: Scrubber;
  bus: Bus;
  log: Logger;
  version: string;
  settings: {
    instance_name?: string | undefined;
    federation_poll_interval: number;
    health_check_retries: number;
    federation_peers: readonly PeerInput[];
  };
  servers: () => ServerRecord[];
  activeAlerts: () => Promise<{ severity: string | null }[]>;
  errors: Pick<ErrorsService, 'list'>;
  /** Where people reach this instance (its card's URL). */
  publicUrl: () => string;
}

/** One instance of the federated view. */
export interface InstanceView {
  /** The peer's id (its drill-in path), or this instance's id for the local one. */
  id: string;
  /** The instance's own id, once known. */
  instance_id: string | null;
  name: string;
  url: string;
  local: boolean;
  status: InstanceStatus;
  /** Null for the local instance. */
  link: LinkHealth | null;
  servers_by_status: ServersByStatus;
  rps: number | null;
  error_rate: number | null;
  p95: number | null;
  /** Instances its figures cover (a hub's peers with it), 1 for a leaf. */
  covers: number;
}

export interface FederatedView {
  instances: InstanceView[];
  totals: {
    servers_by_status: ServersByStatus;
    rps: number;
    error_rate: number | null;
    p50: number | null;
    p95: number | null;
    p99: number | null;
    /** Distinct instances the totals cover (each once however many paths lead to it). */
    instances: number;
  };
  errors: MergedError[];
}

/** How long this instance's own figures are reused (many hubs polling read them once). */
const LOCAL_CACHE_MS = 1_000;
const FLEET = '\u0000fleet';

export class Federation {
  readonly peers: Peers;
  private readonly poller: Poller;
  private readonly history = new PollHistory();
  private instanceId = '';
  private local: { at: number; part: Promise<InstancePart> } | null = null;
  private sampler: NodeJS.Timeout | null = null;

  constructor(private readonly deps: FederationDeps) {
    const intervalMs = deps.settings.federation_poll_interval * 1000;
    this.peers = new Peers({
      db: deps.db,
      secrets: deps.secrets,
      scrubber: deps.scrubber,
      changed: () => void this.poller.sync(this.peers.targets()),
    });
    this.poller = new Poller({
      intervalMs,
      retries: deps.settings.health_check_retries,
      selfId: () => this.instanceId,
      onStatus: (state, previous) => {
        deps.log.info(
          { peer: state.target.id, status: state.status, previous, error: state.link.last_error },
          'federation peer status changed',
        );
        deps.bus.emit(
          'peer.status',
          { id: state.target.id, name: state.target.name, status: state.status },
          previous,
        );
      },
      onSummary: (state) => {
        if (state.summary)
          this.history.add(state.target.id, pointOf(state.summary, state.link.last_success ?? Date.now()));
      },
    });
  }

  get name(): string {
    return this.deps.settings.instance_name ?? hostname();
  }

  get id(): string {
    return this.instanceId;
  }

  async start(): Promise<void> {
    this.instanceId = await peersRepo.instanceId(this.deps.db, Date.now());
    await this.peers.load(this.deps.settings.federation_peers);
    await this.poller.sync(this.peers.targets());
    this.sampler = setInterval(() => void this.sample(), this.deps.settings.federation_poll_interval * 1000);
    this.sampler.unref();
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    await this.poller.stop();
  }

  /** This instance's own figures, read at most once a second. */
  private localPart(): Promise<InstancePart> {
    const now = Date.now();
    if (this.local && now - this.local.at < LOCAL_CACHE_MS) return this.local.part;
    const part = readLocalPart(
      {
        db: this.deps.db,
        instance: () => ({ id: this.instanceId, name: this.name, version: this.deps.version }),
        servers: this.deps.servers,
        activeAlerts: this.deps.activeAlerts,
        errors: this.deps.errors,
      },
      now,
    );
    this.local = { at: now, part };
    part.catch(() => {
      if (this.local?.part === part) this.local = null;
    });
    return part;
  }

  /** Every part known: this instance's, and those of the peers that answer (each instance once). */
  private async parts(): Promise<Map<string, InstancePart>> {
    const own = await this.localPart();
    const lists: InstancePart[][] = [];
    for (const s of this.poller.states())
      if (s.summary && s.status !== 'unreachable')
        // A part claiming to be this instance (a loop through a higher hub) is never taken.
        lists.push(s.summary.parts.filter((p) => p.instance.id !== this.instanceId));
    return unionOfParts([[own], ...lists]);
  }

  /** `GET /api/v1/federation/summary`: this instance and every instance its peers cover, each once. */
  async summary(): Promise<FederationSummary> {
    return summaryOf(
      { id: this.instanceId, name: this.name, version: this.deps.version },
      await this.parts(),
    );
  }

  /** `GET /api/v1/federation`: every instance, fleet totals, errors merged by fingerprint. */
  async view(): Promise<FederatedView> {
    const own = await this.localPart();
    const parts = await this.parts();
    const totals = totalsOf(parts.values(), { hour: false });
    const ownSketch = newSketch();
    addBase64(ownSketch, own.sketch_5m);
    const local: InstanceView = {
      id: this.instanceId,
      instance_id: this.instanceId,
      name: this.name,
      url: this.deps.publicUrl(),
      local: true,
      status: statusOfFigures(own),
      link: null,
      servers_by_status: own.servers_by_status,
      rps: own.rps,
      error_rate: own.requests > 0 ? (own.errors / own.requests) * 100 : null,
      p95: percentiles(ownSketch).p95,
      covers: 1,
    };
    const peers = this.peers.list().map((peer): InstanceView => {
      const s = this.poller.state(peer.id);
      const summary = s?.summary ?? null;
      return {
        id: peer.id,
        instance_id: summary?.instance.id ?? null,
        name: peer.name,
        url: peer.url,
        local: false,
        status: peer.enabled ? (s?.status ?? 'unknown') : 'unknown',
        link: s?.link ?? { last_success: null, latency_ms: null, consecutive_failures: 0, last_error: null },
        servers_by_status: summary?.servers_by_status ?? emptyByStatus(),
        rps: summary?.rps ?? null,
        error_rate: summary?.error_rate ?? null,
        p95: summary?.latency.p95 ?? null,
        covers: summary?.parts.length ?? 0,
      };
    });
    return {
      instances: [local, ...peers],
      totals: {
        servers_by_status: totals.servers_by_status,
        rps: totals.rps,
        error_rate: totals.error_rate,
        ...percentiles(totals.sketch5m),
        instances: parts.size,
      },
      errors: mergeErrors(parts.values()).slice(0, 50),
    };
  }

  /** `GET /api/v1/federation/metrics`: one metric per instance (and the fleet) over [from, to). */
  metrics(metric: FederationMetric, from: number, to: number) {
    const peers = this.peers.list();
    return {
      metric,
      series: [
        {
          id: this.instanceId,
          name: this.name,
          local: true,
          points: this.history.series(this.instanceId, metric, from, to),
        },
        ...peers.map((p) => ({
          id: p.id,
          name: p.name,
          local: false,
          points: this.history.series(p.id, metric, from, to),
        })),
      ],
      fleet: this.history.series(FLEET, metric, from, to),
    };
  }

  /** The peers as alert subjects: whether each is unreachable now (null: not polled yet). */
  peerLinks(): { id: string; name: string; unreachable: boolean | null }[] {
    return this.peers
      .list()
      .filter((p) => p.enabled)
      .map((p) => {
        const status = this.poller.state(p.id)?.status ?? 'unknown';
        return {
          id: p.id,
          name: p.name,
          unreachable: status === 'unknown' ? null : status === 'unreachable',
        };
      });
  }

  /** A peer's state in the poller, for the drill-in proxy. */
  peerState(id: string): PeerState | undefined {
    return this.poller.state(id);
  }

  /** This instance's own point and the fleet's, at each poll interval. */
  private async sample(): Promise<void> {
    try {
      const own = await this.localPart();
      const ownSketch = newSketch();
      addBase64(ownSketch, own.sketch_5m);
      this.history.add(this.instanceId, {
        t: own.at,
        rps: own.rps,
        error_rate: own.requests > 0 ? (own.errors / own.requests) * 100 : null,
        ...percentiles(ownSketch),
      });
      const totals = totalsOf((await this.parts()).values(), { hour: false });
      this.history.add(FLEET, {
        t: own.at,
        rps: totals.rps,
        error_rate: totals.error_rate,
        ...percentiles(totals.sketch5m),
      });
    } catch (err) {
      this.deps.log.warn(
        { err: (err as Error).message },
        "federation: this instance's figures could not be read",
      );
    }
  }
}

const pointOf = (s: FederationSummary, t: number) => ({
  t,
  rps: s.rps,
  error_rate: s.error_rate,
  p50: s.latency.p50,
  p95: s.latency.p95,
  p99: s.latency.p99,
});
