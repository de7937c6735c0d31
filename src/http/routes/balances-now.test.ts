import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { clockTestApp, key, S9_PLAN, walletClient } from '../../../test/wallet-support.ts';

describe('balances are exact at the instant asked', () => {
  it('GET /members/:id counts expired points lots and bonus parts as gone before any sweep', async () => {
    const { app, db } = await clockTestApp();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await createMember(db, m.ctx());
    await call('owner', 'PUT', '/api/points/rules', {
      expiry_policy: 'months_after',
      expiry_months: 1,
      activation_bonus: 0,
    });
    const earned = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/points/earn`,
      {
        order_ref: randomUUID(),
        lines: [{ category: 'food', amount_fen: 50_000 }],
        paid_at: new Date().toISOString(),
      },
      { key: key() },
    );
    expect(earned.json().points).toBe(500);
    const plan = await call('owner', 'POST', '/api/recharge-plans', S9_PLAN);
    expect(plan.statusCode).toBe(201);
    const recharged = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      { plan_id: plan.json().id, tenders: [{ method: 'cash', amount_fen: 10_000 }] },
      { key: key() },
    );
    expect(recharged.statusCode).toBe(201);
    const now = (await call('cashier', 'GET', `/api/members/${member.id}`)).json().balances;
    expect(now.points).toBe(500);

    for (const months of [2, 7]) {
      const later = new Date(Date.now() + months * 31 * 86_400_000).toISOString();
      const detail = (
        await call('cashier', 'GET', `/api/members/${member.id}`, undefined, { now: later })
      ).json();
      const wallet = (
        await call('cashier', 'GET', `/api/members/${member.id}/wallet`, undefined, { now: later })
      ).json();
      expect(detail.balances.points, `${months} months`).toBe(0);
      expect(detail.balances.bonus, `${months} months`).toBe(wallet.bonus_fen);
      expect(detail.balances.principal).toBe(10_000);
    }
    // no sweep ran: the ledger still holds the points, so the answer came from the clock
    const ledger = await db
      .selectFrom('ledger_balance')
      .select('balance')
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', member.id)
      .where('ledger', '=', 'points')
      .executeTakeFirstOrThrow();
    expect(ledger.balance).toBe(500);
  });
});
