import { Kysely, PostgresDialect, sql } from 'kysely';
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
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareMarked(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url };
}

const MARK = '/* prepared */';
/**
 * Put first in a statement (or, through `modifyFront`, right after its first keyword) to have it
 * prepared once per connection. The checkout's statements are long and their shape repeats from
 * sale to sale: parsing and planning them cost PostgreSQL more than executing them, and a
 * prepared statement skips the parse and, once the plan cache settles on a generic plan, the
 * planning. Only for statements whose best plan does not depend on the merchant's size: a
 * generic plan is costed for an average merchant.
 */
export const PREPARED = sql.raw(MARK);
const PREPARED_PER_CONNECTION = 200;

/**
 * Marked statements go out named, each distinct text under a name never reused on the
 * connection; past the cap the least recently used is deallocated (a deallocation that fails,
 * in an aborted transaction, leaves one unused statement on the server, never a clash).
 */
function prepareMarked(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = new Map<string, string>();
  let sequence = 0;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || text.lastIndexOf(MARK, 40) < 0)
      return query(...args);
    let name = named.get(text);
    if (name) named.delete(text);
    else {
      name = `p${++sequence}`;
      if (named.size >= PREPARED_PER_CONNECTION) {
        const [oldText, oldName] = named.entries().next().value as [string, string];
        named.delete(oldText);
        const parsed = (
          client as unknown as { connection: { parsedStatements: Record<string, string> } }
        ).connection.parsedStatements;
        delete parsed[oldName];
        (query(`deallocate ${oldName}`) as Promise<unknown>).catch(() => {});
      }
    }
    named.set(text, name);
    return query({ name, text, values });
  };
}
