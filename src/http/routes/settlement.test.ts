import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { auth, createMember, createTestMerchant, testApp } from '../../../test/factories.ts';
import { cash } from '../../../test/wallet-support.ts';
import { createStore } from '../../core/tenancy/store.service.ts';
import { rechargeMember } from '../../core/wallet/recharge.service.ts';
import { payFromWallet } from '../../core/wallet/wallet.service.ts';

it('serves the settlement as JSON and as CSV to report readers, and refuses a bad month', async () => {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const ctx = m.ctx('owner', new Date('2026-11-10T04:00:00Z'));
  const member = await createMember(db, ctx);
  await db.transaction().execute(async (trx) => {
    const a = await createStore(trx, ctx, { code: 'A', name: '=A店' });
    const b = await createStore(trx, ctx, { code: 'B', name: 'B店' });
    await rechargeMember(trx, ctx, member.id, {
      amount_fen: 8_800,
      tenders: cash(8_800),
      store_id: a.id,
    });
    await payFromWallet(
      trx,
      ctx,
      member.id,
      { amount_fen: 1_250, order_ref: randomUUID(), store_id: b.id },
      { method: 'none' },
    );
  });
  const get = (url: string, token = m.tokens.owner) => app.inject({ url, headers: auth(token) });

  const json = await get('/api/reports/settlement?month=2026-11');
  expect(json.statusCode).toBe(200);
  expect(json.json()).toMatchObject([
    { sold_store_name: '=A店', spent_store_name: 'B店', principal_fen: 1_250, bonus_fen: 0 },
  ]);

  const csv = await get('/api/reports/settlement/export?month=2026-11', m.tokens.marketer);
  expect(csv.statusCode).toBe(200);
  expect(csv.headers['content-type']).toContain('text/csv');
  expect(
    csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n'),
  ).toEqual(['月份,售卡门店,消费门店,本金（元）,赠送金（元）', "2026-11,'=A店,B店,12.50,0.00"]);

  const bad = await get('/api/reports/settlement?month=2026-13');
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.code).toBe('request.invalid');
  expect((await get('/api/reports/settlement?month=2026-11', m.tokens.cashier)).statusCode).toBe(
    403,
  );
});
