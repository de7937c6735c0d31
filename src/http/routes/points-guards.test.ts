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

type App = Awaited<ReturnType<typeof testApp>>['app'];

const post = postWithKey;

const put = (app: App, token: string, url: string, payload: object) =>
  app.inject({ method: 'PUT', url, headers: auth(token), payload });

async function pointsRows(m: TestMerchant) {
  const { db } = await testApp();
  const entries = await db
    .selectFrom('ledger_entry')
    .select(['kind', 'amount'])
    .where('merchant_id', '=', m.merchantId)
    .where('ledger', '=', 'points')
    .execute();
  return { entries, total: entries.reduce((n, e) => n + e.amount, 0) };
}

describe('points are not minted from nothing', () => {
  it('an earn is bounded in amount and paid_at; an order reference earns once', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const member = await createMember(db, m.ctx());
    const url = `/api/members/${member.id}/points/earn`;
    const order = (over: object) => ({
      order_ref: randomUUID(),
      lines: [{ category: 'food', amount_fen: 1000 }],
      paid_at: new Date().toISOString(),
      ...over,
    });
    const huge = await post(
      app,
      m.tokens.cashier,
      url,
      order({ lines: [{ category: 'x', amount_fen: 100_000_000_000 }] }),
    );
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.code).toBe('request.invalid');
    const many = await post(
      app,
      m.tokens.cashier,
      url,
      order({
        lines: Array.from({ length: 3 }, () => ({ category: 'x', amount_fen: 100_000_000 })),
      }),
    );
    expect(many.statusCode).toBe(400);
    expect(many.json().error).toMatchObject({ code: 'points.amount_invalid', field: 'lines' });
    const old = await post(
      app,
      m.tokens.cashier,
      url,
      order({ paid_at: new Date(Date.now() - 31 * 86_400_000).toISOString() }),
    );
    expect(old.statusCode).toBe(400);
    expect(old.json().error).toMatchObject({
      code: 'points.paid_at_invalid',
      params: { earn_backdate_days: 30 },
    });
    const future = await post(
      app,
      m.tokens.cashier,
      url,
      order({ paid_at: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    expect(future.json().error.code).toBe('points.paid_at_invalid');
    expect((await pointsRows(m)).entries).toEqual([]);

    const ok = order({ paid_at: new Date(Date.now() - 29 * 86_400_000).toISOString() });
    expect((await post(app, m.tokens.cashier, url, ok)).statusCode).toBe(200);
    const twice = await post(app, m.tokens.cashier, url, ok);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('points.order_already_earned');
    // the same order for another member of the merchant earns nothing either
    const other = await createMember(db, m.ctx());
    const elsewhere = await post(app, m.tokens.cashier, `/api/members/${other.id}/points/earn`, ok);
    expect(elsewhere.json().error.code).toBe('points.order_already_earned');
    expect((await pointsRows(m)).total).toBe(10);
  });

  it('grant ceilings hold per actor per day, also in parallel across members', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const members = await Promise.all(Array.from({ length: 8 }, () => createMember(db, m.ctx())));
    // a cashier may grant 100 a time and 500 a day
    const results = await Promise.all(
      members.map((mb) =>
        post(app, m.tokens.cashier, `/api/members/${mb.id}/points/grant`, {
          points: 100,
          reason: 'suggestion',
        }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 422, 422, 422]);
    for (const r of results.filter((x) => x.statusCode === 422))
      expect(r.json().error).toMatchObject({
        code: 'points.grant_over_daily_ceiling',
        params: { ceiling: 500, granted_today: 500 },
      });
    expect((await pointsRows(m)).total).toBe(500);
    // another cashier's day is their own; the owner has no ceiling
    const owner = await post(app, m.tokens.owner, `/api/members/${members[0]!.id}/points/grant`, {
      points: 100_000,
      reason: 'owner',
    });
    expect(owner.statusCode).toBe(200);
  });

  it('ceilings and wallet settings need merchant.admin: a manager cannot raise their own', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const raise = await put(app, m.tokens.manager, '/api/points/rules', {
      grant_ceilings: { manager: 100_000_000 },
    });
    expect(raise.statusCode).toBe(403);
    expect(raise.json().error).toMatchObject({
      code: 'auth.forbidden',
      params: { permission: 'merchant.admin' },
    });
    const daily = await put(app, m.tokens.manager, '/api/points/rules', {
      grant_daily_ceilings: { manager: 100_000_000 },
    });
    expect(daily.statusCode).toBe(403);
    // the rest of the rules stay with loyalty.admin
    const other = await put(app, m.tokens.manager, '/api/points/rules', { activation_bonus: 50 });
    expect(other.statusCode).toBe(200);
    expect(other.json().grant_ceilings.manager).toBe(1000);
    const wallet = await put(app, m.tokens.manager, '/api/wallet/settings', {
      password_threshold_fen: null,
    });
    expect(wallet.statusCode).toBe(403);
    const byOwner = await put(app, m.tokens.owner, '/api/points/rules', {
      grant_daily_ceilings: { manager: 9000 },
      earn_backdate_days: 7,
    });
    expect(byOwner.statusCode).toBe(200);
    expect(byOwner.json()).toMatchObject({
      grant_daily_ceilings: { manager: 9000, cashier: 500 },
      earn_backdate_days: 7,
    });
    const row = await db
      .selectFrom('points_setting')
      .select(['grant_ceilings', 'earn_backdate_days'])
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ grant_ceilings: { manager: 1000 }, earn_backdate_days: 7 });
  });
});
