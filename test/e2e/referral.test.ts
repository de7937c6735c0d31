import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/core/tenancy/store.service.ts';
import {
  auth,
  createMember,
  createTestMerchant,
  PASSWORD,
  postWithKey,
  type TestMerchant,
} from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issue 8 item 7 in the console: an owner sets the 全民拓客 rules, reads the report, approves a withdrawal. */
describe('referral distribution in a browser', () => {
  let c: Console;
  let m: TestMerchant;
  let sharerId: string;

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    const store = await c.db
      .transaction()
      .execute((trx) => createStore(trx, m.ctx(), { code: 'S1', name: '静安店' }));
    const patch = await c.app.inject({
      method: 'PATCH',
      url: '/api/referral/settings',
      headers: auth(m.tokens.owner),
      payload: { active: true, rule: 'first_order_percent', percent_bp: 1000, payout: 'ledger' },
    });
    expect(patch.statusCode).toBe(200);
    const sharer = await createMember(c.db, m.ctx(), { name: '王芳' });
    const newcomer = await createMember(c.db, m.ctx(), { name: '李雷' });
    sharerId = sharer.id;
    const share = await c.app.inject({
      method: 'GET',
      url: `/api/members/${sharer.id}/referral`,
      headers: auth(m.tokens.cashier),
    });
    const invite = await c.app.inject({
      method: 'POST',
      url: '/api/referral/invitations',
      headers: auth(m.tokens.cashier),
      payload: { code: share.json().share.code, member_id: newcomer.id },
    });
    expect(invite.statusCode).toBe(201);
    const order = await postWithKey(c.app, m.tokens.cashier, '/api/orders', {
      store_id: store.id,
      member_id: newcomer.id,
      lines: [{ name: '蛋糕', category: 'food', unit_price_fen: 20_000, quantity: 1 }],
      tenders: [{ method: 'cash', amount_fen: 20_000 }],
    });
    expect(order.statusCode).toBe(201);
    const withdrawal = await postWithKey(
      c.app,
      m.tokens.cashier,
      `/api/members/${sharer.id}/referral/withdrawals`,
      { amount_fen: 1_500, note: '微信转账' },
    );
    expect(withdrawal.statusCode).toBe(201);
  });
  afterAll(async () => {
    await c?.close();
  });

  it('changes the rules, shows the report per sharer and store, and approves a withdrawal', async () => {
    const { page } = c;
    await logIn(page, m.logins.owner, PASSWORD);
    await page.getByRole('menuitem', { name: '全民拓客' }).click();
    await page.getByRole('cell', { name: /王芳/ }).waitFor();
    await expect.poll(() => page.getByRole('cell', { name: '静安店' }).count()).toBe(1);
    expect(await page.getByRole('cell', { name: '¥20.00' }).count()).toBeGreaterThan(0);

    await page.getByLabel('佣金比例').fill('12.5');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存').waitFor();
    await expect
      .poll(
        async () =>
          (
            await c.db
              .selectFrom('referral_setting')
              .select('percent_bp')
              .where('merchant_id', '=', m.merchantId)
              .executeTakeFirstOrThrow()
          ).percent_bp,
      )
      .toBe(1250);

    await c.screenshot('referral');
    await page.getByRole('button', { name: /通\s*过/ }).click();
    await page.getByText('已通过').waitFor();
    const row = await c.db
      .selectFrom('referral_withdrawal')
      .select(['status', 'decided_by'])
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', sharerId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'approved', decided_by: m.staffIds.owner });
    expect(c.pageErrors).toEqual([]);
  });
});
