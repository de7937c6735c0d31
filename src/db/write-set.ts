import {
  DummyDriver,
  Kysely,
  type OperationNodeSource,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';
import { PREPARED } from './connect.ts';
import type { Database, Db, Trx } from './database.ts';

/**
 * Builds queries that are not run by this instance: parts of a `WriteSet`, and statements
 * `compiledOnce` compiles for any connection.
 */
export const queries = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * Writes sent together as the data-modifying CTEs of one statement: through Node a hot path
 * pays per round trip, not per row, so a checkout's rows go in one. Each part names its CTEs
 * (unique within the statement); `results` are select-list items (`… as name`) the caller
 * checks afterwards — a count that must match, a row it needs back. The parts cannot see each
 * other's rows except through a CTE they name, and PostgreSQL changes a row at most once per
 * statement, so every row a set touches is touched by one part only.
 */
export interface WriteSet {
  ctes: RawBuilder<unknown>[];
  results: RawBuilder<unknown>[];
}

export const writeSet = (...sets: readonly WriteSet[]): WriteSet => ({
  ctes: sets.flatMap((s) => s.ctes),
  results: sets.flatMap((s) => s.results),
});

/** One named CTE whose body is a Kysely query or raw SQL. */
export const cte = (name: string, body: OperationNodeSource) => sql`${sql.id(name)} as (${body})`;

/** `count(*)` of a CTE's rows, as a result named like it. */
export const countOf = (name: string) =>
  sql`(select count(*)::int from ${sql.id(name)}) as ${sql.id(name)}`;

/** A CTE's rows as a JSON array (empty: []), as a result named like it. */
export const rowsOf = (name: string) =>
  sql`(select coalesce(json_agg(r), '[]'::json) from ${sql.id(name)} r) as ${sql.id(name)}`;

/**
 * Runs a set as one statement, prepared (see `PREPARED`): sets are the per-member writes of the
 * hot paths. A set over a whole merchant passes `prepare: false`, to be planned for its size.
 */
export async function executeWrites(
  trx: Trx | Db,
  set: WriteSet,
  { prepare = true } = {},
): Promise<Record<string, unknown>> {
  if (set.ctes.length === 0) return {};
  const results = set.results.length ? sql.join(set.results) : sql`1 as done`;
  const { rows } = await sql<Record<string, unknown>>`
    ${prepare ? PREPARED : sql``} with ${sql.join(set.ctes)} select ${results}`.execute(trx);
  return rows[0]!;
}
