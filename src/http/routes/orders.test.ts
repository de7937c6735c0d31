import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  type TestMerchant,
  testApp,
} from '../../../test/factories.ts';
import { cash, recharge, walletInvariants } from '../../../test/wallet-support.ts';
import { creditPoints } from '../../core/points/points-lot.service.ts';
import type { Db } from '../../db/database.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];

const threshold = {
  name: '满100减20',
  benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 2_000 },
  validity: { mode: 'days_after_claim', days: 30 },
  usable_weekdays: null,
  usable_hours: null,
  scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
  stacking: { mode: 'exclusive' },
  total_stock: null,
  per_member_limit: null,
};

async function storeOf(db: Db, m: TestMerchant) {
  const row = await db
    .selectFrom('store')
    .select('id')
    .where('merchant_id', '=', m.merchantId)
    .executeTakeFirst();
  if (row) return row.id;
  const { app } = await testApp();
  const res = await postWithKey(app, m.tokens.owner, '/api/stores', { name: '一号店', code: 'S1' });
  return res.json().id as string;
}

/** A member with ¥200 principal, 1000 points, one 满100减20 coupon; points pay 100 = ¥1, up to half. */
async function world() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const storeId = await storeOf(db, m);
  const member = await createMember(db, m.ctx());
  await recharge(db, m.ctx('cashier'), member.id, { amount_fen: 20_000, tenders: cash(20_000) });
  await db
    .transaction()
    .execute((trx) =>
      creditPoints(trx, m.ctx(), { memberId: member.id, amount: 1_000, kind: 'grant' }),
    );
  const settings = await app.inject({
    method: 'PATCH',
    url: '/api/checkout/settings',
    headers: auth(m.tokens.owner),
    payload: { points_per_unit: 100, fen_per_unit: 100, max_share_bp: 5000 },
  });
  expect(settings.statusCode).toBe(200);
  const tpl = await postWithKey(app, m.tokens.marketer, '/api/coupon-templates', threshold);
  const coupon = await postWithKey(app, m.tokens.cashier, `/api/members/${member.id}/coupons`, {
    template_id: tpl.json().id,
    reason: '开业赠券',
  });
  expect(coupon.statusCode).toBe(201);
  return { app, db, m, storeId, memberId: member.id, couponId: coupon.json().id as string };
}

type World = Awaited<ReturnType<typeof world>>;

/** ¥160 of goods − ¥20 coupon = ¥140; 500 points pay ¥5; ¥100 stored value; ¥35 cash. */
const sale = (w: World, extra: object = {}) => ({
  store_id: w.storeId,
  member_id: w.memberId,
  lines: [
    { name: '拿铁', category: 'drinks', unit_price_fen: 3_000, quantity: 2 },
    { name: '蛋糕', category: 'food', unit_price_fen: 5_000, quantity: 2 },
  ],
  coupon_ids: [w.couponId],
  points_to_use: 500,
  stored_value_fen: 10_000,
  tenders: [{ method: 'cash', amount_fen: 3_500, received_fen: 5_000 }],
  ...extra,
});

const balances = async (db: Db, memberId: string) =>
  Object.fromEntries(
    (
      await db
        .selectFrom('ledger_balance')
        .select(['ledger', 'balance'])
        .where('member_id', '=', memberId)
        .execute()
    ).map((b) => [b.ledger, b.balance]),
  );

const commit = (app: App, w: World, body: object, key?: string) =>
  postWithKey(app, w.m.tokens.cashier, '/api/orders', body, key);

describe('checkout', () => {
  it('quotes with a trace and commits the same amounts in one transaction', async () => {
    const w = await world();
    const quote = await w.app.inject({
      method: 'POST',
      url: '/api/checkout/quote',
      headers: auth(w.m.tokens.cashier),
      payload: sale(w),
    });
    expect(quote.statusCode).toBe(200);
    const q = quote.json();
    expect(q).toMatchObject({
      amount_fen: 16_000,
      coupon_discount_fen: 2_000,
      points_used: 500,
      points_deduction_fen: 500,
      due_fen: 13_500,
      principal_fen: 10_000,
      tender_fen: 3_500,
      problems: [],
    });
    expect(q.trace.map((t: { step: string }) => t.step)).toEqual([
      'coupon',
      'points',
      'stored_value',
      'tender',
      'earn',
    ]);
    expect(
      await w.db
        .selectFrom('sale_order')
        .select('id')
        .where('merchant_id', '=', w.m.merchantId)
        .execute(),
    ).toEqual([]);

    const res = await commit(w.app, w, sale(w));
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      status: 'paid',
      due_fen: 13_500,
      principal_fen: 10_000,
      applied_coupon_ids: [w.couponId],
      points_earned: q.points_earned,
    });
    expect(order.tenders).toMatchObject([
      { direction: 'charge', method: 'cash', amount_fen: 3_500 },
    ]);
    const coupon = await w.db
      .selectFrom('coupon')
      .select('status')
      .where('id', '=', w.couponId)
      .executeTakeFirstOrThrow();
    expect(coupon.status).toBe('redeemed');
    const b = await balances(w.db, w.memberId);
    expect(b.principal).toBe(10_000);
    expect(b.points).toBe(1_000 - 500 + q.points_earned);
    expect(await walletInvariants(w.db, w.m.merchantId)).toBe(0);
    const got = await w.app.inject({
      url: `/api/orders/${order.id}`,
      headers: auth(w.m.tokens.cashier),
    });
    expect(got.json()).toEqual(order);
  });

  it('refuses tenders that do not add up (400) and a coupon below its threshold (422), changing nothing', async () => {
    const w = await world();
    const short = await commit(
      w.app,
      w,
      sale(w, { tenders: [{ method: 'cash', amount_fen: 100 }] }),
    );
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({
      code: 'checkout.tenders_mismatch',
      field: 'tenders',
    });
    const small = await commit(
      w.app,
      w,
      sale(w, {
        lines: [{ name: '拿铁', category: 'drinks', unit_price_fen: 3_000, quantity: 1 }],
        points_to_use: 0,
        stored_value_fen: 0,
        tenders: [{ method: 'cash', amount_fen: 3_000 }],
      }),
    );
    expect(small.statusCode).toBe(422);
    expect(small.json().error).toMatchObject({ code: 'coupon.below_threshold', field: 'coupons' });
    expect(await balances(w.db, w.memberId)).toEqual({ principal: 20_000, points: 1_000 });
    const orders = await w.db
      .selectFrom('sale_order')
      .select('id')
      .where('merchant_id', '=', w.m.merchantId)
      .execute();
    expect(orders).toEqual([]);
  });

  it('refuses more points or stored value than the member has (409 with the available amount) and another member’s coupon (422)', async () => {
    const w = await world();
    const points = await commit(w.app, w, sale(w, { points_to_use: 5_000 }));
    expect(points.statusCode).toBe(409);
    expect(points.json().error).toMatchObject({
      code: 'points.insufficient',
      field: 'points_to_use',
      params: { available: 1_000 },
    });
    const stored = await commit(w.app, w, sale(w, { stored_value_fen: 13_500, tenders: [] }));
    expect(stored.statusCode).toBe(201);
    const more = await commit(
      w.app,
      w,
      sale(w, { coupon_ids: [], points_to_use: 0, stored_value_fen: 16_000, tenders: [] }),
    );
    expect(more.statusCode).toBe(409);
    expect(more.json().error).toMatchObject({
      code: 'wallet.insufficient',
      params: { available_fen: 6_500 },
    });
    const other = await createMember(w.db, w.m.ctx());
    const foreign = await commit(
      w.app,
      w,
      sale(w, {
        member_id: other.id,
        points_to_use: 0,
        stored_value_fen: 0,
        tenders: [{ method: 'cash', amount_fen: 14_000 }],
      }),
    );
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().error).toMatchObject({
      code: 'coupon.wrong_member',
      field: 'coupon_ids.0',
    });
    expect(await walletInvariants(w.db, w.m.merchantId)).toBe(0);
  });

  it('one key sent 5 times at once makes one order and five identical answers; another body is 409', async () => {
    const w = await world();
    const key = randomUUID();
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => commit(w.app, w, sale(w), key)));
    expect(all.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(all.map((r) => r.body)).size).toBe(1);
    const orders = await w.db
      .selectFrom('sale_order')
      .select('id')
      .where('merchant_id', '=', w.m.merchantId)
      .execute();
    expect(orders).toHaveLength(1);
    const other = await commit(
      w.app,
      w,
      sale(w, { points_to_use: 0, tenders: [{ method: 'cash', amount_fen: 4_000 }] }),
      key,
    );
    expect(other.statusCode).toBe(409);
  });

  it('20 concurrent checkouts with one coupon: exactly one succeeds', async () => {
    const w = await world();
    const body = sale(w, {
      points_to_use: 0,
      stored_value_fen: 0,
      tenders: [{ method: 'cash', amount_fen: 14_000 }],
    });
    const all = await Promise.all(Array.from({ length: 20 }, () => commit(w.app, w, body)));
    const ok = all.filter((r) => r.statusCode === 201);
    expect(ok).toHaveLength(1);
    for (const r of all.filter((x) => x.statusCode !== 201))
      expect(r.json().error.code).toBe('coupon.already_redeemed');
    expect(await walletInvariants(w.db, w.m.merchantId)).toBe(0);
  });

  it('partial refunds of every unit one by one end exactly where a full refund ends', async () => {
    const a = await world();
    const b = await world();
    const oa = (await commit(a.app, a, sale(a))).json();
    const ob = (await commit(b.app, b, sale(b))).json();
    const refund = (w: World, id: string, body: object) =>
      postWithKey(w.app, w.m.tokens.manager, `/api/orders/${id}/refunds`, body);
    const full = await refund(a, oa.id, { reason: '顾客退货' });
    expect(full.statusCode, full.body).toBe(201);
    expect(full.json()).toMatchObject({ complete: true });
    for (const line of ob.lines)
      for (let i = 0; i < line.quantity; i++) {
        const part = await refund(b, ob.id, {
          reason: '部分退货',
          lines: [{ line_id: line.line_id, quantity: 1 }],
        });
        expect(part.statusCode).toBe(201);
      }
    const beyond = await refund(b, ob.id, {
      reason: 'again',
      lines: [{ line_id: '1', quantity: 1 }],
    });
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json().error.code).toBe('checkout.refund_exceeds');
    const again = await refund(a, oa.id, { reason: 'again' });
    expect(again.json().error.code).toBe('order.nothing_to_refund');
    const ba = await balances(a.db, a.memberId);
    const bb = await balances(b.db, b.memberId);
    expect(ba).toEqual(bb);
    expect(ba).toEqual({ principal: 20_000, points: 1_000 });
    for (const w of [a, b]) {
      const c = await w.db
        .selectFrom('coupon')
        .select('status')
        .where('id', '=', w.couponId)
        .executeTakeFirstOrThrow();
      expect(c.status).toBe('issued');
      const t = await w.db
        .selectFrom('tender')
        .select((eb) => eb.fn.sum<number>('amount_fen').as('fen'))
        .where('merchant_id', '=', w.m.merchantId)
        .where('ref_type', '=', 'order')
        .where('direction', '=', 'refund')
        .executeTakeFirstOrThrow();
      expect(Number(t.fen)).toBe(3_500);
      expect(await walletInvariants(w.db, w.m.merchantId)).toBe(0);
    }
  });

  it('imports an online order once per channel and external id, matched by phone', async () => {
    const w = await world();
    const member = await w.db
      .selectFrom('member')
      .select('phone')
      .where('id', '=', w.memberId)
      .executeTakeFirstOrThrow();
    const body = {
      channel: 'mini_program',
      external_id: 'WX-1001',
      store_id: w.storeId,
      phone: member.phone!,
      paid_at: new Date().toISOString(),
      lines: [
        { name: '礼盒', category: 'food', unit_price_fen: 10_000, quantity: 1, paid_fen: 9_000 },
      ],
    };
    const post = () =>
      w.app.inject({
        method: 'POST',
        url: '/api/orders/import',
        headers: auth(w.m.tokens.cashier),
        payload: body,
      });
    const [one, two] = await Promise.all([post(), post()]);
    expect(one!.statusCode).toBe(200);
    expect(two!.json().id).toBe(one!.json().id);
    expect(one!.json()).toMatchObject({
      member_id: w.memberId,
      channel: 'mini_program',
      due_fen: 9_000,
    });
  });
});
