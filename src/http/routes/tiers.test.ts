import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auth, createTestMerchant, testApp, uniquePhone } from '../../../test/factories.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];

function call(
  app: App,
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) {
  return app.inject({
    method,
    url,
    headers: { ...auth(token), ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}) },
    ...(payload ? { payload } : {}),
  });
}

describe('tiers', () => {
  it('upgrade at once on growth from spend; the multiplier applies from the next order', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const { owner, cashier } = m.tokens;
    const silver = await call(app, owner, 'POST', '/api/tiers', {
      name: 'Silver',
      threshold: 1000,
      discount_bp: 500,
      points_multiplier_bp: 15_000,
      rights: [{ code: 'upsize', name: 'Free size upgrade', monthly_uses: 2 }],
    });
    expect(silver.statusCode).toBe(201);
    const same = await call(app, owner, 'POST', '/api/tiers', { name: 'Other', threshold: 1000 });
    expect(same.statusCode).toBe(409);
    expect(same.json().error).toMatchObject({ code: 'tier.threshold_taken', field: 'threshold' });
    const dup = await call(app, owner, 'POST', '/api/tiers', {
      name: 'Gold',
      threshold: 5000,
      rights: [
        { code: 'a', name: 'a', monthly_uses: 1 },
        { code: 'a', name: 'b', monthly_uses: 1 },
      ],
    });
    expect(dup.json().error).toMatchObject({ code: 'tier.rights_invalid', field: 'rights.1.code' });
    expect(
      (await call(app, cashier, 'POST', '/api/tiers', { name: 'X', threshold: 1 })).statusCode,
    ).toBe(403);

    const member = (
      await call(app, cashier, 'POST', '/api/members', { phone: uniquePhone() })
    ).json();
    const earn = (ref: string, fen: number) =>
      call(app, cashier, 'POST', `/api/members/${member.id}/points/earn`, {
        order_ref: ref,
        lines: [{ category: 'cake', amount_fen: fen }],
        paid_at: new Date().toISOString(),
      });
    const first = await earn(`o-${randomUUID()}`, 120_000); // ¥1,200 → 1200 growth, 1200 points at 1×
    expect(first.json()).toMatchObject({
      points: 1200,
      growth: 1200,
      upgraded: true,
      tier_id: silver.json().id,
    });
    const second = await earn(`o-${randomUUID()}`, 10_000); // ¥100 → 100 × 1.5
    expect(second.json()).toMatchObject({ points: 150, upgraded: false });

    const status = await call(app, cashier, 'GET', `/api/members/${member.id}/tier`);
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      tier: { name: 'Silver', discount_bp: 500 },
      growth: 1300,
      qualifying_value: 1300,
      next_tier: null,
      rights: [{ code: 'upsize', used: 0, remaining: 2 }],
    });
    expect(status.json().history).toHaveLength(1);
    const loyalty = await db
      .selectFrom('member_loyalty')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(loyalty).toMatchObject({ growth: 1300, spend_fen: 130_000, tier_id: silver.json().id });

    // a service right: twice this month, the third time refused with the count
    const use = () => call(app, cashier, 'POST', `/api/members/${member.id}/rights/upsize/use`);
    expect((await use()).json()).toMatchObject({ used: 1, remaining: 1 });
    expect((await use()).json()).toMatchObject({ used: 2, remaining: 0 });
    const third = await use();
    expect(third.statusCode).toBe(409);
    expect(third.json().error).toMatchObject({
      code: 'tier.right_exhausted',
      params: { limit: 2, used: 2 },
    });
    const uses = await db
      .selectFrom('tier_right_use')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(uses).toHaveLength(2);
    const unknown = await call(
      app,
      cashier,
      'POST',
      `/api/members/${member.id}/rights/parking/use`,
    );
    expect(unknown.statusCode).toBe(404);

    // a tier somebody holds cannot be deleted
    const del = await call(app, owner, 'DELETE', `/api/tiers/${silver.json().id}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().error.code).toBe('tier.in_use');
  });

  it('growth basis can be spend; action growth needs loyalty.admin', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const settings = await call(app, m.tokens.owner, 'PUT', '/api/tiers/settings', {
      basis: 'spend',
    });
    expect(settings.json()).toMatchObject({
      basis: 'spend',
      fen_per_growth: 100,
      review_months: 12,
    });
    const vip = await call(app, m.tokens.owner, 'POST', '/api/tiers', {
      name: 'VIP',
      threshold: 50_000,
    });
    const member = (
      await call(app, m.tokens.cashier, 'POST', '/api/members', { phone: uniquePhone() })
    ).json();
    // 10 000 growth for an action, but the basis is spend: no upgrade
    const action = await call(app, m.tokens.manager, 'POST', `/api/members/${member.id}/growth`, {
      growth: 10_000,
      reason: 'wrote a review',
    });
    expect(action.json()).toMatchObject({ growth: 10_000, tier_id: null, upgraded: false });
    const earn = await call(
      app,
      m.tokens.cashier,
      'POST',
      `/api/members/${member.id}/points/earn`,
      {
        order_ref: 'spend-1',
        lines: [{ category: 'x', amount_fen: 50_000 }],
        paid_at: new Date().toISOString(),
      },
    );
    expect(earn.json()).toMatchObject({ upgraded: true, tier_id: vip.json().id });
    const cashierGrowth = await call(
      app,
      m.tokens.cashier,
      'POST',
      `/api/members/${member.id}/growth`,
      {
        growth: 1,
        reason: 'x',
      },
    );
    expect(cashierGrowth.statusCode).toBe(403);
  });
});
