import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant, type TestMerchant } from '../../../test/factories.ts';
import { clockTestApp, key, walletClient, walletInvariants } from '../../../test/wallet-support.ts';
import { expireMerchantPoints } from '../../core/points/points-expiry.service.ts';

const setup = clockTestApp;
type Call = ReturnType<typeof walletClient>;

/** Five identical requests with one Idempotency-Key at once: one effect, five equal answers. */
async function fiveAtOnce(
  call: Call,
  url: string,
  body: unknown,
  role: 'cashier' | 'manager' = 'cashier',
) {
  const k = key();
  const results = await Promise.all(
    Array.from({ length: 5 }, () => call(role, 'POST', url, body, { key: k })),
  );
  const statuses = new Set(results.map((r) => r.statusCode));
  expect(statuses.size, `${url}: ${[...statuses]}`).toBe(1);
  expect([...statuses][0], `${url}: ${results[0]!.body}`).toBeLessThan(300);
  const bodies = new Set(results.map((r) => JSON.stringify(r.json())));
  expect(bodies.size, url).toBe(1);
  return results[0]!.json();
}

async function countRows(m: TestMerchant, table: string) {
  const { db } = await setup();
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(table)} where merchant_id = ${m.merchantId}`.execute(
    db,
  );
  return rows[0]!.n;
}

describe('the same Idempotency-Key 5× at once on every value-moving route kind', () => {
  it('recharge, refund, payment, earn, grant, spend, bonus, redeem, cancel, membership buy and refund', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await createMember(db, m.ctx());
    const on = `/api/members/${member.id}`;
    const entries = () => countRows(m, 'ledger_entry');

    const recharge = await fiveAtOnce(call, `${on}/recharges`, {
      amount_fen: 20_000,
      tenders: [{ method: 'cash', amount_fen: 20_000 }],
    });
    expect(await countRows(m, 'recharge')).toBe(1);
    await fiveAtOnce(call, `${on}/wallet/pay`, { amount_fen: 500, order_ref: 'o1' });
    expect(await countRows(m, 'wallet_payment')).toBe(1);
    const second = await fiveAtOnce(call, `${on}/recharges`, {
      amount_fen: 1000,
      tenders: [{ method: 'cash', amount_fen: 1000 }],
    });
    await fiveAtOnce(call, `/api/recharges/${second.id}/refund`, undefined, 'manager');
    expect(recharge.id).not.toBe(second.id);

    const before = await entries();
    await fiveAtOnce(call, `${on}/points/earn`, {
      order_ref: randomUUID(),
      lines: [{ category: 'food', amount_fen: 10_000 }],
      paid_at: new Date().toISOString(),
    });
    await fiveAtOnce(call, `${on}/points/grant`, { points: 50, reason: 'suggestion' });
    await fiveAtOnce(call, `${on}/points/activation`, undefined);
    await fiveAtOnce(call, `${on}/points/spend`, { points: 20, reason: 'gift' });
    expect((await entries()) - before).toBe(4);

    const reward = await call(
      'manager',
      'POST',
      '/api/mall/rewards',
      { kind: 'goods', name: 'Mug', points_price: 30, stock: 10 },
      { key: key() },
    );
    const redeemed = await fiveAtOnce(call, `/api/mall/rewards/${reward.json().id}/redeem`, {
      member_id: member.id,
    });
    expect(await countRows(m, 'mall_redemption')).toBe(1);
    await fiveAtOnce(call, `/api/mall/redemptions/${redeemed.id}/cancel`, { reason: 'no' });

    const plan = await call('owner', 'POST', '/api/membership/plans', {
      name: '月卡',
      price_fen: 990,
      duration_months: 1,
      refund_full_within_days: 7,
    });
    const bought = await fiveAtOnce(call, `${on}/membership`, {
      plan_id: plan.json().id,
      tenders: [{ method: 'cash', amount_fen: 990 }],
    });
    expect(await countRows(m, 'paid_membership')).toBe(1);
    await fiveAtOnce(call, `/api/paid-memberships/${bought.id}/refund`, undefined, 'manager');

    const points = (await call('cashier', 'GET', `${on}/points`)).json();
    expect(points.balance).toBe(100 + 50 + 100 - 20); // earn ¥100, grant, activation, spend
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });
});

describe('50 parallel mixed points operations on one member', () => {
  it('earn, spend, grant and expiry interleave: entries sum to the balance, lots to the balance, refusals are insufficient', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await createMember(db, m.ctx());
    const on = `/api/members/${member.id}`;
    await call('owner', 'PUT', '/api/points/rules', {
      expiry_policy: 'months_after',
      expiry_months: 1,
      grant_daily_ceilings: { manager: 100_000 },
    });
    await call(
      'owner',
      'POST',
      `${on}/points/grant`,
      { points: 1000, reason: 'start' },
      { key: key() },
    );
    const later = new Date(Date.now() + 40 * 86_400_000);
    const ops = Array.from({ length: 50 }, (_, i) => {
      switch (i % 5) {
        case 0:
          return call(
            'cashier',
            'POST',
            `${on}/points/earn`,
            {
              order_ref: `o${i}`,
              lines: [{ category: 'food', amount_fen: 3000 + i * 10 }],
              paid_at: new Date().toISOString(),
            },
            { key: key() },
          );
        case 1:
        case 2:
          return call(
            'cashier',
            'POST',
            `${on}/points/spend`,
            { points: 40 + i, reason: 'gift' },
            { key: key() },
          );
        case 3:
          return call(
            'manager',
            'POST',
            `${on}/points/grant`,
            { points: 25, reason: 'suggestion' },
            { key: key() },
          );
        default:
          // the expiry sweep, 40 days on (every lot expired), racing the counter
          return db
            .transaction()
            .execute((trx) => expireMerchantPoints(trx, m.ctx('owner', later)))
            .then(() => ({ statusCode: 200, json: () => ({}) }));
      }
    });
    const results = await Promise.all(ops);
    for (const r of results) {
      if (r.statusCode === 200) continue;
      expect(r.statusCode).toBe(409);
      expect((r.json() as { error: { code: string } }).error.code).toBe('points.insufficient');
    }
    const { rows } = await sql<{ balance: number; entries: number; lots: number }>`
      select b.balance::int,
        (select sum(amount)::int from ledger_entry e where e.merchant_id = b.merchant_id
          and e.member_id = b.member_id and e.ledger = 'points') as entries,
        (select coalesce(sum(remaining), 0)::int from points_lot l
          where l.merchant_id = b.merchant_id and l.member_id = b.member_id) as lots
      from ledger_balance b
      where b.merchant_id = ${m.merchantId} and b.member_id = ${member.id} and b.ledger = 'points'`.execute(
      db,
    );
    const row = rows[0]!;
    expect(row.entries).toBe(row.balance);
    expect(row.lots).toBe(row.balance);
    expect(row.balance).toBeGreaterThanOrEqual(0);
  });
});
