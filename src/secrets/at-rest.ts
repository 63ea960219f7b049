import { sql } from 'kysely';
import type { Logger } from 'pino';
import { resealChannelSecrets } from '../alerts/index.js';
import { resealPeerSecrets } from '../federation/index.js';
import type { Store } from '../store/open-store.js';
import { serversRepo } from '../store/servers-repo.js';
import type { Db } from '../store/tables.js';
import type { ResealPage } from '../shared/secrets/reseal-page.js';
import type { SecretBox } from '../shared/secrets/secret-box.js';
import { loadSecretKeys, type KeySettings } from '../shared/secrets/secret-key.js';

/** Values sealed anew, by table. */
export interface SealCounts {
  servers: number;
  channels: number;
  peers: number;
}

export const sealedValues = (c: SealCounts): number => c.servers + c.channels + c.peers;

const PAGE = 500;
/** PostgreSQL advisory lock held while sealing: two monitors starting on one store take turns. */
const PG_LOCK = 4_242_018;

/** Runs one unit of work in a transaction (its own, or the one every page shares). */
type InTransaction = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

/**
 * At start: opens the key, then seals every secret of the store not sealed with it (plaintext
 * of a store written before encryption, or values of an interrupted rotation), a page of rows
 * per transaction, so it is resumable and idempotent. A value sealed with an unknown key stops
 * the start with an error naming both key ids.
 */
export async function openSecrets(settings: KeySettings, store: Store, log: Logger): Promise<SecretBox> {
  const keys = loadSecretKeys(settings);
  log.info(
    { key_id: keys.box.current.id, key: keys.source },
    'secrets in the store are encrypted with this key',
  );
  const counts = await resealTables(
    (work) => store.db.transaction().execute(async (trx) => work(await locked(store, trx))),
    keys.box,
  );
  if (sealedValues(counts) > 0) {
    const started = Date.now();
    await wipeOldCopies(store);
    log.info(
      { values: sealedValues(counts), ...counts, store_rewrite_ms: Date.now() - started },
      'secrets found unencrypted or under an older key, now encrypted',
    );
  }
  if (keys.finishRotation) {
    keys.finishRotation();
    log.info({ key_id: keys.box.current.id }, 'an interrupted key rotation is finished');
  }
  return keys.box;
}

/** Seals every secret not sealed with `box.current` in one transaction: all of them, or none. */
export async function resealInOneTransaction(store: Store, box: SecretBox): Promise<SealCounts> {
  const counts = await store.db.transaction().execute(async (trx) => {
    const db = await locked(store, trx);
    return resealTables((work) => work(db), box);
  });
  if (sealedValues(counts) > 0) await wipeOldCopies(store);
  return counts;
}

async function resealTables(inTransaction: InTransaction, box: SecretBox): Promise<SealCounts> {
  return {
    servers: await resealTable(inTransaction, (db, after: string | undefined) =>
      serversRepo.resealSecrets(db, box, after, PAGE),
    ),
    channels: await resealTable(inTransaction, (db, after: number | undefined) =>
      resealChannelSecrets(db, box, after, PAGE),
    ),
    peers: await resealTable(inTransaction, (db, after: string | undefined) =>
      resealPeerSecrets(db, box, after, PAGE),
    ),
  };
}

async function resealTable<Id>(
  inTransaction: InTransaction,
  page: (db: Db, after: Id | undefined) => Promise<ResealPage<Id>>,
): Promise<number> {
  let values = 0;
  let after: Id | undefined;
  for (;;) {
    const done = await inTransaction((db) => page(db, after));
    values += done.values;
    if (done.last === undefined) return values;
    after = done.last;
  }
}

async function locked(store: Store, trx: Db): Promise<Db> {
  if (store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_LOCK})`.execute(trx);
  return trx;
}

/**
 * A rewritten row's old bytes stay in the file's free space (SQLite: in pages the update did
 * not even touch, left there when a page split; PostgreSQL: the dead tuple) until the file is
 * rewritten. SQLite's VACUUM rewrites the whole file (through the WAL, emptied after), so it
 * takes a while on a large store — it runs only after plaintext or an old key was found.
 */
async function wipeOldCopies(store: Store): Promise<void> {
  if (store.dialect === 'postgres') {
    await sql`vacuum full servers, notification_channels, federation_peers`.execute(store.db);
    return;
  }
  await sql`vacuum`.execute(store.db);
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
}
