import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
} from '../../../test/factories.ts';
import { grantPoints } from '../../core/points/points.service.ts';
import type { Db } from '../../db/database.ts';

const post = postWithKey;

async function setup(stock: number | null, extra: object = {}) {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const res = await post(app, m.tokens.manager, '/api/mall/rewards', {
    kind: 'goods',
    name: 'Tote bag',
    points_price: 300,
    stock,
    ...extra,
  });
  expect(res.statusCode).toBe(201);
  return { app, db, m, rewardId: res.json().id as string };
}

async function memberWithPoints(
  db: Db,
  m: Awaited<ReturnType<typeof createTestMerchant>>,
  points: number,
) {
  const member = await createMember(db, m.ctx());
  await db
    .transaction()
    .execute((trx) => grantPoints(trx, m.ctx('owner'), member.id, { points, reason: 'test' }));
  return member.id;
}

/** Entries sum to balances and lots never hold more than the balance, for the merchant. */
async function ledgerConsistent(db: Db, merchantId: string) {
  const { rows } = await sql<{ bad: number }>`
    select count(*)::int as bad from ledger_balance b
    where b.merchant_id = ${merchantId} and b.ledger = 'points' and (
      b.balance <> (select coalesce(sum(amount), 0) from ledger_entry e
        where e.merchant_id = b.merchant_id and e.member_id = b.member_id and e.ledger = 'points')
      or b.balance <> (select coalesce(sum(remaining), 0) from points_lot l
        where l.merchant_id = b.merchant_id and l.member_id = b.member_id))`.execute(db);
  return rows[0]!.bad === 0;
}

describe('points mall redemption', () => {
  it('20 concurrent redemptions of the last item: exactly 1 succeeds, 19 are out of stock', async () => {
    const { app, db, m, rewardId } = await setup(1);
    const members = await Promise.all(
      Array.from({ length: 20 }, () => memberWithPoints(db, m, 1000)),
    );
    const results = await Promise.all(
      members.map((id) =>
        post(app, m.tokens.cashier, `/api/mall/rewards/${rewardId}/redeem`, { member_id: id }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().error.code).toBe('mall.out_of_stock');
    const winner = results.find((r) => r.statusCode === 201)!.json();

    const reward = await db
      .selectFrom('mall_reward')
      .select('stock')
      .where('id', '=', rewardId)
      .executeTakeFirstOrThrow();
    expect(reward.stock).toBe(0);
    const redemptions = await db
      .selectFrom('mall_redemption')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(redemptions.map((r) => r.member_id)).toEqual([winner.member_id]);
    const debits = await db
      .selectFrom('ledger_entry')
      .select(['member_id', 'amount'])
      .where('merchant_id', '=', m.merchantId)
      .where('kind', '=', 'mall_redeem')
      .execute();
    expect(debits).toEqual([{ member_id: winner.member_id, amount: -300 }]);
    expect(await ledgerConsistent(db, m.merchantId)).toBe(true);
  });

  it('one member racing for a limited reward gets it exactly up to the limit', async () => {
    const { app, db, m, rewardId } = await setup(50, { per_member_limit: 2 });
    const memberId = await memberWithPoints(db, m, 10_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(app, m.tokens.cashier, `/api/mall/rewards/${rewardId}/redeem`, {
          member_id: memberId,
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(2);
    const refused = results.filter((r) => r.statusCode === 409).map((r) => r.json().error);
    expect(refused).toHaveLength(8);
    for (const e of refused)
      expect(e).toMatchObject({ code: 'mall.limit_reached', params: { limit: 2 } });
    const reward = await db
      .selectFrom('mall_reward')
      .select('stock')
      .where('id', '=', rewardId)
      .executeTakeFirstOrThrow();
    expect(reward.stock).toBe(48);
    expect(await ledgerConsistent(db, m.merchantId)).toBe(true);
  });

  it('not enough points → 409 points.insufficient, stock and points untouched', async () => {
    const { app, db, m, rewardId } = await setup(5);
    const memberId = await memberWithPoints(db, m, 299);
    const res = await post(app, m.tokens.cashier, `/api/mall/rewards/${rewardId}/redeem`, {
      member_id: memberId,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'points.insufficient',
      params: { available: 299 },
    });
    const reward = await db
      .selectFrom('mall_reward')
      .select('stock')
      .where('id', '=', rewardId)
      .executeTakeFirstOrThrow();
    expect(reward.stock).toBe(5);
    const count = await db
      .selectFrom('mall_redemption')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(count).toHaveLength(0);
  });

  it('cancel restores points (pointing at the spend) and stock, and cannot happen twice', async () => {
    const { app, db, m, rewardId } = await setup(1);
    const memberId = await memberWithPoints(db, m, 500);
    const redeemed = await post(app, m.tokens.cashier, `/api/mall/rewards/${rewardId}/redeem`, {
      member_id: memberId,
    });
    expect(redeemed.statusCode).toBe(201);
    const id = redeemed.json().id;
    const cancels = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(app, m.tokens.cashier, `/api/mall/redemptions/${id}/cancel`, {
          reason: 'changed mind',
        }),
      ),
    );
    expect(cancels.filter((c) => c.statusCode === 200)).toHaveLength(1);
    for (const c of cancels.filter((x) => x.statusCode !== 200))
      expect(c.json().error.code).toBe('mall.already_cancelled');
    const cancelled = cancels.find((c) => c.statusCode === 200)!.json();
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: 'changed mind' });

    const entries = await db
      .selectFrom('ledger_entry')
      .select(['id', 'kind', 'amount', 'reverses_id', 'balance_after'])
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', memberId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(entries.map((e) => [e.kind, e.amount, e.balance_after])).toEqual([
      ['grant', 500, 500],
      ['mall_redeem', -300, 200],
      ['mall_refund', 300, 500],
    ]);
    expect(entries[2]!.reverses_id).toBe(entries[1]!.id);
    expect(cancelled.refund_entry_id).toBe(entries[2]!.id);
    const lot = await db
      .selectFrom('points_lot')
      .select('remaining')
      .where('member_id', '=', memberId)
      .executeTakeFirstOrThrow();
    expect(lot.remaining).toBe(500);
    const reward = await db
      .selectFrom('mall_reward')
      .select('stock')
      .where('id', '=', rewardId)
      .executeTakeFirstOrThrow();
    expect(reward.stock).toBe(1);
    // the code of a cancelled redemption hands nothing over
    const pickup = await app.inject({
      method: 'POST',
      url: '/api/mall/pickup',
      headers: auth(m.tokens.cashier),
      payload: { pickup_code: redeemed.json().pickup_code },
    });
    expect(pickup.json().error.code).toBe('mall.already_cancelled');
    expect(await ledgerConsistent(db, m.merchantId)).toBe(true);
  });

  it('refuses a coupon reward without its template, and rewards off sale', async () => {
    const { app, db, m, rewardId } = await setup(5, {
      ends_on: '2020-01-31',
      starts_on: '2020-01-01',
    });
    const coupon = await post(app, m.tokens.manager, '/api/mall/rewards', {
      kind: 'coupon',
      name: 'Spend 500 save 50',
      points_price: 200,
    });
    expect(coupon.statusCode).toBe(400);
    expect(coupon.json().error).toMatchObject({
      code: 'mall.coupon_template_required',
      field: 'coupon_template_id',
    });
    const badDates = await post(app, m.tokens.manager, '/api/mall/rewards', {
      kind: 'service',
      name: 'Massage',
      points_price: 200,
      starts_on: '2026-02-01',
      ends_on: '2026-01-01',
    });
    expect(badDates.json().error).toMatchObject({ code: 'points.dates_invalid', field: 'ends_on' });
    const memberId = await memberWithPoints(db, m, 1000);
    const off = await post(app, m.tokens.cashier, `/api/mall/rewards/${rewardId}/redeem`, {
      member_id: memberId,
    });
    expect(off.statusCode).toBe(409);
    expect(off.json().error.code).toBe('mall.not_available');
    const cashierCreates = await post(app, m.tokens.cashier, '/api/mall/rewards', {
      kind: 'goods',
      name: 'x',
      points_price: 1,
    });
    expect(cashierCreates.statusCode).toBe(403);
    const list = await app.inject({
      method: 'GET',
      url: '/api/mall/rewards?available=true',
      headers: auth(m.tokens.cashier),
    });
    expect(list.json()).toEqual([]);
  });
});
