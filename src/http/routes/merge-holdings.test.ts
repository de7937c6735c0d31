import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { clockTestApp, key, walletClient, walletInvariants } from '../../../test/wallet-support.ts';

const setup = clockTestApp;

describe('merge completeness (S10)', () => {
  it('moves growth and tier, recharges, paid memberships, the payment password and redemptions; the survivor refunds and cancels', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const gold = await call('owner', 'POST', '/api/tiers', { name: 'Gold', threshold: 1000 });
    expect(gold.statusCode).toBe(201);
    const reward = await call(
      'manager',
      'POST',
      '/api/mall/rewards',
      { kind: 'goods', name: 'Tote', points_price: 300, stock: 5 },
      { key: key() },
    );
    const plan = await call('owner', 'POST', '/api/membership/plans', {
      name: '年卡',
      price_fen: 9900,
      duration_months: 12,
      refund_full_within_days: 7,
    });
    expect(plan.statusCode).toBe(201);
    const merged = await createMember(db, m.ctx());
    const survivor = await createMember(db, m.ctx());
    const on = (id: string) => `/api/members/${id}`;

    const earn = await call(
      'cashier',
      'POST',
      `${on(merged.id)}/points/earn`,
      {
        order_ref: randomUUID(),
        lines: [{ category: 'food', amount_fen: 120_000 }],
        paid_at: new Date().toISOString(),
      },
      { key: key() },
    );
    expect(earn.json()).toMatchObject({ upgraded: true, tier_id: gold.json().id });
    const redeemed = await call(
      'cashier',
      'POST',
      `/api/mall/rewards/${reward.json().id}/redeem`,
      { member_id: merged.id },
      { key: key() },
    );
    expect(redeemed.statusCode).toBe(201);
    const recharge = await call(
      'cashier',
      'POST',
      `${on(merged.id)}/recharges`,
      { amount_fen: 5000, tenders: [{ method: 'cash', amount_fen: 5000 }] },
      { key: key() },
    );
    expect(recharge.statusCode).toBe(201);
    const membership = await call(
      'cashier',
      'POST',
      `${on(merged.id)}/membership`,
      { plan_id: plan.json().id, tenders: [{ method: 'cash', amount_fen: 9900 }] },
      { key: key() },
    );
    expect(membership.statusCode).toBe(201);
    await call('manager', 'POST', `${on(merged.id)}/payment-password/reset`, {
      password: '135790',
      identity_check: { method: 'in_person', reference: 'present' },
    });

    const tag = async (name: string, holders: string[]) => {
      const made = await call('owner', 'POST', '/api/tags', { name, kind: 'manual' });
      expect(made.statusCode).toBe(201);
      for (const id of holders)
        expect(
          (await call('cashier', 'POST', `${on(id)}/tags`, { tag_ids: [made.json().id] }))
            .statusCode,
        ).toBeLessThan(300);
      return made.json().id as string;
    };
    const regular = await tag(`常客${randomUUID().slice(0, 6)}`, [merged.id]);
    const both = await tag(`双卡${randomUUID().slice(0, 6)}`, [merged.id, survivor.id]);

    const merge = await call(
      'manager',
      'POST',
      '/api/members/merge',
      { survivor_id: survivor.id, merged_id: merged.id },
      { key: key() },
    );
    expect(merge.statusCode).toBe(200);
    expect(merge.json().moved).toMatchObject({
      recharges: 1,
      paid_memberships: 1,
      mall_redemptions: 1,
      payment_password: 'moved',
      loyalty: { growth: 1200, tier_id: gold.json().id, tier_changed: true },
      tags: 1,
    });
    const held = await db
      .selectFrom('member_tag')
      .select(['tag_id', 'member_id'])
      .where('merchant_id', '=', m.merchantId)
      .orderBy('tag_id')
      .execute();
    expect(held).toEqual(
      [regular, both].sort().map((tag_id) => ({ tag_id, member_id: survivor.id })),
    );
    const loyalty = await db
      .selectFrom('member_loyalty')
      .select(['member_id', 'growth', 'tier_id'])
      .where('merchant_id', '=', m.merchantId)
      .orderBy('growth', 'desc')
      .execute();
    expect(loyalty[0]).toEqual({ member_id: survivor.id, growth: 1200, tier_id: gold.json().id });
    const survivorView = (await call('cashier', 'GET', on(survivor.id))).json();
    expect(JSON.stringify(survivorView)).toContain(gold.json().id);

    // the survivor pays with the password, cancels the redemption, refunds the recharge
    await call('owner', 'PUT', '/api/wallet/settings', { password_threshold_fen: 0 });
    const pay = await call(
      'cashier',
      'POST',
      `${on(survivor.id)}/wallet/pay`,
      { amount_fen: 100, order_ref: 'after-merge', payment_password: '135790' },
      { key: key() },
    );
    expect(pay.statusCode).toBe(201);
    const cancel = await call(
      'cashier',
      'POST',
      `/api/mall/redemptions/${redeemed.json().id}/cancel`,
      { reason: 'changed mind' },
      { key: key() },
    );
    expect(cancel.statusCode).toBe(200);
    const refund = await call(
      'manager',
      'POST',
      `/api/recharges/${recharge.json().id}/refund`,
      undefined,
      { key: key() },
    );
    expect(refund.statusCode).toBe(200);
    const membershipRefund = await call(
      'manager',
      'POST',
      `/api/paid-memberships/${membership.json().id}/refund`,
      undefined,
      { key: key() },
    );
    expect(membershipRefund.statusCode).toBe(200);

    const points = await sql<{ member_id: string; balance: number; lots: number; entries: number }>`
      select b.member_id, b.balance::int,
        (select coalesce(sum(remaining), 0)::int from points_lot l
          where l.merchant_id = b.merchant_id and l.member_id = b.member_id) as lots,
        (select coalesce(sum(amount), 0)::int from ledger_entry e where e.merchant_id = b.merchant_id
          and e.member_id = b.member_id and e.ledger = 'points') as entries
      from ledger_balance b where b.merchant_id = ${m.merchantId} and b.ledger = 'points'
      order by b.member_id`.execute(db);
    for (const row of points.rows) {
      expect(row.lots, row.member_id).toBe(row.balance);
      expect(row.entries, row.member_id).toBe(row.balance);
    }
    const survivorPoints = points.rows.find((r) => r.member_id === survivor.id)!;
    expect(survivorPoints.balance).toBe(1200); // 1200 earned, 300 spent and given back
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });
});
