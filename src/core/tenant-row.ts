import type { Kysely, Selectable } from 'kysely';
import type { Database, Db, Trx } from '../db/database.ts';
import type { ErrorCode } from '../lib/error-codes.ts';
import { assertFound } from '../lib/errors.ts';
import type { Ctx } from './context.ts';

/** The tables whose rows belong to one merchant and are named by their own `id`. */
export type OwnTable = {
  [T in keyof Database]: Database[T] extends { merchant_id: unknown; id: unknown } ? T : never;
}[keyof Database];

/** A row of `T`; over a union of tables, the union of their rows. */
export type OwnRow<T extends OwnTable> = T extends OwnTable ? Selectable<Database[T]> : never;

/**
 * The caller's merchant's row `id` of `table`, or `notFound` (with the body `field` that named
 * it when the id came from a body): another merchant's row is as absent as a missing one.
 */
export async function getOwnRow<T extends OwnTable>(
  db: Db | Trx,
  ctx: Ctx,
  table: T,
  id: string,
  notFound: ErrorCode,
  field?: string,
): Promise<OwnRow<T>> {
  const row = await ownRow(db, ctx, table, id).executeTakeFirst();
  return assertFound(row as OwnRow<T> | undefined, notFound, field);
}

/** `getOwnRow` locked FOR UPDATE until the transaction ends. */
export async function lockOwnRow<T extends OwnTable>(
  trx: Trx,
  ctx: Ctx,
  table: T,
  id: string,
  notFound: ErrorCode,
  field?: string,
): Promise<OwnRow<T>> {
  const row = await ownRow(trx, ctx, table, id).forUpdate().executeTakeFirst();
  return assertFound(row as OwnRow<T> | undefined, notFound, field);
}

// Kysely cannot resolve column references over a generic table, hence the untyped builder.
function ownRow(db: Db | Trx, ctx: Ctx, table: OwnTable, id: string) {
  return (db as unknown as Kysely<any>)
    .selectFrom(table)
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id);
}
