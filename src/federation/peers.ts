/**
 * The peers this instance polls: from the config file (read-only here, as config servers are)
 * and from the API, kept in the store with their token sealed, and in memory. A token is never
 * shown: the view says only whether one is set.
 */
import type { PeerInput, PeerPatch } from '../model/peer.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Scrubber } from '../shared/scrubber.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import { slugify } from '../shared/slug.js';
import type { Db } from '../store/tables.js';
import { peersRepo, type PeerRow } from './peers-repo.js';

/** A peer as the API shows it. */
export interface PeerView {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  /** Whether a token is stored (never the token itself). */
  has_token: boolean;
  source: 'config' | 'api';
  created_at: number;
  updated_at: number;
}

/** A peer as the poller needs it: its token opened. */
export interface PeerTarget {
  id: string;
  name: string;
  url: string;
  token: string;
}

/** Whether a stored row's (sealed) token is a token or empty, told when the row is kept. */
const hasToken = new WeakMap<PeerRow, boolean>();

/** Most peers one instance polls. */
export const MAX_PEERS = 1000;

export class Peers {
  private readonly peers = new Map<string, PeerRow>();

  constructor(
    private readonly deps: {
      db: Db;
      secrets: SecretBox;
      scrubber: Scrubber;
      /** Told after every change (the poller restarts that peer's loop). */
      changed: () => void;
    },
  ) {}

  /** Reads the stored peers, then makes the config file's exactly those of the file. */
  async load(fromConfig: readonly PeerInput[]): Promise<void> {
    for (const row of await peersRepo.list(this.deps.db)) this.keep(row);
    const declared = new Set<string>();
    const now = Date.now();
    for (const input of fromConfig) {
      const existing = [...this.peers.values()].find((p) => p.name === input.name);
      const id = existing?.id ?? this.freeId(input.name);
      declared.add(id);
      const row: PeerRow = {
        id,
        ...input,
        token: this.deps.secrets.seal(input.token),
        source: 'config',
        created_at: existing?.created_at ?? now,
        updated_at: now,
      };
      if (existing) await peersRepo.update(this.deps.db, row);
      else await peersRepo.insert(this.deps.db, row);
      this.keep(row);
    }
    for (const p of [...this.peers.values()])
      if (p.source === 'config' && !declared.has(p.id)) await this.remove(p.id);
  }

  list(): PeerView[] {
    return [...this.peers.values()].map(view).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): PeerView {
    return view(this.row(id));
  }

  /** The enabled peers, tokens opened, for the poller. */
  targets(): PeerTarget[] {
    return [...this.peers.values()]
      .filter((p) => p.enabled)
      .map((p) => ({ id: p.id, name: p.name, url: p.url, token: this.deps.secrets.open(p.token) }));
  }

  /** One peer's target (enabled or not), for the drill-in proxy. */
  target(id: string): PeerTarget {
    const p = this.row(id);
    return { id: p.id, name: p.name, url: p.url, token: this.deps.secrets.open(p.token) };
  }

  async create(input: PeerInput): Promise<PeerView> {
    if (this.peers.size >= MAX_PEERS) throw new AppError('conflict', `at most ${MAX_PEERS} peers`);
    this.assertFreeName(input.name);
    const now = Date.now();
    const row: PeerRow = {
      id: this.freeId(input.name),
      ...input,
      token: this.deps.secrets.seal(input.token),
      source: 'api',
      created_at: now,
      updated_at: now,
    };
    await peersRepo.insert(this.deps.db, row);
    this.keep(row);
    this.deps.changed();
    return view(row);
  }

  async update(id: string, patch: PeerPatch): Promise<PeerView> {
    const existing = this.editable(id);
    if (patch.name !== undefined && patch.name !== existing.name) this.assertFreeName(patch.name);
    const { token, ...fields } = patch;
    const row: PeerRow = {
      ...existing,
      ...fields,
      ...(token === undefined ? {} : { token: this.deps.secrets.seal(token) }),
      updated_at: Date.now(),
    };
    await peersRepo.update(this.deps.db, row);
    this.keep(row);
    this.deps.changed();
    return view(row);
  }

  async delete(id: string): Promise<void> {
    this.editable(id);
    await this.remove(id);
    this.deps.changed();
  }

  private async remove(id: string): Promise<void> {
    await peersRepo.delete(this.deps.db, id);
    this.peers.delete(id);
    this.deps.scrubber.delete(`peer:${id}`);
  }

  private keep(row: PeerRow): void {
    this.peers.set(row.id, row);
    const token = this.deps.secrets.open(row.token);
    hasToken.set(row, token !== '');
    this.deps.scrubber.set(`peer:${row.id}`, token ? [token] : []);
  }

  private row(id: string): PeerRow {
    const p = this.peers.get(id);
    if (!p) throw notFound('peer', id);
    return p;
  }

  private editable(id: string): PeerRow {
    const p = this.row(id);
    if (p.source === 'config')
      throw new AppError('conflict', `peer "${p.name}" is declared in the config file; change it there`);
    return p;
  }

  private assertFreeName(name: string): void {
    for (const p of this.peers.values())
      if (p.name.toLowerCase() === name.toLowerCase())
        throw new AppError('conflict', `a peer named "${name}" exists already`);
  }

  private freeId(name: string): string {
    const base = slugify(name);
    let id = base;
    for (let n = 2; this.peers.has(id); n++) id = `${base}-${n}`;
    return id;
  }
}

const view = (p: PeerRow): PeerView => ({
  id: p.id,
  name: p.name,
  url: p.url,
  enabled: p.enabled,
  has_token: hasToken.get(p) ?? false,
  source: p.source,
  created_at: p.created_at,
  updated_at: p.updated_at,
});
