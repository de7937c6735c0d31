import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { auth, createMember, createTestMerchant, testApp } from '../../../test/factories.ts';
import {
  campaignWorld,
  draft,
  launch,
  members,
  sale,
  spend100save50,
} from '../../core/campaigns/campaign-fixture.ts';
import { createStore } from '../../core/tenancy/store.service.ts';

const TILES = [
  'kpis',
  'sales-by-day',
  'sales-by-store',
  'wallet',
  'points',
  'coupons',
  'campaigns',
  'rfm',
  'lifecycle',
  'tiers',
];

describe('dashboard routes', () => {
  it('serve every tile to owners and marketers, never to cashiers', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    for (const tile of TILES) {
      const res = await app.inject({
        url: `/api/dashboard/${tile}?period=month`,
        headers: auth(m.tokens.marketer),
      });
      expect(res.statusCode, tile).toBe(200);
      expect(res.json().range.time_zone).toBe('Asia/Shanghai');
      const cashier = await app.inject({
        url: `/api/dashboard/${tile}`,
        headers: auth(m.tokens.cashier),
      });
      expect(cashier.statusCode, tile).toBe(403);
    }
  });

  it('refuse a bad period with 400 naming the field, another merchant’s store with 404', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const other = await createTestMerchant(db);
    const theirs = await db
      .transaction()
      .execute((trx) => createStore(trx, other.ctx(), { code: 'X', name: 'X店' }));
    const get = (query: string) =>
      app.inject({
        url: `/api/dashboard/kpis?${query}`,
        headers: { ...auth(m.tokens.owner), 'accept-language': 'zh-CN' },
      });
    const backwards = await get('from=2026-03-10&to=2026-03-09');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({ code: 'report.range_invalid', field: 'to' });
    expect(backwards.json().error.message).toContain('结束日期不能早于开始日期');
    const half = await get('from=2026-03-10');
    expect(half.json().error).toMatchObject({ code: 'report.range_invalid', field: 'to' });
    const long = await get('from=2025-01-01&to=2026-01-02');
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatchObject({ code: 'report.range_too_long', field: 'to' });
    const bogus = await get('from=2026-02-30&to=2026-03-01');
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json().error.field).toBe('from');
    const unknown = await get('period=year');
    expect(unknown.statusCode).toBe(400);
    expect((await get('colour=red')).statusCode).toBe(400);
    const foreign = await get(`store_id=${theirs.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toMatchObject({ code: 'store.not_found', field: 'store_id' });
    const exported = await app.inject({
      url: '/api/dashboard/kpis/export?format=csv&from=2026-03-10&to=2026-03-09',
      headers: auth(m.tokens.owner),
    });
    expect(exported.statusCode).toBe(400);
  });

  it('export each table as CSV with BOM and as XLSX, formulas escaped', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const now = new Date();
    const store = await db
      .transaction()
      .execute((trx) => createStore(trx, m.ctx(), { code: 'F', name: '=HYPERLINK("x")' }));
    const member = await createMember(db, m.ctx('owner', now), { home_store_id: store.id });
    await sale(db, m, store.id, member.id, now, 12_345);
    const get = (query: string, lang = 'zh-CN') =>
      app.inject({
        url: `/api/dashboard/${query}`,
        headers: { ...auth(m.tokens.marketer), 'accept-language': lang },
      });

    const csv = await get('sales-by-store/export');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/dashboard-sales_by_store-.*\.csv/);
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    expect(
      csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n'),
    ).toEqual([
      '门店,订单数,净销售额（元）,消费会员数,客单价（元）',
      `"'=HYPERLINK(""x"")",1,123.45,1,123.45`,
    ]);
    const english = await get('kpis/export?format=csv', 'en');
    expect(english.body).toContain('Figure,Value');
    expect(english.body).toContain('123.45');

    const xlsx = await get('sales-by-store/export?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as never);
    const sheet = workbook.getWorksheet('sales_by_store');
    expect(sheet?.getRow(2).values).toEqual([undefined, '\'=HYPERLINK("x")', 1, 123.45, 1, 123.45]);

    for (const tile of TILES) {
      for (const format of ['csv', 'xlsx']) {
        const res = await get(`${tile}/export?format=${format}&period=week`);
        expect(res.statusCode, `${tile} ${format}`).toBe(200);
      }
    }
  });

  it('show each campaign launched in the period with its funnel and ROI', async () => {
    const { app, db } = await testApp();
    const { m, storeId } = await campaignWorld(db);
    const ctx = m.ctx('marketer');
    const template = await spend100save50(db, ctx);
    const target = await members(db, ctx, 3);
    const campaign = await draft(db, ctx, {
      name: '=回流券',
      target: { member_ids: target },
      actions: { coupon_template_id: template.id },
      control_bp: 0,
    });
    await launch(db, ctx, campaign.id);
    const coupon = await db
      .selectFrom('coupon')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', target[0] as string)
      .executeTakeFirstOrThrow();
    await sale(db, m, storeId, target[0] as string, new Date(), 20_000, [coupon.id], 5_000);

    const res = await app.inject({
      url: '/api/dashboard/campaigns?period=today',
      headers: auth(m.tokens.owner),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().campaigns).toEqual([
      expect.objectContaining({
        campaign_id: campaign.id,
        name: '=回流券',
        targeted: 3,
        issued: 3,
        redeemed: 1,
        revenue_fen: 15_000,
        discount_fen: 5_000,
        roi: 3,
      }),
    ]);
    const csv = await app.inject({
      url: '/api/dashboard/campaigns/export',
      headers: auth(m.tokens.owner),
    });
    expect(csv.body).toContain("'=回流券,3,3,1,150,50,3");
  });
});
