import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import type { TillSku, TillSkuQuery } from './catalogue.schema.ts';
import { escapeLike, soldIn } from './product.service.ts';

/** What an order line takes from the catalogue. */
export interface OrderSku {
  id: string;
  /** product name and spec, as the receipt prints it */
  name: string;
  category: string;
  price_fen: number;
  tier_discountable: boolean;
}

/** The SKU's display name: the product's name, then its spec when it has one. */
export function skuName(productName: string, spec: string): string {
  return spec ? `${productName} ${spec}` : productName;
}

/**
 * The SKUs an order sells in `storeId`, in one query: a SKU the merchant does not have is
 * `catalogue.sku_not_found` (404), one inactive (itself or its product) or not sold in that
 * store is `catalogue.sku_unavailable` (422); both name the body field `lines`.
 */
export async function loadOrderSkus(
  db: Db | Trx,
  ctx: Ctx,
  skuIds: readonly string[],
  storeId: string,
): Promise<Map<string, OrderSku>> {
  const ids = [...new Set(skuIds)];
  if (ids.length === 0) return new Map();
  checkSkuIds(ids);
  return orderSkusOf(ids, await orderSkusQuery(db, ctx, ids, storeId).execute());
}

/** A SKU id that is not a uuid is not the merchant's: refused before any query. */
export function checkSkuIds(ids: readonly string[]) {
  const missing = ids.find((id) => !isUuid(id));
  if (missing !== undefined) throw notFound(missing);
}

/** The rows `orderSkusOf` judges, for ids `checkSkuIds` passed. */
export function orderSkusQuery(db: Db | Trx, ctx: Ctx, ids: readonly string[], storeId: string) {
  return db
    .selectFrom('sku as s')
    .innerJoin('product as p', (j) =>
      j.onRef('p.merchant_id', '=', 's.merchant_id').onRef('p.id', '=', 's.product_id'),
    )
    .select([
      's.id',
      's.spec',
      's.price_fen',
      'p.name',
      'p.category_code',
      'p.tier_discountable',
      sql<boolean>`s.active and p.active`.as('active'),
      sql<boolean>`s.every_store or exists (
        select 1 from sku_store ss
        where ss.merchant_id = s.merchant_id and ss.sku_id = s.id and ss.store_id = ${storeId})`.as(
        'sold_here',
      ),
    ])
    .where('s.merchant_id', '=', ctx.merchantId)
    .where(sql<boolean>`s.id = any(${ids}::uuid[])`);
}

export type OrderSkuRow = Awaited<ReturnType<ReturnType<typeof orderSkusQuery>['execute']>>[number];

export function orderSkusOf(
  ids: readonly string[],
  rows: readonly OrderSkuRow[],
): Map<string, OrderSku> {
  const found = new Map<string, OrderSku>();
  for (const r of rows) {
    if (!r.active || !r.sold_here) {
      throw new DomainError('catalogue.sku_unavailable', {
        field: 'lines',
        params: { sku_id: r.id, reason: r.active ? 'not_sold_in_store' : 'inactive' },
      });
    }
    found.set(r.id, {
      id: r.id,
      name: skuName(r.name, r.spec),
      category: r.category_code,
      price_fen: Number(r.price_fen),
      tier_discountable: r.tier_discountable,
    });
  }
  const absent = ids.find((id) => !found.has(id));
  if (absent !== undefined) throw notFound(absent);
  return found;
}

function notFound(skuId: string): DomainError {
  return new DomainError('catalogue.sku_not_found', { field: 'lines', params: { sku_id: skuId } });
}

/**
 * The SKUs the till may sell: active (and their product), sold in `store_id` when given, found by
 * exact barcode (a scanner) or by part of the name or spec; at most `limit`, by name.
 */
export async function searchTillSkus(db: Db, ctx: Ctx, query: TillSkuQuery): Promise<TillSku[]> {
  let q = db
    .selectFrom('sku as s')
    .innerJoin('product as p', (j) =>
      j.onRef('p.merchant_id', '=', 's.merchant_id').onRef('p.id', '=', 's.product_id'),
    )
    .select([
      's.id',
      's.product_id',
      's.spec',
      's.price_fen',
      's.barcode',
      'p.name',
      'p.category_code',
      'p.tier_discountable',
    ])
    .where('s.merchant_id', '=', ctx.merchantId)
    .where('s.active', '=', true)
    .where('p.active', '=', true)
    .orderBy('p.name')
    .orderBy('s.spec')
    .orderBy('s.id')
    .limit(query.limit ?? 20);
  if (query.barcode) q = q.where('s.barcode', '=', query.barcode);
  if (query.category) q = q.where('p.category_code', '=', query.category);
  if (query.store_id) q = q.where(soldIn(query.store_id));
  if (query.q) {
    const like = `%${escapeLike(query.q)}%`;
    q = q.where((eb) => eb.or([eb('p.name', 'ilike', like), eb('s.spec', 'ilike', like)]));
  }
  return (await q.execute()).map((r) => ({
    id: r.id,
    product_id: r.product_id,
    name: skuName(r.name, r.spec),
    category: r.category_code,
    price_fen: Number(r.price_fen),
    barcode: r.barcode,
    tier_discountable: r.tier_discountable,
  }));
}
