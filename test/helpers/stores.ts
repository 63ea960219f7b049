import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_URL = process.env.MCP_HEALTH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Where a test's store lives: a fresh SQLite folder, or a fresh schema in the test PostgreSQL. */
export interface StoreTarget {
  kind: 'sqlite' | 'postgres';
  dataDir: string;
  databaseUrl: string | undefined;
  schema: string | undefined;
}

let pgAvailable: Promise<boolean> | undefined;

async function probePg(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The store kinds to run a suite against. PostgreSQL is skipped with a visible message where it
 * is absent, unless MCP_HEALTH_REQUIRE_PG=1 (CI), where its absence fails the run.
 */
export async function storeKinds(): Promise<StoreTarget['kind'][]> {
  pgAvailable ??= probePg();
  if (await pgAvailable) return ['sqlite', 'postgres'];
  if (process.env.MCP_HEALTH_REQUIRE_PG === '1')
    throw new Error(`PostgreSQL is required (MCP_HEALTH_REQUIRE_PG=1) but not reachable at ${PG_URL}`);
  process.stderr.write(
    `\n*** SKIPPING PostgreSQL tests: no PostgreSQL at ${PG_URL} (set MCP_HEALTH_TEST_PG_URL) ***\n\n`,
  );
  return ['sqlite'];
}

export function newStoreTarget(kind: StoreTarget['kind']): StoreTarget {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-health-test-'));
  if (kind === 'sqlite') return { kind, dataDir, databaseUrl: undefined, schema: undefined };
  return { kind, dataDir, databaseUrl: PG_URL, schema: `t_${randomBytes(6).toString('hex')}` };
}

/** Drops a test's PostgreSQL schema; SQLite folders are left to the OS temp cleaner. */
export async function dropStoreTarget(t: StoreTarget): Promise<void> {
  if (t.kind !== 'postgres' || !t.schema) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${t.schema} cascade`);
  } finally {
    await client.end();
  }
}
