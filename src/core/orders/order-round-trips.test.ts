import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
  testConfig,
} from '../../../test/factories.ts';
import { cash, recharge } from '../../../test/wallet-support.ts';
import { connect } from '../../db/connect.ts';
import { buildApp } from '../../http/app.ts';
import { creditPoints } from '../points/points-lot.service.ts';

// Through Node the ceiling of the checkout is round trips, not SQL (docs/benchmarks.md): these
// count the statements one request sends to PostgreSQL, on the wire, and hold them to the
// target (DESIGN.md §7: at most 3 per commit besides BEGIN/COMMIT).
const COMMIT_CEILING = 3;
const QUOTE_CEILING = 1;

/** An app on its own pool whose clients count (and keep) every statement they send. */
async function countingApp() {
  const { url } = await testDb();
  const conn = connect(url, 4);
  const sent: string[] = [];
  conn.pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      sent.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
      return query(...args);
    };
  });
  const app = await buildApp({ db: conn.db, config: testConfig() });
  await app.ready();
  afterAll(async () => {
    await app.close();
    await conn.db.destroy();
  });
  const during = async (fn: () => Promise<unknown>) => {
    sent.length = 0;
    await fn();
    const statements = [...sent];
    const inTransaction = statements.filter((s) => !/^(begin|commit|rollback)\b/i.test(s.trim()));
    return { statements, count: inTransaction.length };
  };
  return { app, during };
}

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

/** A member with ¥200 principal, 1000 points and one 满100减20 coupon; points pay 100 = ¥1. */
async function world() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const store = await postWithKey(app, m.tokens.owner, '/api/stores', {
    name: '一号店',
    code: 'S1',
  });
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
  return { m, storeId: store.json().id as string, memberId: member.id, couponId: coupon.json().id };
}

describe('checkout round trips', () => {
  it('counts the statements of a quote, a full commit and a hot-row commit', async () => {
    const w = await world();
    const { app, during } = await countingApp();
    /** ¥160 − ¥20 coupon; 500 points pay ¥5; ¥50 stored value; ¥85 cash (a second tender). */
    const sale = (coupon: boolean) => ({
      store_id: w.storeId,
      member_id: w.memberId,
      lines: [
        { name: '拿铁', category: 'drinks', unit_price_fen: 3_000, quantity: 2 },
        { name: '蛋糕', category: 'food', unit_price_fen: 5_000, quantity: 2 },
      ],
      coupon_ids: coupon ? [w.couponId] : [],
      points_to_use: 500,
      stored_value_fen: 5_000,
      tenders: [{ method: 'cash', amount_fen: coupon ? 8_500 : 10_500 }],
    });
    const quote = () =>
      app.inject({
        method: 'POST',
        url: '/api/checkout/quote',
        headers: auth(w.m.tokens.cashier),
        payload: sale(true),
      });
    const commit = (coupon: boolean) =>
      app.inject({
        method: 'POST',
        url: '/api/orders',
        headers: { ...auth(w.m.tokens.cashier), 'idempotency-key': randomUUID() },
        payload: sale(coupon),
      });
    expect((await quote()).statusCode).toBe(200); // the session is cached from here on

    const quoted = await during(async () => expect((await quote()).statusCode).toBe(200));
    let status = 0;
    const committed = await during(async () => {
      const res = await commit(true);
      status = res.statusCode;
      expect(res.json()).toMatchObject({ coupon_discount_fen: 2_000, points_used: 500 });
    });
    expect(status).toBe(201);
    const hot = await during(async () => expect((await commit(false)).statusCode).toBe(201));

    console.log(
      `round trips: quote ${quoted.count}, commit ${committed.count}, hot-row commit ${hot.count}\n` +
        committed.statements.map((s) => `  ${s.replace(/\s+/g, ' ').slice(0, 110)}`).join('\n'),
    );
    expect(quoted.count).toBeLessThanOrEqual(QUOTE_CEILING);
    expect(committed.count).toBeLessThanOrEqual(COMMIT_CEILING);
    expect(hot.count).toBeLessThanOrEqual(COMMIT_CEILING);
  });
});
