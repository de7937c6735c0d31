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
import { openMemberSession } from '../../core/member-app/member-session.service.ts';
import type { Db } from '../../db/database.ts';
import { buildApp } from '../app.ts';

async function devApp() {
  const { db } = await testDb();
  const app = await buildApp({ db, config: { ...testConfig(), devPayments: true } });
  await app.ready();
  return { app, db };
}
let closeDev: (() => Promise<void>) | undefined;
afterAll(() => closeDev?.());

async function memberToken(db: Db, m: Awaited<ReturnType<typeof createTestMerchant>>) {
  const member = await createMember(db, m.ctx());
  const { token } = await db
    .transaction()
    .execute((trx) => openMemberSession(trx, m.ctx(), { phone: member.phone! }));
  return { member, token };
}

describe('member page recharges', () => {
  it('a page payment reaches the wallet only when completed, and completes once', async () => {
    const { app, db } = await devApp();
    closeDev = () => app.close();
    const m = await createTestMerchant(db);
    const plan = await postWithKey(app, m.tokens.owner, '/api/recharge-plans', {
      name: 'P100',
      price_fen: 10_000,
      bonus_fen: 1_000,
    });
    expect(plan.statusCode).toBe(201);
    const { member, token } = await memberToken(db, m);
    const post = (url: string, payload?: object, key = randomUUID()) =>
      app.inject({
        method: 'POST',
        url,
        headers: { ...auth(token), 'idempotency-key': key },
        ...(payload ? { payload } : {}),
      });
    const started = await post('/api/member/payments', {
      plan_id: plan.json().id,
      provider: 'development',
    });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json()).toMatchObject({ status: 'pending', amount_fen: 10_000 });
    const before = await db
      .selectFrom('recharge')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', member.id)
      .execute();
    expect(before).toEqual([]);

    const key = randomUUID();
    const done = await post(`/api/member/payments/${started.json().id}/complete`, undefined, key);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe('completed');
    const replay = await post(`/api/member/payments/${started.json().id}/complete`, undefined, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const again = await post(`/api/member/payments/${started.json().id}/complete`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('member_app.payment_not_pending');

    const recharges = await db
      .selectFrom('recharge')
      .select(['id', 'price_fen', 'bonus_fen'])
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', member.id)
      .execute();
    expect(recharges).toEqual([
      { id: done.json().recharge_id, price_fen: 10_000, bonus_fen: 1_000 },
    ]);
    const me = await app.inject({ method: 'GET', url: '/api/member/me', headers: auth(token) });
    expect(me.json().card).toMatchObject({ principal_fen: 10_000, bonus_fen: 1_000 });
  });

  it('refuses the development provider on a server without it, and changes nothing', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const plan = await postWithKey(app, m.tokens.owner, '/api/recharge-plans', {
      name: 'P1',
      price_fen: 100,
      bonus_fen: 0,
    });
    const { token } = await memberToken(db, m);
    const res = await app.inject({
      method: 'POST',
      url: '/api/member/payments',
      headers: { ...auth(token), 'idempotency-key': randomUUID() },
      payload: { plan_id: plan.json().id, provider: 'development' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('member_app.dev_payments_off');
    const rows = await db
      .selectFrom('member_payment')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(rows).toEqual([]);
  });
});
