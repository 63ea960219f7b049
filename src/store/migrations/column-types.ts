import { sql, type CreateTableBuilder } from 'kysely';
import type { Dialect } from '../tables.js';

/** The one place where the two dialects' column types differ. */
export const epochMs = (dialect: Dialect) => (dialect === 'postgres' ? sql`bigint` : sql`integer`);

export function autoId<T extends string>(
  table: CreateTableBuilder<T>,
  dialect: Dialect,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
