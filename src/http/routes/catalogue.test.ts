import { describe, expect, it } from 'vitest';
import { auth, createTestMerchant, type TestMerchant, testApp } from '../../../test/factories.ts';
import type { App } from '../app.ts';

async function call(app: App, m: TestMerchant, method: string, url: string, payload?: object) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: auth(m.tokens.owner),
    ...(payload ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.json() };
}

async function setUp() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const store = async (code: string) =>
    (await call(app, m, 'POST', '/api/stores', { code, name: `店 ${code}` })).body.id as string;
  const [a, b] = [await store('A'), await store('B')];
  expect(
    (await call(app, m, 'POST', '/api/catalogue/categories', { code: 'gold', name: '金饰' }))
      .status,
  ).toBe(201);
  return { app, db, m, a, b };
}

describe('catalogue', () => {
  it('creates categories, products and SKUs, and the till finds them by barcode, name and store', async () => {
    const { app, db, m, a, b } = await setUp();
    const dup = await call(app, m, 'POST', '/api/catalogue/categories', {
      code: 'gold',
      name: 'x',
    });
    expect(dup).toMatchObject({
      status: 409,
      body: { error: { code: 'catalogue.category_code_taken', field: 'code' } },
    });

    const created = await call(app, m, 'POST', '/api/catalogue/products', {
      name: '足金戒指',
      category_code: 'gold',
      tier_discountable: false,
      skus: [
        { spec: '12号', price_fen: 128_800, barcode: '690001' },
        { spec: '14号', price_fen: 138_800, barcode: '690002', store_ids: [a] },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: '足金戒指',
      category_code: 'gold',
      tier_discountable: false,
      skus: [
        { spec: '12号', price_fen: 128_800, barcode: '690001', active: true, store_ids: null },
        { spec: '14号', barcode: '690002', store_ids: [a] },
      ],
    });
    const rows = await db
      .selectFrom('sku_store')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(rows.map((r) => r.store_id)).toEqual([a]);

    const till = (qs: string) => call(app, m, 'GET', `/api/catalogue/skus?${qs}`);
    expect((await till('barcode=690002')).body).toEqual([
      {
        id: created.body.skus[1].id,
        product_id: created.body.id,
        name: '足金戒指 14号',
        category: 'gold',
        price_fen: 138_800,
        barcode: '690002',
        tier_discountable: false,
      },
    ]);
    expect(
      (await till(`q=${encodeURIComponent('戒指')}&store_id=${b}`)).body.map(
        (s: { barcode: string }) => s.barcode,
      ),
    ).toEqual(['690001']);
    expect((await till(`q=${encodeURIComponent('戒指')}&store_id=${a}`)).body).toHaveLength(2);
    expect((await till('q=%25')).body).toEqual([]);

    // selling the 14 in every store, then withdrawing the 12
    const skuId = created.body.skus[1].id;
    const patched = await call(app, m, 'PATCH', `/api/catalogue/skus/${skuId}`, {
      store_ids: null,
      price_fen: 139_900,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.skus[1]).toMatchObject({ store_ids: null, price_fen: 139_900 });
    await call(app, m, 'PATCH', `/api/catalogue/skus/${created.body.skus[0].id}`, {
      active: false,
    });
    expect((await till(`store_id=${b}`)).body.map((s: { barcode: string }) => s.barcode)).toEqual([
      '690002',
    ]);

    const listed = await call(
      app,
      m,
      'GET',
      `/api/catalogue/products?barcode=690001&category=gold`,
    );
    expect(listed.body).toMatchObject({ items: [{ id: created.body.id }], next_cursor: null });
    expect(
      (await call(app, m, 'GET', '/api/catalogue/products?category=silver')).body.items,
    ).toEqual([]);
  });

  it('refuses a taken barcode, an unknown category or store, and changes nothing', async () => {
    const { app, db, m, a } = await setUp();
    const product = (skus: object[], category_code = 'gold') =>
      call(app, m, 'POST', '/api/catalogue/products', { name: 'P', category_code, skus });
    expect((await product([{ price_fen: 100, barcode: 'X1' }])).status).toBe(201);
    expect(await product([{ price_fen: 100, barcode: 'X1' }])).toMatchObject({
      status: 409,
      body: { error: { code: 'catalogue.barcode_taken', field: 'barcode' } },
    });
    expect(await product([{ price_fen: 100 }], 'silver')).toMatchObject({
      status: 404,
      body: { error: { code: 'catalogue.category_not_found', field: 'category_code' } },
    });
    const other = await createTestMerchant(db);
    const foreignStore = (await call(app, other, 'POST', '/api/stores', { code: 'Z', name: 'Z' }))
      .body.id;
    expect(await product([{ price_fen: 100, store_ids: [a, foreignStore] }])).toMatchObject({
      status: 404,
      body: { error: { code: 'store.not_found', field: 'store_ids' } },
    });
    expect((await product([{ price_fen: -1 }])).status).toBe(400);
    expect(
      (await call(app, m, 'POST', '/api/catalogue/categories', { code: 'a b', name: 'x' })).status,
    ).toBe(400);
    const cake = await call(app, m, 'POST', '/api/catalogue/categories', {
      code: '蛋糕',
      name: '蛋糕',
    });
    expect(cake.status).toBe(201);
    expect(
      (
        await call(
          app,
          m,
          'PATCH',
          '/api/catalogue/categories/00000000-0000-7000-8000-000000000000',
          { name: 'x' },
        )
      ).status,
    ).toBe(404);
    const count = await db
      .selectFrom('product')
      .select(db.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    // another merchant sees none of it
    expect((await call(app, other, 'GET', '/api/catalogue/skus?barcode=X1')).body).toEqual([]);
    expect((await call(app, other, 'GET', '/api/catalogue/categories')).body).toEqual([]);
  });
});
