import type { Db, Trx } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/pg-errors.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import type {
  Product,
  ProductBody,
  ProductPatch,
  ProductQuery,
  SkuBody,
  SkuPatch,
} from './catalogue.schema.ts';
import type { ProductRow, SkuRow } from './catalogue.table.ts';
import { assertCategoryCode } from './category.service.ts';

export async function createProduct(trx: Trx, ctx: Ctx, input: ProductBody): Promise<Product> {
  await assertCategoryCode(trx, ctx, input.category_code);
  const product = await trx
    .insertInto('product')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: input.name,
      category_code: input.category_code,
      active: input.active ?? true,
      tier_discountable: input.tier_discountable ?? true,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const sku of input.skus) await insertSku(trx, ctx, product.id, sku);
  await recordAudit(trx, ctx, {
    action: 'catalogue.product_create',
    entityType: 'product',
    entityId: product.id,
    after: input,
  });
  return getProduct(trx, ctx, product.id);
}

export async function updateProduct(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: ProductPatch,
): Promise<Product> {
  const before = await lockOwnRow(trx, ctx, 'product', id, 'catalogue.product_not_found');
  if (patch.category_code !== undefined) await assertCategoryCode(trx, ctx, patch.category_code);
  const columns = {
    name: true,
    category_code: true,
    active: true,
    tier_discountable: true,
  } as const;
  await trx
    .updateTable('product')
    .set({ ...pickDefined(patch, columns), updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, ctx, {
    action: 'catalogue.product_update',
    entityType: 'product',
    entityId: id,
    before: {
      name: before.name,
      category_code: before.category_code,
      active: before.active,
      tier_discountable: before.tier_discountable,
    },
    after: patch,
  });
  return getProduct(trx, ctx, id);
}

export async function addSku(trx: Trx, ctx: Ctx, productId: string, input: SkuBody) {
  await lockOwnRow(trx, ctx, 'product', productId, 'catalogue.product_not_found');
  const sku = await insertSku(trx, ctx, productId, input);
  await recordAudit(trx, ctx, {
    action: 'catalogue.sku_create',
    entityType: 'sku',
    entityId: sku.id,
    after: input,
  });
  return getProduct(trx, ctx, productId);
}

export async function updateSku(trx: Trx, ctx: Ctx, id: string, patch: SkuPatch) {
  const before = await lockOwnRow(trx, ctx, 'sku', id, 'catalogue.sku_not_found');
  const set = pickDefined(patch, {
    spec: true,
    price_fen: true,
    barcode: true,
    active: true,
    store_ids: false,
  });
  if (patch.store_ids !== undefined) {
    await setSkuStores(trx, ctx, id, patch.store_ids);
  }
  await withBarcode(() =>
    trx
      .updateTable('sku')
      .set({
        ...set,
        ...(patch.store_ids !== undefined ? { every_store: patch.store_ids === null } : {}),
        updated_at: ctx.now,
      })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .execute(),
  );
  await recordAudit(trx, ctx, {
    action: 'catalogue.sku_update',
    entityType: 'sku',
    entityId: id,
    before: {
      spec: before.spec,
      price_fen: before.price_fen,
      barcode: before.barcode,
      active: before.active,
      every_store: before.every_store,
    },
    after: patch,
  });
  return getProduct(trx, ctx, before.product_id);
}

async function insertSku(trx: Trx, ctx: Ctx, productId: string, input: SkuBody): Promise<SkuRow> {
  const storeIds = input.store_ids ?? null;
  const sku = await withBarcode(() =>
    trx
      .insertInto('sku')
      .values({
        merchant_id: ctx.merchantId,
        id: newId(),
        product_id: productId,
        spec: input.spec ?? '',
        price_fen: input.price_fen,
        barcode: input.barcode ?? null,
        active: input.active ?? true,
        every_store: storeIds === null,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  if (storeIds) await setSkuStores(trx, ctx, sku.id, storeIds);
  return sku;
}

/** Replaces the stores that sell a SKU; null = every store (no rows). */
async function setSkuStores(trx: Trx, ctx: Ctx, skuId: string, storeIds: string[] | null) {
  await trx
    .deleteFrom('sku_store')
    .where('merchant_id', '=', ctx.merchantId)
    .where('sku_id', '=', skuId)
    .execute();
  if (!storeIds || storeIds.length === 0) return;
  const known = await trx
    .selectFrom('store')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', storeIds)
    .execute();
  if (known.length !== storeIds.length) {
    throw new DomainError('store.not_found', { field: 'store_ids' });
  }
  await trx
    .insertInto('sku_store')
    .values(storeIds.map((store_id) => ({ merchant_id: ctx.merchantId, sku_id: skuId, store_id })))
    .execute();
}

async function withBarcode<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isUniqueViolation(e, 'sku_merchant_id_barcode_key'))
      throw new DomainError('catalogue.barcode_taken', { field: 'barcode' });
    throw e;
  }
}

export async function getProduct(db: Db | Trx, ctx: Ctx, id: string): Promise<Product> {
  const product = await getOwnRow(db, ctx, 'product', id, 'catalogue.product_not_found');
  const [presented] = await presentProducts(db, ctx, [product]);
  return presented!;
}

/** Newest first, filtered by name, category, a SKU's barcode or a store that sells a SKU. */
export async function listProducts(db: Db, ctx: Ctx, query: ProductQuery) {
  const limit = query.limit ?? 50;
  let q = db
    .selectFrom('product as p')
    .selectAll('p')
    .where('p.merchant_id', '=', ctx.merchantId)
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit + 1);
  if (query.q) q = q.where('p.name', 'ilike', `%${escapeLike(query.q)}%`);
  if (query.category) q = q.where('p.category_code', '=', query.category);
  if (query.active !== undefined) q = q.where('p.active', '=', query.active);
  if (query.barcode !== undefined || query.store_id !== undefined) {
    const { barcode, store_id } = query;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('sku as s')
          .select('s.id')
          .whereRef('s.merchant_id', '=', 'p.merchant_id')
          .whereRef('s.product_id', '=', 'p.id')
          .$if(barcode !== undefined, (sq) => sq.where('s.barcode', '=', barcode!))
          .$if(store_id !== undefined, (sq) => sq.where(soldIn(store_id!))),
      ),
    );
  }
  if (query.cursor) q = q.where(beforeTimeCursor(query.cursor, 'p.created_at', 'p.id'));
  const page = timePage(await q.execute(), limit);
  return { items: await presentProducts(db, ctx, page.items), next_cursor: page.next_cursor };
}

/** A predicate on `sku as s`: sold in `storeId`. */
export function soldIn(storeId: string) {
  return (eb: any) =>
    eb.or([
      eb('s.every_store', '=', true),
      eb.exists(
        eb
          .selectFrom('sku_store as ss')
          .select('ss.sku_id')
          .whereRef('ss.merchant_id', '=', 's.merchant_id')
          .whereRef('ss.sku_id', '=', 's.id')
          .where('ss.store_id', '=', storeId),
      ),
    ]);
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

async function presentProducts(db: Db | Trx, ctx: Ctx, products: ProductRow[]): Promise<Product[]> {
  if (products.length === 0) return [];
  const ids = products.map((p) => p.id);
  const skus = await db
    .selectFrom('sku')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('product_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const limited = skus.filter((s) => !s.every_store).map((s) => s.id);
  const stores = limited.length
    ? await db
        .selectFrom('sku_store')
        .select(['sku_id', 'store_id'])
        .where('merchant_id', '=', ctx.merchantId)
        .where('sku_id', 'in', limited)
        .orderBy('store_id')
        .execute()
    : [];
  const storesOf = (skuId: string) =>
    stores.filter((r) => r.sku_id === skuId).map((r) => r.store_id);
  return products.map((p) => ({
    id: p.id,
    name: p.name,
    category_code: p.category_code,
    active: p.active,
    tier_discountable: p.tier_discountable,
    created_at: p.created_at,
    skus: skus
      .filter((s) => s.product_id === p.id)
      .map((s) => ({
        id: s.id,
        spec: s.spec,
        price_fen: Number(s.price_fen),
        barcode: s.barcode,
        active: s.active,
        store_ids: s.every_store ? null : storesOf(s.id),
      })),
  }));
}
