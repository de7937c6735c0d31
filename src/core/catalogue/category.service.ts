import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { lockOwnRow } from '../tenant-row.ts';
import type { CategoryBody, CategoryPatch } from './catalogue.schema.ts';
import type { ProductCategoryRow } from './catalogue.table.ts';

export async function createCategory(
  trx: Trx,
  ctx: Ctx,
  input: CategoryBody,
): Promise<ProductCategoryRow> {
  const category = await trx
    .insertInto('product_category')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      code: input.code,
      name: input.name,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!category) throw new DomainError('catalogue.category_code_taken', { field: 'code' });
  await recordAudit(trx, ctx, {
    action: 'catalogue.category_create',
    entityType: 'product_category',
    entityId: category.id,
    after: input,
  });
  return category;
}

/** Only the name changes: the code is what rules and orders hold. */
export async function updateCategory(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: CategoryPatch,
): Promise<ProductCategoryRow> {
  const before = await lockOwnRow(trx, ctx, 'product_category', id, 'catalogue.category_not_found');
  const after = await trx
    .updateTable('product_category')
    .set({ ...pickDefined(patch, { name: true }), updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'catalogue.category_update',
    entityType: 'product_category',
    entityId: id,
    before: { name: before.name },
    after: { name: after.name },
  });
  return after;
}

export function listCategories(db: Db | Trx, ctx: Ctx): Promise<ProductCategoryRow[]> {
  return db
    .selectFrom('product_category')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('code')
    .execute();
}

/** A category code the body names must be the merchant's (404 naming `field`). */
export async function assertCategoryCode(
  db: Db | Trx,
  ctx: Ctx,
  code: string,
  field = 'category_code',
): Promise<void> {
  const row = await db
    .selectFrom('product_category')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw new DomainError('catalogue.category_not_found', { field, params: { code } });
}

export const presentCategory = (c: ProductCategoryRow) => ({
  id: c.id,
  code: c.code,
  name: c.name,
  created_at: c.created_at,
});
