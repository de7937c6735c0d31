import { describe, expect, it } from 'vitest';
import { auth, createTestMerchant, testApp } from '../../../test/factories.ts';
import { csv, gbk, xlsx } from '../../../test/fixtures/imports/import-helpers.ts';

function multipart(content: Buffer, name: string) {
  const boundary = '----catalogue-test';
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function setUp() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  for (const code of ['gold', 'normal']) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/catalogue/categories',
      headers: auth(m.tokens.owner),
      payload: { code, name: code },
    });
    expect(res.statusCode).toBe(201);
  }
  const send = (content: Buffer, name = 'catalogue.csv', token = m.tokens.owner) => {
    const body = multipart(content, name);
    return app.inject({
      method: 'POST',
      url: '/api/catalogue/import',
      payload: body.payload,
      headers: { ...auth(token), ...body.headers },
    });
  };
  return { app, db, m, send };
}

describe('catalogue import', () => {
  it('imports a GBK CSV: rows of one product become its SKUs, bad rows are reported by line and skipped', async () => {
    const { db, m, send } = await setUp();
    const file = csv([
      ['商品名称', '分类编码', '规格', '价格（元）', '条码', '会员折扣'],
      ['足金戒指', 'gold', '12号', '1288.00', '690001', '否'],
      ['足金戒指', 'gold', '14号', '1388', '690002', '否'],
      ['拿铁', 'normal', '', '￥28.50', '', ''],
      ['无价', 'normal', '', 'abc', '', ''],
      ['银镯', 'silver', '', '99', '', ''],
      ['重复', 'normal', '', '1', '690001', ''],
      ['', 'normal', '', '1', '', ''],
    ]);
    const res = await send(gbk(file));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      products_created: 2,
      skus_created: 3,
      errors: [
        { line: 5, field: 'price', code: 'catalogue.import_price_invalid' },
        { line: 6, field: 'category', code: 'catalogue.category_not_found' },
        { line: 7, field: 'barcode', code: 'catalogue.import_barcode_repeated' },
        { line: 8, field: 'name', code: 'catalogue.import_name_missing' },
      ],
    });
    const rows = await db
      .selectFrom('sku as s')
      .innerJoin('product as p', (j) =>
        j.onRef('p.merchant_id', '=', 's.merchant_id').onRef('p.id', '=', 's.product_id'),
      )
      .select(['p.name', 's.spec', 's.price_fen', 's.barcode', 'p.tier_discountable'])
      .where('s.merchant_id', '=', m.merchantId)
      .orderBy('s.price_fen')
      .execute();
    expect(
      rows.map((r) => [r.name, r.spec, Number(r.price_fen), r.barcode, r.tier_discountable]),
    ).toEqual([
      ['拿铁', '', 2850, null, true],
      ['足金戒指', '12号', 128_800, '690001', false],
      ['足金戒指', '14号', 138_800, '690002', false],
    ]);

    // the same file again: every barcode is taken now, the barcode-less latte is added again as a SKU
    const again = await send(gbk(file));
    expect(
      again.json().errors.filter((e: { code: string }) => e.code === 'catalogue.barcode_taken'),
    ).toHaveLength(2);
    expect(again.json()).toMatchObject({ products_created: 0, skus_created: 1 });
  });

  it('imports XLSX, refuses a file without the required columns and a non-admin', async () => {
    const { m, send } = await setUp();
    const book = await xlsx([
      ['name', 'category', 'price (yuan)', 'barcode'],
      ['Latte', 'normal', 28.5, 'L1'],
    ]);
    const res = await send(book, 'c.xlsx');
    expect(res.json()).toMatchObject({ products_created: 1, skus_created: 1, errors: [] });
    const missing = await send(
      Buffer.from(
        csv([
          ['名称', '价格'],
          ['x', '1'],
        ]),
      ),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: 'catalogue.import_columns_missing',
      field: 'file',
    });
    expect((await send(Buffer.from('%PDF-1.4\x00\x01'), 'x.pdf')).json().error.code).toBe(
      'import.file_type',
    );
    expect((await send(book, 'c.xlsx', m.tokens.cashier)).statusCode).toBe(403);
  });
});
