import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.ts';

// DATE stays `YYYY-MM-DD` (a birthday is a calendar day, not an instant).
pg.types.setTypeParser(1082, (v) => v);
// int8 (ledger amounts, counts) to number, refusing what a JS number cannot hold exactly.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} exceeds the safe integer range`);
  return n;
});

export interface Connection {
  db: Db;
  pool: pg.Pool;
  url: string;
}

export function connect(url: string, max = 10): Connection {
  const pool = new pg.Pool({ connectionString: url, max });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url };
}
