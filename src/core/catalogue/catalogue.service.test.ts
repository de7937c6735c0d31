import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createTestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { createStore } from '../tenancy/store.service.ts';
import { loadOrderSkus } from './catalogue.service.ts';

async function seed(db: Db, ctx: Ctx) {
  const row = { merchant_id: ctx.merchantId, created_at: ctx.now, updated_at: ctx.now };
  const [a, b] = await db
    .transaction()
    .execute(async (trx) => [
      await createStore(trx, ctx, { code: 'A', name: 'A' }),
      await createStore(trx, ctx, { code: 'B', name: 'B' }),
    ]);
  await db
    .insertInto('product_category')
    .values({ ...row, id: newId(), code: 'gold', name: '金饰' })
    .execute();
  const product = (name: string, extra = {}) => ({
    ...row,
    id: newId(),
    name,
    category_code: 'gold',
    ...extra,
  });
  const ring = product('足金戒指', { tier_discountable: false });
  const retired = product('旧款', { active: false });
  await db.insertInto('product').values([ring, retired]).execute();
  const sku = (productId: string, spec: string, extra = {}) => ({
    ...row,
    id: newId(),
    product_id: productId,
    spec,
    price_fen: 128_800,
    ...extra,
  });
  const everywhere = sku(ring.id, '12号');
  const onlyA = sku(ring.id, '', { every_store: false });
  const inactive = sku(ring.id, '14号', { active: false });
  const ofRetired = sku(retired.id, '');
  await db.insertInto('sku').values([everywhere, onlyA, inactive, ofRetired]).execute();
  await db
    .insertInto('sku_store')
    .values({ merchant_id: ctx.merchantId, sku_id: onlyA.id, store_id: a!.id })
    .execute();
  return { a: a!, b: b!, everywhere, onlyA, inactive, ofRetired };
}

describe('loadOrderSkus', () => {
  it('returns each SKU with its product name and spec, category and tier flag', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const s = await seed(db, m.ctx());
    const found = await loadOrderSkus(
      db,
      m.ctx(),
      [s.everywhere.id, s.onlyA.id, s.everywhere.id],
      s.a.id,
    );
    expect(found.size).toBe(2);
    expect(found.get(s.everywhere.id)).toEqual({
      id: s.everywhere.id,
      name: '足金戒指 12号',
      category: 'gold',
      price_fen: 128_800,
      tier_discountable: false,
    });
    expect(found.get(s.onlyA.id)?.name).toBe('足金戒指');
  });

  it('refuses a SKU not sold in the store, inactive, of an inactive product, or absent', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const other = await createTestMerchant(db);
    const s = await seed(db, m.ctx());
    const foreign = await seed(db, other.ctx());
    const load = (id: string, store = s.a.id) =>
      loadOrderSkus(db, m.ctx(), [s.everywhere.id, id], store);
    const unavailable = { code: 'catalogue.sku_unavailable', field: 'lines', status: 422 };
    await expect(load(s.onlyA.id, s.b.id)).rejects.toMatchObject({
      ...unavailable,
      params: { reason: 'not_sold_in_store' },
    });
    await expect(load(s.inactive.id)).rejects.toMatchObject({
      ...unavailable,
      params: { reason: 'inactive' },
    });
    await expect(load(s.ofRetired.id)).rejects.toMatchObject(unavailable);
    const notFound = { code: 'catalogue.sku_not_found', field: 'lines', status: 404 };
    await expect(load(foreign.everywhere.id)).rejects.toMatchObject({
      ...notFound,
      params: { sku_id: foreign.everywhere.id },
    });
    await expect(load('not-a-uuid')).rejects.toMatchObject(notFound);
    expect((await loadOrderSkus(db, m.ctx(), [], s.b.id)).size).toBe(0);
  });
});
