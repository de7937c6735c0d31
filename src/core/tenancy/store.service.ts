import type { Db, Trx } from '../../db/database.ts';
import { assertFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { StoreRow } from './tenancy.table.ts';

export interface StoreInput {
  code: string;
  name: string;
  address?: string | null;
}

export async function createStore(trx: Trx, ctx: Ctx, input: StoreInput): Promise<StoreRow> {
  const store = await trx
    .insertInto('store')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      code: input.code,
      name: input.name,
      address: input.address ?? null,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'store.create',
    entityType: 'store',
    entityId: store.id,
    after: input,
  });
  return store;
}

export async function updateStore(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: Partial<StoreInput>,
): Promise<StoreRow> {
  const row = await trx
    .updateTable('store')
    .set(pickDefined(input, { code: true, name: true, address: true }))
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  const store = assertFound(row, 'store.not_found');
  await recordAudit(trx, ctx, {
    action: 'store.update',
    entityType: 'store',
    entityId: id,
    after: input,
  });
  return store;
}

export async function listStores(db: Db | Trx, ctx: Ctx): Promise<StoreRow[]> {
  return db
    .selectFrom('store')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('code')
    .execute();
}

export async function assertStoreExists(
  db: Db | Trx,
  ctx: Ctx,
  id: string,
  field: string,
): Promise<void> {
  const found = await db
    .selectFrom('store')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
  assertFound(found, 'store.not_found', field);
}
