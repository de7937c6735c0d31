import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestMerchant } from '../../../test/factories.ts';
import { clockTestApp, S9_PLAN, walletClient } from '../../../test/wallet-support.ts';

describe('plans sold at the till: only the name and the offer change', () => {
  for (const kind of [
    { base: '/api/recharge-plans', body: S9_PLAN, prefix: 'recharge', audit: 'recharge_plan' },
    {
      base: '/api/membership/plans',
      body: { name: '年卡', price_fen: 9900, duration_months: 12 },
      prefix: 'membership',
      audit: 'membership_plan',
    },
  ])
    it(`${kind.base}: rename, take off offer, audited; a blank name is 400, an unknown id 404`, async () => {
      const { app, db } = await clockTestApp();
      const m = await createTestMerchant(db);
      const call = walletClient(app, m);
      const plan = (await call('owner', 'POST', kind.base, kind.body)).json();
      const url = `${kind.base}/${plan.id}`;
      const renamed = await call('owner', 'PATCH', url, { name: ' 新名字 ', active: false });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({
        name: '新名字',
        active: false,
        price_fen: plan.price_fen,
      });
      const blank = await call('owner', 'PATCH', url, { name: '  ' });
      expect(blank.statusCode).toBe(400);
      expect(blank.json().error).toMatchObject({
        code: `${kind.prefix}.plan_invalid`,
        field: 'name',
      });
      const unknown = await call('owner', 'PATCH', `${kind.base}/${randomUUID()}`, {
        active: true,
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe(`${kind.prefix}.plan_not_found`);
      const audit = await db
        .selectFrom('audit_log')
        .select(['before', 'after'])
        .where('merchant_id', '=', m.merchantId)
        .where('action', '=', `${kind.audit}.update`)
        .execute();
      expect(audit).toEqual([
        {
          before: { name: kind.body.name, active: true },
          after: { name: '新名字', active: false },
        },
      ]);
    });
});
