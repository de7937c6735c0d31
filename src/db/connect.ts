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
  // a database that does not answer fails the request (503) instead of holding it forever
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 15_000 });
  // A connection the server drops (restart, kill) must not crash the process: idle ones are
  // reported on the pool, checked-out ones on the client (their query fails, which is a 503);
  // the pool replaces both.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url };
}
